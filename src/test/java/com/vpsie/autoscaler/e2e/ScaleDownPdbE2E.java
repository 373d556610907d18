package com.vpsie.autoscaler.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroupStatus;
import com.vpsie.autoscaler.controller.ControllerApp;
import com.vpsie.autoscaler.sim.SimEndpoint;
import com.vpsie.autoscaler.testing.realkube.KubeControlPlane;
import com.vpsie.autoscaler.testing.realkube.RealKubernetes;
import io.fabric8.kubernetes.api.model.Node;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Scale-down through the real Eviction API: after a scale-up the Deployment shrinks, and underused nodes are
 * drained while a PodDisruptionBudget allows one pod down at a time. Every pod event is checked against the budget.
 */
@RealKubernetes
class ScaleDownPdbE2E {

    private static final int MAX_NODES = 4;
    /** Two pods on each of the four nodes, then one on each: two nodes must be emptied by eviction. */
    private static final int BIG = 8;
    private static final int SMALL = 4;
    private static final int MIN_AVAILABLE = SMALL - 1;
    private static final Duration WAIT = Duration.ofMinutes(2);

    @Test
    void underusedNodesAreDrainedWithinTheBudgetAndRemoved(KubeControlPlane kube) throws Exception {
        try (E2eWorld world = E2eWorld.start(kube, "scale-down", Duration.ofSeconds(1))) {
            world.createGroup(1, MAX_NODES, E2eWorld.quickScaleDown(5));
            AtomicBoolean guarding = new AtomicBoolean();
            AtomicInteger fewestAvailable = new AtomicInteger(Integer.MAX_VALUE);
            AtomicInteger violations = new AtomicInteger();
            try (PodTracker pods = new PodTracker(world.client, world.ns, available -> {
                if (guarding.get()) {
                    fewestAvailable.accumulateAndGet(available, Math::min);
                    if (available < MIN_AVAILABLE) {
                        violations.incrementAndGet();
                    }
                }
            });
                 ControllerApp app = ControllerApp.start(world.config("scale-down"), Clock.systemUTC())) {
                world.createDeployment(BIG);
                Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                        .until(() -> world.allPodsRunning(BIG));
                int peakNodes = world.groupNodes().size();
                Set<String> kept = world.keepOnePodPerNode();
                world.createPdb(MIN_AVAILABLE);
                Awaitility.await().atMost(WAIT).until(() -> pods.available() == BIG);
                // From here on every pod event must leave at least minAvailable pods Ready and not terminating.
                guarding.set(true);
                long shrunk = System.nanoTime();
                world.scaleDeployment(SMALL);

                // Done: two pods to a node again, nothing marked, every pod back to Running, the books agree.
                Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
                    List<Node> nodes = world.groupNodes();
                    NodeGroupStatus s = world.status();
                    return nodes.size() == SMALL / 2 && nodes.stream().allMatch(n -> E2eWorld.scaleDownMarks(n).isEmpty())
                            && world.allPodsRunning(SMALL) && s != null && s.getDesiredNodes() != null
                            && s.getDesiredNodes() == nodes.size() && world.workers().size() == nodes.size();
                });
                long tookMs = Duration.ofNanos(System.nanoTime() - shrunk).toMillis();
                guarding.set(false);

                List<Node> nodes = world.groupNodes();
                int deletes = world.requests(SimEndpoint.DELETE_WORKER).size() + world.requests(SimEndpoint.DELETE_VM)
                        .size();
                System.out.printf(Locale.ROOT, "[e2e] scale-down: %d -> %d nodes in %d ms after the shrink; "
                                + "%d server delete calls; fewest pods available while draining %d (PDB minAvailable "
                                + "%d)%n", peakNodes, nodes.size(), tookMs, deletes, fewestAvailable.get(),
                        MIN_AVAILABLE);

                assertThat(violations.get()).as("moments with fewer pods available than the PDB demands").isZero();
                assertThat(fewestAvailable.get()).isGreaterThanOrEqualTo(MIN_AVAILABLE);
                assertThat(nodes).allSatisfy(n -> assertThat(E2eWorld.scaleDownMarks(n))
                        .as("marks left on %s", n.getMetadata().getName()).isEmpty());
                assertThat(deletes).as("one delete call per removed server").isEqualTo(peakNodes - nodes.size());
                assertThat(world.workers().stream().map(w -> w.hostname()).sorted().toList())
                        .isEqualTo(nodes.stream().map(n -> n.getMetadata().getName()).sorted().toList());
                assertThat(world.pods()).hasSize(SMALL).allMatch(E2eWorld::runningAndReady);
                assertThat(kept.stream().filter(k -> world.pods().stream()
                        .noneMatch(p -> p.getMetadata().getName().equals(k))).count())
                        .as("kept pods that were evicted").isEqualTo(peakNodes - nodes.size());
            }
        }
    }
}
