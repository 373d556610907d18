package com.vpsie.autoscaler.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.controller.ControllerApp;
import com.vpsie.autoscaler.sim.SimEndpoint;
import com.vpsie.autoscaler.sim.SimRequest;
import com.vpsie.autoscaler.testing.realkube.KubeControlPlane;
import com.vpsie.autoscaler.testing.realkube.RealKubernetes;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Scale-up through the real scheduler and controllers: a Deployment outgrows its one node, the kube-scheduler marks
 * the extra pods Unschedulable, the autoscaler raises the group's desired size, the simulator makes the servers,
 * simulated kubelets register them, the scheduler binds the pods and every pod runs. {@code -De2e.repeat=N} repeats
 * the scenario (each in a fresh world) and prints the latencies of all rounds together; {@code
 * -De2e.listingLagSeconds=N} makes the simulator list a new server only N seconds after its add call, as VPSie does.
 */
@RealKubernetes
class ScaleUpE2E {

    private static final int MAX_NODES = 4;
    /** Two pods per node: one node already there, three more needed, which is the group's maximum. */
    private static final int REPLICAS = 7;
    private static final Duration WAIT = Duration.ofMinutes(2);

    @Test
    void unschedulablePodsGetNodesAndRun(KubeControlPlane kube) throws Exception {
        int rounds = Integer.getInteger("e2e.repeat", 1);
        List<Long> toCreate = new ArrayList<>();
        List<Long> toRunning = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            oneRound(kube, round, ControllerAccess.chartRbac(), toCreate, toRunning);
        }
        var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        System.out.printf(Locale.ROOT, "[e2e] scale-up over %d round(s), listing lag %d s: unschedulable -> create "
                        + "call %s; "
                        + "unschedulable -> Running %s (targets for reference: p50 <= 1500 ms, p99 <= 2500 ms); "
                        + "heap used %d MiB of %d MiB committed (controller, simulator and test share this JVM)%n",
                rounds, listingLag().toSeconds(), E2eWorld.p50p99(toCreate), E2eWorld.p50p99(toRunning),
                heap.getUsed() >> 20,
                heap.getCommitted() >> 20);
    }

    /** One scale-up in a fresh world whose controller has {@code access}; LeastPrivilegeE2E runs it with less. */
    static void oneRound(KubeControlPlane kube, int round, ControllerAccess access, List<Long> toCreate,
                         List<Long> toRunning) throws Exception {
        try (E2eWorld world = E2eWorld.start(kube, "scale-up", Duration.ofSeconds(1), access)) {
            world.vpsie.listingLag(listingLag());
            world.createGroup(1, MAX_NODES, null);
            AtomicInteger maxDesired = new AtomicInteger();
            AtomicInteger maxCurrent = new AtomicInteger();
            Watch groupWatch = world.client.resources(NodeGroup.class).inNamespace(world.ns).withName(world.group)
                    .watch(new Watcher<>() {
                        @Override
                        public void eventReceived(Action action, NodeGroup g) {
                            if (g.getStatus() != null) {
                                maxDesired.accumulateAndGet(orZero(g.getStatus().getDesiredNodes()), Math::max);
                                maxCurrent.accumulateAndGet(orZero(g.getStatus().getCurrentNodes()), Math::max);
                            }
                        }

                        @Override
                        public void onClose(WatcherException cause) {
                        }
                    });
            try (PodTracker pods = new PodTracker(world.client, world.ns, available -> { });
                 ControllerApp app = ControllerApp.start(world.config("scale-up-" + round), Clock.systemUTC())) {
                Awaitility.await().atMost(WAIT).until(() -> world.groupNodes().stream().filter(E2eWorld::nodeReady)
                        .count() == 1);
                world.createDeployment(REPLICAS);
                Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                        .until(() -> world.allPodsRunning(REPLICAS));

                List<SimRequest> creates = world.requests(SimEndpoint.ADD_WORKER).stream()
                        .filter(r -> r.status() == 200).toList();
                Map<String, Instant> unschedulable = pods.unschedulableSince();
                Map<String, Instant> running = pods.runningSince();
                List<Long> roundCreate = new ArrayList<>();
                List<Long> roundRunning = new ArrayList<>();
                for (var e : unschedulable.entrySet()) {
                    creates.stream().map(SimRequest::at).filter(at -> !at.isBefore(e.getValue())).findFirst()
                            .ifPresent(at -> roundCreate.add(Duration.between(e.getValue(), at).toMillis()));
                    Instant ran = running.get(e.getKey());
                    if (ran != null) {
                        roundRunning.add(Duration.between(e.getValue(), ran).toMillis());
                    }
                }
                toCreate.addAll(roundCreate);
                toRunning.addAll(roundRunning);
                System.out.printf(Locale.ROOT, "[e2e] scale-up round %d: %d pods were Unschedulable; "
                                + "unschedulable -> create call %s; unschedulable -> Running %s; %d add-worker "
                                + "calls; max desiredNodes seen %d, max currentNodes seen %d (maxNodes %d)%n",
                        round, unschedulable.size(), E2eWorld.p50p99(roundCreate), E2eWorld.p50p99(roundRunning),
                        creates.size(), maxDesired.get(), maxCurrent.get(), MAX_NODES);

                assertThat(unschedulable).as("the scheduler found no room for the pods beyond the first node")
                        .isNotEmpty();
                assertThat(roundCreate).as("every unschedulable pod was followed by a create call")
                        .hasSize(unschedulable.size());
                assertThat(world.pods()).hasSize(REPLICAS).allMatch(E2eWorld::runningAndReady);
                assertThat(maxDesired.get()).as("desiredNodes never above maxNodes").isLessThanOrEqualTo(MAX_NODES);
                assertThat(maxCurrent.get()).isLessThanOrEqualTo(MAX_NODES);
                assertThat(creates).as("servers asked for").hasSizeLessThanOrEqualTo(MAX_NODES);
                assertThat(world.workers()).hasSizeLessThanOrEqualTo(MAX_NODES);
                assertThat(world.groupNodes()).hasSize(world.workers().size());
            } finally {
                groupWatch.close();
            }
        }
    }

    private static Duration listingLag() {
        return Duration.ofSeconds(Long.getLong("e2e.listingLagSeconds", 0));
    }

    private static int orZero(Integer i) {
        return i == null ? 0 : i;
    }
}
