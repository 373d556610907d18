package com.vpsie.autoscaler.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class LoopLivenessTest {

    private static final String PASS = "autoscaling-pass";
    private static final Duration LIMIT = Duration.ofSeconds(30);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T12:00:00Z"));
    private final AutoscalerMetrics metrics = new AutoscalerMetrics();
    private final LoopLiveness liveness = new LoopLiveness(clock, metrics);

    @Test
    void aLoopThatIsNotRequiredIsAlwaysHealthy() {
        clock.advance(Duration.ofHours(5));
        assertThat(liveness.health(PASS, LIMIT, false).ok()).isTrue();
    }

    @Test
    void aRequiredLoopHasMaxAgeFromWhenItBecameRequired() {
        clock.advance(Duration.ofHours(1)); // a follower for an hour
        assertThat(liveness.health(PASS, LIMIT, false).ok()).isTrue();

        assertThat(liveness.health(PASS, LIMIT, true).ok()).isTrue(); // just became leader
        clock.advance(LIMIT);
        assertThat(liveness.health(PASS, LIMIT, true).ok()).isTrue();
        clock.advance(Duration.ofSeconds(1));

        HealthStatus stuck = liveness.health(PASS, LIMIT, true);
        assertThat(stuck.ok()).isFalse();
        assertThat(stuck.reason()).isEqualTo(
                "autoscaling-pass has not run in the 31s since it became required (limit 30s)");
    }

    @Test
    void runningKeepsItHealthyAndStoppingMakesItFail() {
        liveness.health(PASS, LIMIT, true);
        for (int i = 0; i < 10; i++) {
            clock.advance(Duration.ofSeconds(10));
            liveness.ran(PASS);
            assertThat(liveness.health(PASS, LIMIT, true).ok()).isTrue();
        }
        clock.advance(Duration.ofSeconds(95));

        HealthStatus stuck = liveness.health(PASS, LIMIT, true);
        assertThat(stuck.ok()).isFalse();
        assertThat(stuck.reason()).isEqualTo("autoscaling-pass last ran 1m35s ago (limit 30s)");
    }

    @Test
    void aRunFromAnEarlierLeadershipDoesNotCountButTheNewTermGetsItsGracePeriod() {
        liveness.health(PASS, LIMIT, true);
        liveness.ran(PASS);
        clock.advance(Duration.ofMinutes(10));
        assertThat(liveness.health(PASS, LIMIT, false).ok()).isTrue(); // lost the lease meanwhile

        assertThat(liveness.health(PASS, LIMIT, true).ok()).isTrue(); // leader again
        clock.advance(Duration.ofSeconds(40));
        assertThat(liveness.health(PASS, LIMIT, true).reason()).contains("since it became required");
        liveness.ran(PASS);
        assertThat(liveness.health(PASS, LIMIT, true).ok()).isTrue();
    }

    @Test
    void loopsAreTrackedSeparately() {
        liveness.health(PASS, LIMIT, true);
        liveness.health("reconcile", LIMIT, true);
        clock.advance(Duration.ofSeconds(20));
        liveness.ran("reconcile");
        clock.advance(Duration.ofSeconds(20));
        assertThat(liveness.health(PASS, LIMIT, true).ok()).isFalse();
        assertThat(liveness.health("reconcile", LIMIT, true).ok()).isTrue();
        assertThat(liveness.lastRun("reconcile")).contains(Instant.parse("2026-11-22T12:00:20Z"));
        assertThat(liveness.lastRun(PASS)).isEmpty();
    }

    @Test
    void eachRunIsExportedAsATimestampPerLoop() {
        clock.advance(Duration.ofMillis(1500));
        liveness.ran(PASS);
        liveness.ran("reconcile");

        String scrape = metrics.scrape();
        double expected = Instant.parse("2026-11-22T12:00:01.500Z").toEpochMilli() / 1000.0;
        assertThat(scrape).contains("# TYPE vpsie_autoscaler_last_activity_timestamp_seconds gauge");
        assertThat(gauge(scrape, "autoscaling-pass")).isEqualTo(expected);
        assertThat(gauge(scrape, "reconcile")).isEqualTo(expected);
    }

    @Test
    void durationsAreFormattedTheWayFlagsAreWritten() {
        assertThat(LoopLiveness.format(Duration.ofSeconds(45))).isEqualTo("45s");
        assertThat(LoopLiveness.format(Duration.ofMinutes(3))).isEqualTo("3m0s");
        assertThat(LoopLiveness.format(Duration.ofSeconds(3723))).isEqualTo("1h2m3s");
    }

    private static double gauge(String scrape, String loop) {
        String prefix = "vpsie_autoscaler_last_activity_timestamp_seconds{loop=\"" + loop + "\"} ";
        return scrape.lines().filter(l -> l.startsWith(prefix)).map(l -> Double.parseDouble(l.substring(
                prefix.length()))).findFirst().orElseThrow(() -> new AssertionError("no series for " + loop
                        + " in\n" + scrape));
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant start) {
            now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
