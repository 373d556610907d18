package com.vpsie.autoscaler.utilization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class UtilizationTrackerTest {

    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    private static UtilizationSample at(long second) {
        return new UtilizationSample(T0.plusSeconds(second), second / 100.0, second / 200.0);
    }

    @Test
    void keepsExactlyTheLastSamplesOldestFirst() {
        UtilizationTracker tracker = new UtilizationTracker(3);
        for (int s = 0; s < 10; s++) {
            tracker.record("node-a", at(s));
        }

        assertThat(tracker.samples("node-a")).containsExactly(at(7), at(8), at(9));
        assertThat(tracker.latest("node-a")).contains(at(9));
    }

    @Test
    void aPartlyFilledBufferHoldsWhatWasRecorded() {
        UtilizationTracker tracker = new UtilizationTracker(5);
        tracker.record("node-a", at(1));
        tracker.record("node-a", at(2));

        assertThat(tracker.samples("node-a")).containsExactly(at(1), at(2));
    }

    @Test
    void capacityOneKeepsTheLatest() {
        UtilizationTracker tracker = new UtilizationTracker(1);
        tracker.record("node-a", at(1));
        tracker.record("node-a", at(2));

        assertThat(tracker.samples("node-a")).containsExactly(at(2));
    }

    @Test
    void nodesHaveSeparateBuffers() {
        UtilizationTracker tracker = new UtilizationTracker(2);
        tracker.record("node-a", at(1));
        tracker.record("node-b", at(2));
        tracker.record("node-a", at(3));

        assertThat(tracker.samples("node-a")).containsExactly(at(1), at(3));
        assertThat(tracker.samples("node-b")).containsExactly(at(2));
        assertThat(tracker.trackedNodes()).containsExactlyInAnyOrder("node-a", "node-b");
    }

    @Test
    void copiesAreImmutableAndDoNotFollowLaterWrites() {
        UtilizationTracker tracker = new UtilizationTracker(2);
        tracker.record("node-a", at(1));
        List<UtilizationSample> copy = tracker.samples("node-a");

        tracker.record("node-a", at(2));
        tracker.record("node-a", at(3));

        assertThat(copy).containsExactly(at(1));
        assertThatThrownBy(() -> copy.add(at(4))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> tracker.trackedNodes().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void unknownNodesAreEmpty() {
        UtilizationTracker tracker = new UtilizationTracker(2);

        assertThat(tracker.samples("ghost")).isEmpty();
        assertThat(tracker.latest("ghost")).isEmpty();
        assertThat(tracker.trackedNodes()).isEmpty();
    }

    @Test
    void forgetDropsOneNode() {
        UtilizationTracker tracker = new UtilizationTracker(2);
        tracker.record("node-a", at(1));
        tracker.record("node-b", at(1));

        tracker.forget("node-a");

        assertThat(tracker.samples("node-a")).isEmpty();
        assertThat(tracker.trackedNodes()).containsExactly("node-b");
    }

    @Test
    void retainOnlyDropsNodesThatAreGone() {
        UtilizationTracker tracker = new UtilizationTracker(2);
        tracker.record("node-a", at(1));
        tracker.record("node-b", at(1));
        tracker.record("node-c", at(1));

        tracker.retainOnly(Set.of("node-b", "node-new"));

        assertThat(tracker.trackedNodes()).containsExactly("node-b");
        assertThat(tracker.samples("node-b")).containsExactly(at(1));
    }

    @Test
    void capacityMustBePositive() {
        assertThatThrownBy(() -> new UtilizationTracker(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @Timeout(60)
    void concurrentWritersReadersAndCleanupSeeConsistentBuffers() throws Exception {
        int capacity = 16;
        int writers = 8;
        int samplesPerWriter = 50_000;
        UtilizationTracker tracker = new UtilizationTracker(capacity);
        List<String> own = IntStream.range(0, writers).mapToObj(i -> "own-" + i).toList();
        List<String> shared = List.of("shared-0", "shared-1");
        Set<String> live = Set.copyOf(concat(own, List.of("shared-0")));
        List<String> all = concat(own, concat(shared, List.of("gone")));

        ExecutorService pool = Executors.newFixedThreadPool(writers + 4);
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong reads = new AtomicLong();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        List<Future<?>> writerTasks = new ArrayList<>();
        List<Future<?>> others = new ArrayList<>();
        try {
            for (int w = 0; w < writers; w++) {
                String mine = own.get(w);
                String overlap = shared.get(w % shared.size());
                writerTasks.add(pool.submit(() -> {
                    await(start);
                    for (int s = 0; s < samplesPerWriter; s++) {
                        tracker.record(mine, at(s));
                        tracker.record(overlap, at(s));
                        if (s % 1000 == 0) {
                            tracker.record("gone", at(s));
                        }
                    }
                    return null;
                }));
            }
            for (int r = 0; r < 3; r++) {
                others.add(pool.submit(() -> {
                    await(start);
                    while (writing.get()) {
                        String node = all.get(ThreadLocalRandom.current().nextInt(all.size()));
                        List<UtilizationSample> copy = tracker.samples(node);
                        reads.incrementAndGet();
                        if (copy.size() > capacity) {
                            problems.add(node + " returned " + copy.size() + " samples: " + copy);
                        }
                        // Each writer records consecutive seconds to its own node, so a whole copy has no gaps.
                        if (node.startsWith("own-") && !consecutive(copy)) {
                            problems.add(node + " out of order: " + copy);
                        }
                        tracker.latest(node);
                        tracker.trackedNodes();
                    }
                    return null;
                }));
            }
            others.add(pool.submit(() -> {
                await(start);
                while (writing.get()) {
                    tracker.retainOnly(live);
                    Thread.yield();
                }
                return null;
            }));

            start.countDown();
            for (Future<?> f : writerTasks) {
                f.get(50, TimeUnit.SECONDS);
            }
            writing.set(false);
            for (Future<?> f : others) {
                f.get(10, TimeUnit.SECONDS);
            }
        } finally {
            writing.set(false);
            pool.shutdownNow();
        }

        assertThat(problems).isEmpty();
        assertThat(reads.get()).as("reads overlapping the writes").isPositive();
        List<UtilizationSample> lastN = IntStream.range(samplesPerWriter - capacity, samplesPerWriter)
                .mapToObj(UtilizationTrackerTest::at).toList();
        for (String node : own) {
            assertThat(tracker.samples(node)).as(node).containsExactlyElementsOf(lastN);
        }
        tracker.retainOnly(live);
        assertThat(tracker.trackedNodes()).containsExactlyInAnyOrderElementsOf(live);
    }

    private static boolean consecutive(List<UtilizationSample> samples) {
        for (int i = 1; i < samples.size(); i++) {
            if (!samples.get(i).time().equals(samples.get(i - 1).time().plusSeconds(1))) {
                return false;
            }
        }
        return true;
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        if (!latch.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("start signal never came");
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
