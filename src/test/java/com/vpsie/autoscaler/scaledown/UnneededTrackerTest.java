package com.vpsie.autoscaler.scaledown;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UnneededTrackerTest {

    private final Instant t0 = Instant.parse("2026-11-22T12:00:00Z");
    private final UnneededTracker tracker = new UnneededTracker();

    @Test
    void aNodeMustStayUnneededForTheWholeWindow() {
        tracker.update(List.of("a"), t0);
        tracker.update(List.of("a"), t0.plusSeconds(300));
        assertThat(tracker.unneededFor("a", Duration.ofMinutes(10), t0.plusSeconds(599))).isFalse();
        assertThat(tracker.unneededFor("a", Duration.ofMinutes(10), t0.plusSeconds(600))).isTrue();
    }

    @Test
    void aBreakStartsTheClockOver() {
        tracker.update(List.of("a"), t0);
        tracker.update(List.of(), t0.plusSeconds(60));
        tracker.update(List.of("a"), t0.plusSeconds(120));
        assertThat(tracker.since("a")).isEqualTo(t0.plusSeconds(120));
    }

    @Test
    void nodesThatAreGoneLeaveNothing() {
        tracker.update(List.of("a", "b"), t0);
        tracker.retainOnly(Set.of("b"));
        assertThat(tracker.size()).isEqualTo(1);
        assertThat(tracker.since("a")).isNull();
    }
}
