package com.vpsie.autoscaler.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.vpsie.autoscaler.controller.ControllerApp;
import com.vpsie.autoscaler.sim.Fault;
import com.vpsie.autoscaler.sim.SimEndpoint;
import com.vpsie.autoscaler.sim.SimNode;
import com.vpsie.autoscaler.testing.realkube.KubeControlPlane;
import com.vpsie.autoscaler.testing.realkube.RealKubernetes;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A NodeGroup whose VPSie node group does not exist gets one and scales, through the real scheduler and under the
 * chart's RBAC: a Deployment's pods are Unschedulable, the controller makes the VPSie group (whose create answer is
 * lost, and which VPSie lists only after a lag), asks for servers in it, labels their Nodes as the NodeGroup's, and
 * the scheduler binds the pods to them.
 */
@RealKubernetes
class VpsieGroupCreationE2E {

    private static final Duration WAIT = Duration.ofMinutes(2);

    @Test
    void aNodeGroupWhoseVpsieGroupDoesNotExistGetsOneAndScales(KubeControlPlane kube) throws Exception {
        try (E2eWorld world = E2eWorld.startWithoutVpsieGroup(kube, "group-create", Duration.ofSeconds(1))) {
            world.vpsie.listingLag(Duration.ofSeconds(2)).injectFault(SimEndpoint.ADD_GROUP, Fault.lostResponse());
            world.createGroup(0, 3, null);
            try (ControllerApp app = ControllerApp.start(world.config("group-create"), Clock.systemUTC())) {
                // two 700m pods to a node: three pods need two nodes
                world.createDeployment(3);
                Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                        .until(() -> world.allPodsRunning(3));

                List<String> groups = world.vpsie.cloud().groupNames(E2eWorld.CLUSTER);
                assertThat(groups).as("VPSie node groups of the cluster").hasSize(1);
                long id = world.vpsie.cloud().groupsNamed(E2eWorld.CLUSTER, groups.get(0)).get(0);
                assertThat(world.vpsie.cloud().groupSize(id)).isEqualTo(E2eWorld.OFFERING);
                assertThat(world.requests(SimEndpoint.ADD_GROUP)).as("group creations asked for").hasSize(1);
                List<SimNode> servers = world.vpsie.cloud().workers(E2eWorld.CLUSTER, id);
                assertThat(servers).hasSize(2);
                // the pods need no label to be scheduled; the controller labels the Nodes on a later reconcile
                Awaitility.await().atMost(WAIT).untilAsserted(() -> {
                    assertThat(world.groupNodes()).as("Nodes labelled as the NodeGroup's").hasSize(2);
                    assertThat(world.status().getVpsieGroupID()).isEqualTo(id);
                });
            }
        }
    }
}
