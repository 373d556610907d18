package com.vpsie.autoscaler.provider.vpsie;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BackoffScheduleTest {

    private static BackoffSchedule schedule(double random) {
        return new BackoffSchedule(Duration.ofMillis(100), Duration.ofSeconds(30), 0.2, Duration.ofSeconds(60),
                () -> random);
    }

    @Test
    void doublesFromTheInitialDelayUpToTheCap() {
        BackoffSchedule s = schedule(0);
        assertThat(s.delay(1, null)).isEqualTo(Duration.ofMillis(100));
        assertThat(s.delay(2, null)).isEqualTo(Duration.ofMillis(200));
        assertThat(s.delay(3, null)).isEqualTo(Duration.ofMillis(400));
        assertThat(s.delay(12, null)).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.delay(1000, null)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void jitterAddsUpToItsFractionOfTheDelay() {
        assertThat(schedule(0.5).delay(2, null)).isEqualTo(Duration.ofMillis(220));
        assertThat(schedule(0.999).delay(1, null)).isLessThan(Duration.ofMillis(120));
    }

    @Test
    void retryAfterIsAFloorCappedByTheLimit() {
        BackoffSchedule s = schedule(0);
        assertThat(s.delay(1, Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.delay(1, Duration.ofMillis(10))).isEqualTo(Duration.ofMillis(100));
        assertThat(s.delay(1, Duration.ofHours(1))).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void parsesRetryAfterInSecondsOrAsADate() {
        Instant now = Instant.parse("2026-03-01T10:00:00Z");
        assertThat(BackoffSchedule.parseRetryAfter("7", now)).isEqualTo(Duration.ofSeconds(7));
        assertThat(BackoffSchedule.parseRetryAfter(" 0 ", now)).isEqualTo(Duration.ZERO);
        assertThat(BackoffSchedule.parseRetryAfter("Sun, 01 Mar 2026 10:00:42 GMT", now))
                .isEqualTo(Duration.ofSeconds(42));
        assertThat(BackoffSchedule.parseRetryAfter("Sun, 01 Mar 2026 09:00:00 GMT", now)).isEqualTo(Duration.ZERO);
        assertThat(BackoffSchedule.parseRetryAfter("soon", now)).isNull();
        assertThat(BackoffSchedule.parseRetryAfter(null, now)).isNull();
        assertThat(BackoffSchedule.parseRetryAfter("-3", now)).isNull();
    }
}
