package com.vpsie.autoscaler.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.controller.ControllerApp;
import com.vpsie.autoscaler.sim.SimEndpoint;
import com.vpsie.autoscaler.sim.SimNode;
import com.vpsie.autoscaler.testing.realkube.KubeControlPlane;
import com.vpsie.autoscaler.testing.realkube.RealKubernetes;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Two controllers share one Lease: only the holder acts; when it stops, the other takes the Lease and carries on
 * from where the first left off, without doing any step again.
 */
@RealKubernetes
class LeaderElectionE2E {

    private static final Duration LEASE = Duration.ofSeconds(4);
    private static final Duration RENEW = Duration.ofSeconds(3);
    private static final Duration RETRY = Duration.ofMillis(500);
    private static final Duration WAIT = Duration.ofMinutes(1);

    @Test
    void oneLeaderActsAndTheOtherTakesOverWhenItStops(KubeControlPlane kube) throws Exception {
        try (E2eWorld world = E2eWorld.start(kube, "leader", Duration.ofSeconds(1))) {
            world.createGroup(2, 5, null);
            List<String> holders = Collections.synchronizedList(new ArrayList<>());
            Watch leaseWatch = world.client.leases().inNamespace(world.ns).withName(E2eWorld.LEASE)
                    .watch(new Watcher<>() {
                        @Override
                        public void eventReceived(Action action, Lease lease) {
                            String holder = lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
                            if (holder != null && !holder.isEmpty()
                                    && (holders.isEmpty() || !holders.get(holders.size() - 1).equals(holder))) {
                                holders.add(holder);
                            }
                        }

                        @Override
                        public void onClose(WatcherException cause) {
                        }
                    });
            ControllerApp alpha = ControllerApp.start(world.config("alpha", true, LEASE, RENEW, RETRY),
                    Clock.systemUTC());
            ControllerApp beta = ControllerApp.start(world.config("beta", true, LEASE, RENEW, RETRY),
                    Clock.systemUTC());
            List<ControllerApp> open = new ArrayList<>(List.of(alpha, beta));
            try {
                Awaitility.await().atMost(WAIT).until(() -> world.groupNodes().stream().filter(E2eWorld::nodeReady)
                        .count() == 2 && world.status() != null && Integer.valueOf(2).equals(world.status()
                        .getDesiredNodes()));
                // A few more passes of both: a follower that acted would add servers here.
                Thread.sleep(3000);
                String leader = holder(world);
                assertThat(holders).as("one holder so far").containsExactly(leader);
                assertThat(world.requests(SimEndpoint.ADD_WORKER)).as("what one controller does for minNodes 2")
                        .hasSize(2);
                assertThat(world.workers()).hasSize(2);

                ControllerApp leading = "alpha".equals(leader) ? alpha : beta;
                String other = "alpha".equals(leader) ? "beta" : "alpha";
                long closing = System.nanoTime();
                open.remove(leading);
                leading.close();
                long closed = System.nanoTime();
                Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(50))
                        .until(() -> other.equals(holder(world)));
                long took = System.nanoTime();
                System.out.printf(Locale.ROOT, "[e2e] leader election: %s led; %s held the Lease %d ms after the "
                                + "leader began stopping (%d ms after it had stopped; lease duration %d ms)%n",
                        leader, other, (took - closing) / 1_000_000, (took - closed) / 1_000_000, LEASE.toMillis());

                // The new leader carries on: one more node, and nothing the first one did is done again.
                world.client.resources(NodeGroup.class).inNamespace(world.ns).withName(world.group)
                        .edit(g -> {
                            g.getSpec().setMinNodes(3);
                            return g;
                        });
                Awaitility.await().atMost(WAIT).until(() -> world.groupNodes().stream().filter(E2eWorld::nodeReady)
                        .count() == 3 && Integer.valueOf(3).equals(world.status().getDesiredNodes()));
                Thread.sleep(3000);
                assertThat(world.requests(SimEndpoint.ADD_WORKER)).as("2 by the first leader, 1 by the second")
                        .hasSize(3);
                List<SimNode> workers = world.workers();
                assertThat(workers).hasSize(3);
                Set<String> hostnames = workers.stream().map(SimNode::hostname).collect(Collectors.toSet());
                assertThat(hostnames).hasSize(3);
                assertThat(world.groupNodes()).hasSize(3);
                assertThat(world.requests(SimEndpoint.DELETE_WORKER)).isEmpty();
                assertThat(holders).as("the Lease changed hands once").containsExactly(leader, other);
            } finally {
                leaseWatch.close();
                open.forEach(ControllerApp::close);
            }
        }
    }

    private static String holder(E2eWorld world) {
        Lease lease = world.client.leases().inNamespace(world.ns).withName(E2eWorld.LEASE).get();
        return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
    }
}
