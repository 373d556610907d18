package com.vpsie.autoscaler.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PendingPodBatcherTest {

    private final Instant t0 = Instant.parse("2026-11-22T12:00:00Z");
    private final PendingPodBatcher batcher = new PendingPodBatcher(Duration.ofSeconds(1), Duration.ofSeconds(10));

    @Test
    void aLonePodClosesTheBatchAfterOneIdleSecond() {
        batcher.podArrived(t0);
        assertThat(batcher.takeIfClosed(t0.plusMillis(999))).isFalse();
        assertThat(batcher.takeIfClosed(t0.plusSeconds(1))).isTrue();
        assertThat(batcher.takeIfClosed(t0.plusSeconds(2))).as("taken once").isFalse();
    }

    @Test
    void aSteadyStreamClosesAfterTenSecondsAtMost() {
        for (int ms = 0; ms <= 12_000; ms += 500) {
            batcher.podArrived(t0.plusMillis(ms));
            if (ms < 10_000) {
                assertThat(batcher.takeIfClosed(t0.plusMillis(ms))).isFalse();
            } else {
                assertThat(batcher.closesAt()).hasValue(t0.plusSeconds(10));
                assertThat(batcher.takeIfClosed(t0.plusMillis(ms))).isTrue();
                return;
            }
        }
    }

    @Test
    void nothingPendingNothingCloses() {
        assertThat(batcher.closesAt()).isEmpty();
        assertThat(batcher.takeIfClosed(t0)).isFalse();
        batcher.podArrived(t0);
        batcher.reset();
        assertThat(batcher.takeIfClosed(t0.plusSeconds(5))).isFalse();
    }

    /**
     * The loop's own window, ticked as the loop ticks, against a burst whose pods become unschedulable one after
     * another for a while (the ReplicaSet controller creates them at its API rate, the scheduler marks them as it
     * goes): no pod may wait for its pass longer than what leaves room for the pass and the add calls within the
     * 2.5 s unschedulable-to-create goal.
     */
    @Test
    void noPodOfALongBurstWaitsMoreThanTwoSecondsForItsPass() {
        PendingPodBatcher loops = new PendingPodBatcher(AutoscalingLoop.BATCH_IDLE, AutoscalingLoop.BATCH_MAX);
        long tick = AutoscalingLoop.TICK.toMillis();
        long oldestUncovered = -1;
        long longestWait = 0;
        for (long ms = 0; ms <= 30_000; ms += 10) {
            Instant now = t0.plusMillis(ms);
            if (ms <= 20_000 && ms % 40 == 0) { // 25 pods a second for 20 s
                loops.podArrived(now);
                if (oldestUncovered < 0) {
                    oldestUncovered = ms;
                }
            }
            if (ms % tick == 0 && loops.takeIfClosed(now) && oldestUncovered >= 0) {
                longestWait = Math.max(longestWait, ms - oldestUncovered);
                oldestUncovered = -1;
            }
        }
        assertThat(oldestUncovered).as("every pod had its pass").isNegative();
        assertThat(Duration.ofMillis(longestWait)).isLessThanOrEqualTo(Duration.ofSeconds(2));
    }
}
