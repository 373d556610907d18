package com.vpsie.autoscaler.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkQueueTest {

    private WorkQueue<String> queue;

    @AfterEach
    void stop() {
        if (queue != null) {
            queue.shutdown(Duration.ofSeconds(2));
        }
    }

    @Test
    void aKeyAddedManyTimesWhileQueuedIsHandledOnce() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        List<String> handled = new CopyOnWriteArrayList<>();
        queue = new WorkQueue<>("t", 1, key -> {
            gate.await();
            handled.add(key);
            return null;
        }, Duration.ofMillis(10), Duration.ofSeconds(1), d -> { });
        queue.start();
        queue.add("blocker");
        await().until(() -> queue.depth() == 0);
        for (int i = 0; i < 50; i++) {
            queue.add("a");
        }
        assertThat(queue.depth()).isEqualTo(1);
        gate.countDown();
        await().atMost(2, TimeUnit.SECONDS).until(() -> handled.size() == 2);
        Thread.sleep(50);
        assertThat(handled).containsExactly("blocker", "a");
    }

    @Test
    void oneWorkerPerKeyAtATimeAndAKeyAddedWhileRunningRunsAgain() throws Exception {
        Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        queue = new WorkQueue<>("t", 4, key -> {
            if (running.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            firstStarted.countDown();
            if (runs.incrementAndGet() == 1) {
                release.await();
            }
            running.get(key).decrementAndGet();
            return null;
        }, Duration.ofMillis(10), Duration.ofSeconds(1), d -> { });
        queue.start();
        queue.add("g");
        assertThat(firstStarted.await(2, TimeUnit.SECONDS)).isTrue();
        queue.add("g");
        queue.add("g");
        Thread.sleep(100);
        assertThat(runs.get()).isEqualTo(1);
        release.countDown();
        await().atMost(2, TimeUnit.SECONDS).until(() -> runs.get() == 2);
        Thread.sleep(50);
        assertThat(runs.get()).isEqualTo(2);
        assertThat(overlaps.get()).isZero();
    }

    @Test
    void failedKeysComeBackWithGrowingBackoffAndSuccessResetsIt() {
        AtomicInteger attempts = new AtomicInteger();
        List<Long> times = new CopyOnWriteArrayList<>();
        queue = new WorkQueue<>("t", 1, key -> {
            times.add(System.nanoTime());
            if (attempts.incrementAndGet() < 4) {
                throw new IllegalStateException("boom");
            }
            return null;
        }, Duration.ofMillis(40), Duration.ofSeconds(5), d -> { });
        queue.start();
        queue.add("g");
        await().atMost(3, TimeUnit.SECONDS).until(() -> attempts.get() == 4);
        long gap1 = times.get(1) - times.get(0);
        long gap3 = times.get(3) - times.get(2);
        // 40ms, 80ms, 160ms less at most 20% jitter: the third wait is clearly longer than the first
        assertThat(gap3).isGreaterThan(gap1);
        assertThat(Duration.ofNanos(gap1)).isGreaterThanOrEqualTo(Duration.ofMillis(32));
        await().until(() -> queue.failures("g") == 0);
    }

    @Test
    void backoffIsCappedAndJittered() {
        queue = new WorkQueue<>("t", 1, key -> null, Duration.ofSeconds(1), Duration.ofSeconds(30), d -> { });
        assertThat(queue.backoff(1)).isBetween(Duration.ofMillis(800), Duration.ofSeconds(1));
        assertThat(queue.backoff(3)).isBetween(Duration.ofMillis(3200), Duration.ofSeconds(4));
        assertThat(queue.backoff(40)).isBetween(Duration.ofSeconds(24), Duration.ofSeconds(30));
    }

    @Test
    void handlersMayAskToBeCalledAgainLater() {
        AtomicInteger runs = new AtomicInteger();
        queue = new WorkQueue<>("t", 1, key -> runs.incrementAndGet() < 3 ? Duration.ofMillis(20) : null,
                Duration.ofMillis(10), Duration.ofSeconds(1), d -> { });
        queue.start();
        queue.add("g");
        await().atMost(2, TimeUnit.SECONDS).until(() -> runs.get() == 3);
    }

    @Test
    void depthIsReported() {
        AtomicInteger depth = new AtomicInteger(-1);
        queue = new WorkQueue<>("t", 1, key -> null, Duration.ofMillis(10), Duration.ofSeconds(1), depth::set);
        queue.add("a");
        queue.add("b");
        assertThat(depth.get()).isEqualTo(2);
        queue.start();
        await().until(() -> depth.get() == 0);
    }

    @Test
    void shutdownLetsTheRunningHandlerFinishAndTakesNothingNew() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicInteger finished = new AtomicInteger();
        queue = new WorkQueue<>("t", 1, key -> {
            started.countDown();
            Thread.sleep(100);
            finished.incrementAndGet();
            return null;
        }, Duration.ofMillis(10), Duration.ofSeconds(1), d -> { });
        queue.start();
        queue.add("a");
        queue.add("b");
        assertThat(started.await(2, TimeUnit.SECONDS)).isTrue();
        assertThat(queue.shutdown(Duration.ofSeconds(2))).isTrue();
        assertThat(finished.get()).isEqualTo(1);
        queue.add("c");
        assertThat(queue.depth()).isZero();
        queue = null;
    }
}
