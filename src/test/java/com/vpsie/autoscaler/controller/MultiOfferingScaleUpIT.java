package com.vpsie.autoscaler.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupStatus;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupVpsieGroup;
import com.vpsie.autoscaler.model.WellKnown;
import com.vpsie.autoscaler.sim.SimNode;
import io.fabric8.kubernetes.api.model.Node;
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
 * A NodeGroup with two offerings whose existing VPSie node group is sized as the smaller one, and a pod that only
 * the larger one fits: the `run` assembly over HTTP against the VPSie simulator, whose servers take their size from
 * their VPSie group as VPSie's do. The planner chooses the larger offering; the server that joins must be that one,
 * in one scale-up. (Before VPSie groups per offering, the add call went to the small group: a small node joined, the
 * pod still did not fit, and scale-up followed scale-up with nodes that could never take it.)
 */
class MultiOfferingScaleUpIT {

    private static final String SMALL = "1"; // 2 cores
    private static final String LARGE = "3"; // 8 cores

    private SimulatedRunWorld run;
    private ControllerApp app;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        run = SimulatedRunWorld.start();
        run.vpsie.cloud().addGroup(SimulatedRunWorld.CLUSTER, "general", SMALL);
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        run.close();
    }

    @Test
    void aPodThatOnlyTheLargerOfferingFitsGetsALargeServerInOneScaleUp() throws Exception {
        NodeGroup group = ControllerFixtures.group("general", 0, 3);
        group.getSpec().setOfferingIDs(List.of(SMALL, LARGE));
        run.kube.client().resources(NodeGroup.class).inNamespace("test").resource(group).create();
        app = ControllerApp.start(run.config(dir, Duration.ofMillis(500), "multi-offering-it"), Clock.systemUTC());

        run.kube.client().pods().inNamespace("test")
                .resource(ControllerFixtures.unschedulablePod("big", "6", "8Gi")).create();

        await().atMost(60, TimeUnit.SECONDS).untilAsserted(() -> assertThat(workers())
                .as("servers VPSie made for the pod").isNotEmpty());
        assertThat(workers()).extracting(SimNode::boxsizeId).as("size of the first server VPSie made")
                .containsOnly(LARGE);

        await().atMost(60, TimeUnit.SECONDS).untilAsserted(() -> assertThat(groupNodes())
                .extracting(n -> n.getMetadata().getLabels().get(WellKnown.OFFERING_LABEL))
                .as("nodes of NodeGroup general").containsExactly(LARGE));
        // the pod fits the node that joined: no second scale-up however many passes run
        Thread.sleep(3_000);
        assertThat(workers()).extracting(SimNode::boxsizeId).as("every server VPSie made").containsExactly(LARGE);

        long large = workers().get(0).groupId();
        assertThat(run.vpsie.cloud().groupSize(large)).isEqualTo(LARGE);
        await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> {
            NodeGroupStatus s = run.status("general");
            assertThat(s.getVpsieGroups()).as("the VPSie group of each offering used")
                    .contains(new NodeGroupVpsieGroup(LARGE, large));
            assertThat(s.getVpsieGroupID()).as("only for a NodeGroup of one offering").isNull();
            assertThat(s.getPlannedOfferings()).as("every planned offering taken").isNull();
            assertThat(s.getDesiredNodes()).isEqualTo(1);
        });
    }

    private List<SimNode> workers() {
        return run.vpsie.cloud().allNodes().stream().filter(n -> !n.master()).toList();
    }

    private List<Node> groupNodes() {
        return run.kube.client().nodes().withLabel(WellKnown.NODEGROUP_LABEL, "general").list().getItems();
    }
}
