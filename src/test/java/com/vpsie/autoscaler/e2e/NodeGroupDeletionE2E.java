package com.vpsie.autoscaler.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupCondition;
import com.vpsie.autoscaler.controller.ControllerApp;
import com.vpsie.autoscaler.model.WellKnown;
import com.vpsie.autoscaler.testing.realkube.KubeControlPlane;
import com.vpsie.autoscaler.testing.realkube.RealKubernetes;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Deleting a NodeGroup on a real API server, under the chart's RBAC: the finalizer holds the object while a
 * PodDisruptionBudget (whose status the real disruption controller keeps) allows no eviction, the group says why,
 * and once the budget is gone its nodes are drained through the real Eviction API, its servers deleted and the
 * object removed.
 */
@RealKubernetes
class NodeGroupDeletionE2E {

    private static final Duration WAIT = Duration.ofMinutes(2);

    @Test
    void aDeletedGroupWaitsOutItsPdbThenDrainsAndRemovesItsServers(KubeControlPlane kube) throws Exception {
        try (E2eWorld world = E2eWorld.start(kube, "deletion", Duration.ofSeconds(1))) {
            world.createGroup(1, 3, null);
            try (ControllerApp app = ControllerApp.start(world.config("deletion"), Clock.systemUTC())) {
                // one pod to a node: two nodes to drain, the second one's pod must not land on the first
                world.createDeployment(2, "1200m");
                Awaitility.await().atMost(WAIT).until(() -> world.allPodsRunning(2));
                assertThat(world.groupNodes()).hasSize(2);
                Awaitility.await().atMost(WAIT).until(() -> stored(world) != null
                        && stored(world).getMetadata().getFinalizers().contains(WellKnown.NODEGROUP_FINALIZER));
                world.createPdb(2);
                Awaitility.await().atMost(WAIT).until(() -> {
                    PodDisruptionBudget b = world.client.policy().v1().podDisruptionBudget().inNamespace(world.ns)
                            .withName(E2eWorld.APP).get();
                    return b.getStatus() != null && b.getStatus().getCurrentHealthy() != null
                            && b.getStatus().getCurrentHealthy() == 2 && b.getStatus().getDisruptionsAllowed() == 0;
                });
                int nodes = world.groupNodes().size();
                long deleted = System.nanoTime();

                world.client.resources(NodeGroup.class).inNamespace(world.ns).withName(world.group).delete();

                Awaitility.await().atMost(WAIT).untilAsserted(() -> {
                    NodeGroupCondition c = deleting(world);
                    assertThat(c).isNotNull();
                    assertThat(c.getReason()).isEqualTo("DeletionBlocked");
                    assertThat(c.getMessage()).contains("NotEnoughPdb");
                });
                Awaitility.await().atMost(WAIT).until(() -> !events(world, "DeletionBlocked").isEmpty());
                assertThat(world.allPodsRunning(2)).as("nothing evicted under the budget").isTrue();
                assertThat(world.workers()).as("no server deleted while blocked").hasSize(nodes);
                assertThat(world.groupNodes()).as("every node of the group cordoned")
                        .allSatisfy(n -> assertThat(n.getSpec().getUnschedulable()).isTrue());

                world.client.policy().v1().podDisruptionBudget().inNamespace(world.ns).withName(E2eWorld.APP)
                        .delete();
                long unblocked = System.nanoTime();

                Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> stored(world) == null
                        && world.workers().isEmpty() && world.groupNodes().isEmpty());
                System.out.printf(Locale.ROOT, "[e2e] deletion: %d node(s) drained and their servers deleted %d ms "
                                + "after the budget went (%d ms after the NodeGroup was deleted)%n", nodes,
                        Duration.ofNanos(System.nanoTime() - unblocked).toMillis(),
                        Duration.ofNanos(System.nanoTime() - deleted).toMillis());
                // the VPSie client may not remove node groups yet: then the group is left in place and says so
                assertThat(events(world, "Deleted").size() + events(world, "VpsieGroupNotRemoved").size())
                        .isEqualTo(1);
                assertThat(world.pods()).as("the evicted pods' replacements wait for room elsewhere")
                        .allSatisfy(p -> assertThat(p.getSpec().getNodeName()).isNull());
            }
        }
    }

    private static NodeGroup stored(E2eWorld world) {
        return world.client.resources(NodeGroup.class).inNamespace(world.ns).withName(world.group).get();
    }

    private static NodeGroupCondition deleting(E2eWorld world) {
        NodeGroup g = stored(world);
        if (g == null || g.getStatus() == null || g.getStatus().getConditions() == null) {
            return null;
        }
        return g.getStatus().getConditions().stream()
                .filter(c -> NodeGroupCondition.TYPE_DELETING.equals(c.getType())).findFirst().orElse(null);
    }

    private static List<Event> events(E2eWorld world, String reason) {
        return world.client.v1().events().inNamespace(world.ns).list().getItems().stream()
                .filter(e -> reason.equals(e.getReason()) && world.group.equals(e.getInvolvedObject().getName()))
                .toList();
    }
}
