package com.vpsie.autoscaler.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupCondition;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupStatus;
import com.vpsie.autoscaler.api.v1alpha1.ScaleDownPolicySpec;
import com.vpsie.autoscaler.controller.ControllerApp;
import com.vpsie.autoscaler.testing.realkube.KubeControlPlane;
import com.vpsie.autoscaler.testing.realkube.RealKubernetes;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-down judged by measured usage on a real API server: node usage is served through the aggregation layer by
 * {@link AggregatedMetricsServer} (an APIService, as metrics-server registers), and the controller reads it with the
 * chart's RBAC exactly as it would read metrics-server. Of two nodes, the one busy by requests but idle by usage is
 * drained and removed; the one idle by requests but busy by usage stays. Judged by requests it would be the other way
 * round, so the outcome shows the group's {@code utilizationSource: usage} decided.
 */
@RealKubernetes
class UsageScaleDownE2E {

    private static final Duration WAIT = Duration.ofMinutes(2);
    /** 2 x 600m on the first node: 63% of its 1900m by requests, above the 50% threshold. */
    private static final String POD_CPU = "600m";

    @Test
    void aNodeBusyByRequestsButIdleByUsageGoesAndOneIdleByRequestsButBusyByUsageStays(KubeControlPlane kube,
                                                                                        @TempDir Path tmp)
            throws Exception {
        try (E2eWorld world = E2eWorld.start(kube, "usage", Duration.ofSeconds(1));
             AggregatedMetricsServer metricsServer = AggregatedMetricsServer.start(world.client, world.ns, tmp,
                     Clock.systemUTC())) {
            long registered = System.nanoTime();
            Awaitility.await("APIService " + AggregatedMetricsServer.VERSION + "." + AggregatedMetricsServer.GROUP
                            + " Available").atMost(WAIT).pollInterval(Duration.ofMillis(500))
                    .until(() -> "True".equals(metricsServer.available()));
            System.out.printf(Locale.ROOT, "[e2e] usage: metrics.k8s.io available through the aggregator %d ms "
                    + "after registration%n", Duration.ofNanos(System.nanoTime() - registered).toMillis());

            ScaleDownPolicySpec down = E2eWorld.quickScaleDown(5);
            down.setUtilizationSource("usage");
            world.createGroup(1, 2, down);
            try (ControllerApp app = ControllerApp.start(world.config("usage")
                    .withUsageSampleInterval(Duration.ofSeconds(1)), Clock.systemUTC())) {
                // The first node takes both pods (busy by requests); only then does the second node join, and the
                // third pod goes there, the emptier node (idle by requests: 32%).
                Awaitility.await().atMost(WAIT).until(() -> world.groupNodes().stream().filter(E2eWorld::nodeReady)
                        .count() == 1);
                String busyByRequests = world.groupNodes().get(0).getMetadata().getName();
                world.createDeployment(2, POD_CPU);
                Awaitility.await().atMost(WAIT).until(() -> world.allPodsRunning(2));
                setMinNodes(world, 2);
                Awaitility.await().atMost(WAIT).until(() -> world.groupNodes().stream().filter(E2eWorld::nodeReady)
                        .count() == 2);
                String idleByRequests = world.groupNodes().stream().map(n -> n.getMetadata().getName())
                        .filter(n -> !n.equals(busyByRequests)).findFirst().orElseThrow();
                // Ready comes a moment before the node lifecycle controller lifts its not-ready taint; until then
                // the scheduler would put the third pod next to the others.
                Awaitility.await().atMost(WAIT).until(() -> schedulable(world.client.nodes().withName(idleByRequests)
                        .get()));
                world.scaleDeployment(3);
                Awaitility.await().atMost(WAIT).until(() -> world.allPodsRunning(3));
                assertThat(podsPerNode(world)).as("pods per node before measuring")
                        .isEqualTo(Map.of(busyByRequests, 2L, idleByRequests, 1L));

                // The opposite by usage.
                metricsServer.use(busyByRequests, "100m", "200Mi").use(idleByRequests, "1700m", "3Gi");
                Awaitility.await().atMost(WAIT).untilAsserted(() -> {
                    NodeGroupCondition measured = condition(world.status(), NodeGroupCondition.TYPE_USAGE_MEASURED);
                    assertThat(measured).as("UsageMeasured").isNotNull();
                    assertThat(measured.getStatus()).as("UsageMeasured: %s", measured.getMessage())
                            .isEqualTo("True");
                });
                long allowed = System.nanoTime();
                setMinNodes(world, 1);

                Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
                    List<Node> nodes = world.groupNodes();
                    return nodes.size() == 1 && world.workers().size() == 1 && world.allPodsRunning(3);
                });
                System.out.printf(Locale.ROOT, "[e2e] usage: the node idle by usage removed %d ms after scale-down "
                        + "was allowed%n", Duration.ofNanos(System.nanoTime() - allowed).toMillis());

                assertThat(world.groupNodes()).extracting(n -> n.getMetadata().getName())
                        .as("the node busy by usage (idle by requests) stays").containsExactly(idleByRequests);
                assertThat(world.workers()).extracting(w -> w.hostname()).containsExactly(idleByRequests);
                assertThat(E2eWorld.scaleDownMarks(world.groupNodes().get(0))).isEmpty();
                assertThat(podsPerNode(world)).as("the drained pods fit by requests on the node that stays")
                        .isEqualTo(Map.of(idleByRequests, 3L));
                NodeGroupCondition measured = condition(world.status(), NodeGroupCondition.TYPE_USAGE_MEASURED);
                assertThat(measured).isNotNull();
                assertThat(measured.getStatus()).isEqualTo("True");
            }
        }
    }

    /** A merge patch, so it cannot conflict with the controller's writes. */
    private static void setMinNodes(E2eWorld world, int min) {
        world.client.resources(NodeGroup.class).inNamespace(world.ns).withName(world.group).patch(
                PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"minNodes\":" + min + "}}");
    }

    private static boolean schedulable(Node n) {
        return n != null && E2eWorld.nodeReady(n) && !Boolean.TRUE.equals(n.getSpec().getUnschedulable())
                && (n.getSpec().getTaints() == null || n.getSpec().getTaints().stream()
                .noneMatch(t -> "NoSchedule".equals(t.getEffect()) || "NoExecute".equals(t.getEffect())));
    }

    private static Map<String, Long> podsPerNode(E2eWorld world) {
        return world.pods().stream().map(Pod::getSpec).filter(s -> s.getNodeName() != null)
                .collect(Collectors.groupingBy(s -> s.getNodeName(), Collectors.counting()));
    }

    private static NodeGroupCondition condition(NodeGroupStatus s, String type) {
        return s == null || s.getConditions() == null ? null
                : s.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }
}
