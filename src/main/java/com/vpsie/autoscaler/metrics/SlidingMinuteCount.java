package com.vpsie.autoscaler.metrics;

import java.util.function.LongSupplier;

/**
 * Events of the last 60 seconds, counted in one-second buckets. Read when scraped; nothing runs in the
 * background. For budgets stated per minute (VPSie's client allows 100 calls a minute), where a counter's
 * rate would need a Prometheus to be read.
 */
final class SlidingMinuteCount {

    private static final int SECONDS = 60;

    private final LongSupplier millis;
    private final long[] second = new long[SECONDS];
    private final long[] count = new long[SECONDS];

    SlidingMinuteCount(LongSupplier millis) {
        this.millis = millis;
        java.util.Arrays.fill(second, Long.MIN_VALUE);
    }

    synchronized void increment() {
        long now = millis.getAsLong() / 1000;
        int slot = (int) Math.floorMod(now, (long) SECONDS);
        if (second[slot] != now) {
            second[slot] = now;
            count[slot] = 0;
        }
        count[slot]++;
    }

    /** Events in the 60 seconds up to now (the current second included). */
    synchronized long lastMinute() {
        long now = millis.getAsLong() / 1000;
        long sum = 0;
        for (int i = 0; i < SECONDS; i++) {
            if (second[i] != Long.MIN_VALUE && now - second[i] < SECONDS && second[i] <= now) {
                sum += count[i];
            }
        }
        return sum;
    }
}
