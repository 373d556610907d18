package com.vpsie.autoscaler.provider.vpsie;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.function.DoubleSupplier;

/**
 * Delay before retry number {@code n}: exponential from the initial delay, capped, plus up to
 * {@code jitter × delay} at random so that clients hit by the same outage do not return in step; never
 * shorter than the server's Retry-After (itself capped so a hostile value cannot park a caller).
 */
final class BackoffSchedule {

    private final Duration initial;
    private final Duration max;
    private final double jitter;
    private final Duration maxRetryAfter;
    private final DoubleSupplier random;

    BackoffSchedule(Duration initial, Duration max, double jitter, Duration maxRetryAfter, DoubleSupplier random) {
        this.initial = initial;
        this.max = max;
        this.jitter = jitter;
        this.maxRetryAfter = maxRetryAfter;
        this.random = random;
    }

    /**
     * @param failedAttempts attempts made so far (1 after the first failure)
     * @param retryAfter the server's Retry-After, or null
     */
    Duration delay(int failedAttempts, Duration retryAfter) {
        long base = initial.toMillis();
        for (int i = 1; i < failedAttempts && base < max.toMillis(); i++) {
            base = base * 2;
        }
        base = Math.min(base, max.toMillis());
        long jittered = base + (long) (base * jitter * random.getAsDouble());
        long floor = retryAfter == null ? 0 : Math.min(retryAfter.toMillis(), maxRetryAfter.toMillis());
        return Duration.ofMillis(Math.max(jittered, floor));
    }

    /** Retry-After as delta-seconds or an HTTP date; null when absent or unreadable. */
    static Duration parseRetryAfter(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String h = header.trim();
        if (h.matches("\\d{1,9}")) {
            return Duration.ofSeconds(Long.parseLong(h));
        }
        try {
            Instant at = ZonedDateTime.parse(h, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration d = Duration.between(now, at);
            return d.isNegative() ? Duration.ZERO : d;
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
