package com.vpsie.autoscaler.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupStatus;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupVpsieGroup;
import com.vpsie.autoscaler.model.WellKnown;
import com.vpsie.autoscaler.sim.Fault;
import com.vpsie.autoscaler.sim.SimEndpoint;
import com.vpsie.autoscaler.sim.SimNode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A NodeGroup whose VPSie node group does not exist, against a VPSie that lists new groups and servers only after a
 * lag and loses the answer to the group's create: the `run` assembly makes exactly one VPSie group, records it in
 * status, and scales the NodeGroup to its minimum with Nodes that carry the NodeGroup's labels.
 */
class VpsieGroupCreationIT {

    private static final Duration LAG = Duration.ofSeconds(3);

    private SimulatedRunWorld run;
    private ControllerApp app;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        run = SimulatedRunWorld.start();
        run.vpsie.listingLag(LAG).injectFault(SimEndpoint.ADD_GROUP, Fault.lostResponse());
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        run.close();
    }

    @Test
    void aNodeGroupWithoutVpsieGroupGetsExactlyOneAndScalesToItsMinimum() throws Exception {
        NodeGroup group = ControllerFixtures.group("fresh", 2, 4);
        group.getSpec().setOfferingIDs(List.of("2"));
        run.kube.client().resources(NodeGroup.class).inNamespace("test").resource(group).create();
        app = ControllerApp.start(run.config(dir, Duration.ofMillis(500), "group-creation-it"), Clock.systemUTC());

        await().atMost(90, TimeUnit.SECONDS).untilAsserted(() -> {
            NodeGroupStatus s = run.status("fresh");
            assertThat(s).isNotNull();
            assertThat(s.getReadyNodes()).isEqualTo(2);
        });
        List<String> names = run.vpsie.cloud().groupNames("cluster-1");
        assertThat(names).as("VPSie groups of the cluster").singleElement()
                .satisfies(n -> assertThat(n).startsWith("fresh-2-"));
        long id = run.vpsie.cloud().groupsNamed("cluster-1", names.get(0)).get(0);
        assertThat(run.vpsie.cloud().groupSize(id)).isEqualTo("2");
        assertThat(run.vpsie.cloud().workers("cluster-1", id)).extracting(SimNode::boxsizeId)
                .containsExactly("2", "2");
        assertThat(run.kube.client().nodes().withLabel(WellKnown.NODEGROUP_LABEL, "fresh").list().getItems())
                .hasSize(2).allSatisfy(n -> assertThat(n.getMetadata().getLabels())
                        .containsEntry(WellKnown.OFFERING_LABEL, "2"));
        await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> {
            assertThat(run.status("fresh").getVpsieGroupID()).isEqualTo(id);
            assertThat(run.status("fresh").getVpsieGroups()).containsExactly(new NodeGroupVpsieGroup("2", id));
        });
        // more listing lags later: still one group, one create sent, and no server more than asked for
        Thread.sleep(LAG.multipliedBy(2).toMillis());
        assertThat(run.vpsie.cloud().groupNames("cluster-1")).containsExactly(names.get(0));
        assertThat(run.vpsie.requestCount(SimEndpoint.ADD_GROUP)).isEqualTo(1);
        assertThat(run.vpsie.cloud().workers("cluster-1", id)).hasSize(2);
    }
}
