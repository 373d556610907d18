package com.vpsie.autoscaler.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupStatus;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupVpsieGroup;
import com.vpsie.autoscaler.model.WellKnown;
import com.vpsie.autoscaler.sim.SimNode;
import com.vpsie.autoscaler.sim.SimulatedKubelets;
import com.vpsie.autoscaler.sim.SimulatorMachines;
import com.vpsie.autoscaler.sim.VpsieSimulator;
import com.vpsie.autoscaler.sim.kube.StrictMockServer;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.SecretBuilder;
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

    private StrictMockServer kube;
    private VpsieSimulator vpsie;
    private SimulatedKubelets kubelets;
    private ControllerApp app;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        kube = StrictMockServer.start();
        vpsie = new VpsieSimulator(Clock.systemUTC()).acceptStaticToken("sim-token");
        vpsie.cloud().addCluster("cluster-1", "demo", "dc1").addStandardOffers("dc1")
                .readyAfter(Duration.ofMillis(300));
        vpsie.cloud().addGroup("cluster-1", "general", SMALL);
        vpsie.start(0);
        kubelets = new SimulatedKubelets(kube.client(), new SimulatorMachines(vpsie.cloud(), "vpsie://"),
                Clock.systemUTC());
        kubelets.start(100);
        kube.client().secrets().inNamespace("test").resource(new SecretBuilder().withNewMetadata()
                .withName("vpsie-credentials").endMetadata().addToStringData("token", "sim-token").build()).create();
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        kubelets.close();
        vpsie.stop();
        kube.close();
    }

    @Test
    void aPodThatOnlyTheLargerOfferingFitsGetsALargeServerInOneScaleUp() throws Exception {
        NodeGroup group = ControllerFixtures.group("general", 0, 3);
        group.getSpec().setOfferingIDs(List.of(SMALL, LARGE));
        kube.client().resources(NodeGroup.class).inNamespace("test").resource(group).create();
        app = ControllerApp.start(ControllerFixtures.runConfig(kube.writeKubeconfig(dir.resolve("kubeconfig"), "test"),
                vpsie.baseUrl(), Duration.ofMillis(500), false, "multi-offering-it"), Clock.systemUTC());

        kube.client().pods().inNamespace("test")
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
        assertThat(vpsie.cloud().groupSize(large)).isEqualTo(LARGE);
        await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> {
            NodeGroupStatus s = kube.client().resources(NodeGroup.class).inNamespace("test").withName("general").get()
                    .getStatus();
            assertThat(s.getVpsieGroups()).as("the VPSie group of each offering used")
                    .contains(new NodeGroupVpsieGroup(LARGE, large));
            assertThat(s.getVpsieGroupID()).as("only for a NodeGroup of one offering").isNull();
            assertThat(s.getPlannedOfferings()).as("every planned offering taken").isNull();
            assertThat(s.getDesiredNodes()).isEqualTo(1);
        });
    }

    private List<SimNode> workers() {
        return vpsie.cloud().allNodes().stream().filter(n -> !n.master()).toList();
    }

    private List<Node> groupNodes() {
        return kube.client().nodes().withLabel(WellKnown.NODEGROUP_LABEL, "general").list().getItems();
    }
}
