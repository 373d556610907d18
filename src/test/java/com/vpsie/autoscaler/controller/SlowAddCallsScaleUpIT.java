package com.vpsie.autoscaler.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroupStatus;
import com.vpsie.autoscaler.sim.SimEndpoint;
import com.vpsie.autoscaler.sim.SimRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scale-up against a VPSie whose add calls are slow (each takes a second and a half before the server is made and
 * the call answered): the whole `run` assembly over HTTP. Twelve servers needed at once must not wait for twelve
 * add calls one after the other. Whether the calls overlapped is read from the simulator (the most add calls it
 * held at once), not from a clock; the time from the first add call to the last is logged as a figure.
 */
class SlowAddCallsScaleUpIT {

    private static final Logger LOG = LoggerFactory.getLogger(SlowAddCallsScaleUpIT.class);
    private static final int NEEDED = 12;
    private static final Duration ADD_CALL = Duration.ofMillis(1500);

    @TempDir
    Path dir;

    @Test
    void serversNeededAtOnceAreAskedForConcurrentlyAndEachExactlyOnce() throws Exception {
        try (SimulatedRunWorld world = SimulatedRunWorld.start()) {
            world.vpsie.addWorkerDelay(ADD_CALL);
            try (ControllerApp app = ControllerApp.start(world.config(dir, Duration.ofSeconds(10), "slow-add-it"),
                    Clock.systemUTC())) {
                // the group below its minimum is the scale-up decision: twelve servers needed at once
                long vpsieGroupId = world.addGroup("general", "1", NEEDED, NEEDED + 2);
                await().atMost(90, TimeUnit.SECONDS).untilAsserted(() -> {
                    NodeGroupStatus s = world.status("general");
                    assertThat(s).isNotNull();
                    assertThat(s.getReadyNodes()).isEqualTo(NEEDED);
                    assertThat(s.getNodes()).hasSize(NEEDED)
                            .allSatisfy(e -> assertThat(e.getStatus()).isEqualTo("Ready"));
                });
                List<SimRequest> calls = addCalls(world);
                int peak = world.vpsie.peakActiveRequests(SimEndpoint.ADD_WORKER);
                LOG.info("{} add calls of {} ms each went out over {} ms; at most {} were in flight at once",
                        calls.size(), ADD_CALL.toMillis(),
                        Duration.between(calls.get(0).at(), calls.get(calls.size() - 1).at()).toMillis(), peak);

                assertThat(peak).as("add calls in flight at once").isGreaterThanOrEqualTo(2);
                assertThat(world.vpsie.cloud().workers(SimulatedRunWorld.CLUSTER, vpsieGroupId))
                        .as("no duplicate server").hasSize(NEEDED);
                assertThat(calls).as("one add call per server").hasSize(NEEDED)
                        .allSatisfy(c -> assertThat(c.status()).isEqualTo(200));
                assertThat(SimulatedRunWorld.metrics(app).lines()
                        .filter(l -> l.startsWith("vpsie_autoscaler_node_provisioning_failures_total")))
                        .as("no provisioning failure counted").isEmpty();
            }
        }
    }

    private static List<SimRequest> addCalls(SimulatedRunWorld world) {
        return world.vpsie.requests().stream().filter(r -> r.endpoint() == SimEndpoint.ADD_WORKER)
                .sorted(java.util.Comparator.comparing(SimRequest::at)).toList();
    }
}
