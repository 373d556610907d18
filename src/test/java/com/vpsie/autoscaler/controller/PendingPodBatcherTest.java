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
}
