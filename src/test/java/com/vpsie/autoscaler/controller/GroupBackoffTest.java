package com.vpsie.autoscaler.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GroupBackoffTest {

    private final Instant t0 = Instant.parse("2026-11-22T12:00:00Z");
    private final GroupBackoff backoff = GroupBackoff.clusterAutoscalerDefaults();

    @Test
    void doublesFromFiveMinutesUpToThirty() {
        assertThat(backoff.failed("g", "timeout", t0)).isEqualTo(t0.plus(Duration.ofMinutes(5)));
        assertThat(backoff.failed("g", "timeout", t0)).isEqualTo(t0.plus(Duration.ofMinutes(10)));
        assertThat(backoff.failed("g", "timeout", t0)).isEqualTo(t0.plus(Duration.ofMinutes(20)));
        assertThat(backoff.failed("g", "timeout", t0)).isEqualTo(t0.plus(Duration.ofMinutes(30)));
        assertThat(backoff.failed("g", "timeout", t0)).isEqualTo(t0.plus(Duration.ofMinutes(30)));
        assertThat(backoff.backedOff("g", t0.plus(Duration.ofMinutes(29)))).isTrue();
        assertThat(backoff.backedOff("g", t0.plus(Duration.ofMinutes(30)))).isFalse();
        assertThat(backoff.reason("g", t0)).isEqualTo("timeout");
    }

    @Test
    void resetsThreeHoursAfterTheLastFailure() {
        backoff.failed("g", "x", t0);
        backoff.failed("g", "x", t0);
        Instant later = t0.plus(Duration.ofHours(3));
        assertThat(backoff.failed("g", "x", later)).isEqualTo(later.plus(Duration.ofMinutes(5)));
    }

    @Test
    void groupsThatAreGoneAreForgotten() {
        backoff.failed("a", "x", t0);
        backoff.failed("b", "x", t0);
        backoff.retainOnly(Set.of("b"));
        assertThat(backoff.backedOff("a", t0)).isFalse();
        assertThat(backoff.backedOff("b", t0)).isTrue();
    }
}
