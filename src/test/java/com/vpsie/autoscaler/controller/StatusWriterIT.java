package com.vpsie.autoscaler.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupStatus;
import com.vpsie.autoscaler.sim.kube.StrictMockServer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The status writer against the mock API server. The 409 on a stale status write comes from the test
 * dispatcher (fabric8's own mock accepts stale status writes); the real-API-server tier repeats the
 * concurrency test against kube-apiserver.
 */
class StatusWriterIT {

    private StrictMockServer kube;

    @BeforeEach
    void start() {
        kube = StrictMockServer.start();
        kube.client().resources(NodeGroup.class).inNamespace("test").resource(ControllerFixtures.group("g", 0, 100))
                .create();
    }

    @AfterEach
    void stop() {
        kube.close();
    }

    @Test
    void concurrentWritersLoseNoUpdateAndTimeNeverGoesBackwards() throws Exception {
        StatusWriter writer = new StatusWriter(kube.client(), Clock.systemUTC(), 50);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        AtomicInteger conflicts = new AtomicInteger();
        List<Future<?>> done = new ArrayList<>();
        Instant base = Instant.parse("2026-11-22T12:00:00Z");
        for (int w = 0; w < 6; w++) {
            int writerId = w;
            done.add(pool.submit(() -> {
                for (int i = 0; i < 10; i++) {
                    // every writer proposes its own time, some older than what is stored
                    Instant proposed = base.plusSeconds((writerId * 37L + i * 11L) % 120);
                    StatusWriter.Outcome o = writer.update("test", "g", null, s -> {
                        s.setDesiredNodes((s.getDesiredNodes() == null ? 0 : s.getDesiredNodes()) + 1);
                        s.setLastScaleUpTime(StatusMerge.format(proposed));
                        return s;
                    });
                    conflicts.addAndGet(o.attempts() - 1);
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        NodeGroupStatus stored = kube.client().resources(NodeGroup.class).inNamespace("test").withName("g").get()
                .getStatus();
        assertThat(stored.getDesiredNodes()).isEqualTo(60);
        Instant latestProposed = base.plusSeconds(119);
        assertThat(Instant.parse(stored.getLastScaleUpTime())).isBeforeOrEqualTo(latestProposed)
                .isAfterOrEqualTo(base.plusSeconds(100));
        assertThat(conflicts.get()).as("writers did collide, so the retry path was exercised").isPositive();
    }

    @Test
    void nothingIsSentWhenNothingChanges() {
        StatusWriter writer = new StatusWriter(kube.client(), Clock.systemUTC());
        StatusWriter.Outcome first = writer.update("test", "g", null, s -> {
            s.setDesiredNodes(3);
            return s;
        });
        assertThat(first.written()).isTrue();
        int requests = kube.server().getRequestCount();
        StatusWriter.Outcome second = writer.update("test", "g", first.group(), s -> {
            s.setDesiredNodes(3);
            return s;
        });
        assertThat(second.written()).isFalse();
        assertThat(kube.server().getRequestCount()).isEqualTo(requests);
    }

    @Test
    void aStaleCopyIsReReadAndTheChangeReApplied() {
        StatusWriter writer = new StatusWriter(kube.client(), Clock.systemUTC());
        NodeGroup stale = kube.client().resources(NodeGroup.class).inNamespace("test").withName("g").get();
        writer.update("test", "g", null, s -> {
            s.setDesiredNodes(5);
            return s;
        });
        StatusWriter.Outcome o = writer.update("test", "g", stale, s -> {
            s.setDesiredNodes((s.getDesiredNodes() == null ? 0 : s.getDesiredNodes()) + 1);
            return s;
        });
        assertThat(o.attempts()).isEqualTo(2);
        assertThat(o.group().getStatus().getDesiredNodes()).isEqualTo(6);
    }

    @Test
    void aGroupThatIsGoneIsNoError() {
        StatusWriter writer = new StatusWriter(kube.client(), Clock.systemUTC());
        StatusWriter.Outcome o = writer.update("test", "missing", null, s -> s);
        assertThat(o.group()).isNull();
        assertThat(o.written()).isFalse();
    }
}
