package com.vpsie.autoscaler.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupCondition;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupSpec;
import com.vpsie.autoscaler.controller.ControllerApp;
import com.vpsie.autoscaler.model.WellKnown;
import com.vpsie.autoscaler.sim.SimEndpoint;
import com.vpsie.autoscaler.sim.SimRequest;
import com.vpsie.autoscaler.testing.realkube.KubeControlPlane;
import com.vpsie.autoscaler.testing.realkube.RealKubernetes;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A size sold out in the datacenter, on the real control plane under the chart's RBAC: the world's NodeGroup uses
 * size 1, which VPSie refuses for lack of capacity; a second NodeGroup uses size 2. The pod the scheduler cannot
 * place runs on a node of the second group, the first group says which size is unavailable until when, and no
 * server of size 1 is asked for again. The time from the refusal to the other group's add call is printed.
 */
@RealKubernetes
class OutOfCapacityE2E {

    private static final Duration WAIT = Duration.ofMinutes(2);

    @Test
    void aPodWhosePreferredSizeIsSoldOutRunsOnAnotherGroup(KubeControlPlane kube) throws Exception {
        try (E2eWorld world = E2eWorld.start(kube, "stock", Duration.ofSeconds(1))) {
            world.vpsie.cloud().outOfStock(E2eWorld.DATACENTER, E2eWorld.OFFERING, true);
            String large = world.group + "-large";
            long largeSimGroup = world.vpsie.cloud().addGroup(E2eWorld.CLUSTER, large, "2");
            world.createGroup(0, 3, null);
            createGroup(world, large, "2");
            try (ControllerApp app = ControllerApp.start(world.config("stock"), Clock.systemUTC())) {
                world.createDeployment(1);
                Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                        .until(() -> world.allPodsRunning(1));

                List<SimRequest> refused = addCalls(world, world.simGroupId);
                List<SimRequest> fallback = addCalls(world, largeSimGroup);
                assertThat(refused).as("size 1 was asked for once and refused, not again").hasSize(1);
                assertThat(fallback).hasSize(1);
                System.out.printf(Locale.ROOT, "[e2e] out of capacity: refusal of size 1 -> add call in group %s "
                                + "after %d ms (scan interval %d s)%n", large,
                        Duration.between(refused.get(0).at(), fallback.get(0).at()).toMillis(),
                        world.config("stock").scanInterval().toSeconds());
                assertThat(world.pods().get(0).getSpec().getNodeName()).isIn(nodesOf(world, large).stream()
                        .map(n -> n.getMetadata().getName()).toList());
                assertThat(world.workers()).isEmpty();
                assertThat(world.status().getDesiredNodes()).as("the refused request was given back").isZero();
                assertThat(world.status().getConditions())
                        .filteredOn(c -> NodeGroupCondition.TYPE_OFFERING_UNAVAILABLE.equals(c.getType()))
                        .singleElement().satisfies(c -> {
                            assertThat(c.getStatus()).isEqualTo(NodeGroupCondition.STATUS_TRUE);
                            assertThat(c.getMessage()).contains("offering 1 out of capacity in datacenter "
                                    + E2eWorld.DATACENTER);
                        });
                assertThat(world.client.v1().events().inNamespace(world.ns).list().getItems())
                        .anyMatch(e -> "OfferingUnavailable".equals(e.getReason())
                                && world.group.equals(e.getInvolvedObject().getName()));
            } finally {
                // the world removes its own group's nodes; a node left behind would take the next scenario's pods
                for (Node n : nodesOf(world, large)) {
                    world.client.nodes().withName(n.getMetadata().getName()).delete();
                    world.client.leases().inNamespace("kube-node-lease").withName(n.getMetadata().getName()).delete();
                }
            }
        }
    }

    private static void createGroup(E2eWorld world, String name, String offering) {
        NodeGroupSpec spec = new NodeGroupSpec();
        spec.setMinNodes(0);
        spec.setMaxNodes(3);
        spec.setDatacenterID(E2eWorld.DATACENTER);
        spec.setResourceIdentifier(E2eWorld.CLUSTER);
        spec.setOfferingIDs(List.of(offering));
        NodeGroup g = new NodeGroup();
        g.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(world.ns).build());
        g.setSpec(spec);
        world.client.resources(NodeGroup.class).inNamespace(world.ns).resource(g).create();
    }

    private static List<Node> nodesOf(E2eWorld world, String group) {
        return world.client.nodes().withLabel(WellKnown.NODEGROUP_LABEL, group).list().getItems();
    }

    private static List<SimRequest> addCalls(E2eWorld world, long simGroupId) {
        return world.requests(SimEndpoint.ADD_WORKER).stream()
                .filter(r -> r.path().endsWith("/group/" + simGroupId)).toList();
    }
}
