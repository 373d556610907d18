package com.vpsie.autoscaler.metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each control loop ("autoscaling-pass", "reconcile", ...) last ran, so {@code /healthz} can fail on a
 * stuck loop and Prometheus can alert on {@code vpsie_autoscaler_last_activity_timestamp_seconds}.
 */
public final class LoopLiveness {

    private final Clock clock;
    private final AutoscalerMetrics metrics;
    private final Map<String, Instant> lastRun = new ConcurrentHashMap<>();
    /**
     * When each loop was first asked about while required. A replica that has just become leader has not
     * run the pass yet; its grace period starts here, not at process start or at a previous term's last run.
     */
    private final Map<String, Instant> requiredSince = new ConcurrentHashMap<>();

    public LoopLiveness(Clock clock, AutoscalerMetrics metrics) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /** Marks one completed run of {@code loop}, successful or not: a loop that fails is still alive. */
    public void ran(String loop) {
        Instant now = clock.instant();
        lastRun.put(loop, now);
        metrics.lastActivity(loop, now);
    }

    public Optional<Instant> lastRun(String loop) {
        return Optional.ofNullable(lastRun.get(loop));
    }

    /**
     * Healthy when {@code loop} is not required here (e.g. the pass on a follower), or has run within
     * {@code maxAge} of now or of the moment it became required.
     */
    public HealthStatus health(String loop, Duration maxAge, boolean required) {
        if (!required) {
            requiredSince.remove(loop);
            return HealthStatus.healthy();
        }
        Instant now = clock.instant();
        Instant since = requiredSince.computeIfAbsent(loop, k -> now);
        Instant last = lastRun.get(loop);
        boolean ranSinceRequired = last != null && !last.isBefore(since);
        Duration age = Duration.between(ranSinceRequired ? last : since, now);
        if (age.compareTo(maxAge) <= 0) {
            return HealthStatus.healthy();
        }
        return HealthStatus.unhealthy(ranSinceRequired
                ? loop + " last ran " + format(age) + " ago (limit " + format(maxAge) + ")"
                : loop + " has not run in the " + format(age) + " since it became required (limit "
                        + format(maxAge) + ")");
    }

    /** Go-style, to the second: "45s", "3m0s", "1h2m3s" — the way the flags are written. */
    static String format(Duration d) {
        long seconds = Math.max(0, d.getSeconds());
        long h = seconds / 3600;
        long m = seconds % 3600 / 60;
        long s = seconds % 60;
        if (h > 0) {
            return h + "h" + m + "m" + s + "s";
        }
        return m > 0 ? m + "m" + s + "s" : s + "s";
    }
}
