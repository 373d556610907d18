package com.vpsie.autoscaler.controller;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Karpenter's batching of new unschedulable pods: a batch closes after {@code idle} without a new pod,
 * or {@code max} after its first pod, whichever comes first, so a burst becomes one pass instead of
 * one per pod while a lone pod still waits only about a second. Pure; time is handed in.
 */
public final class PendingPodBatcher {

    private final Duration idle;
    private final Duration max;
    private Instant first;
    private Instant last;

    public PendingPodBatcher(Duration idle, Duration max) {
        this.idle = idle;
        this.max = max;
    }

    public synchronized void podArrived(Instant now) {
        if (first == null) {
            first = now;
        }
        last = now;
    }

    /** When the open batch closes, if one is open. */
    public synchronized Optional<Instant> closesAt() {
        if (first == null) {
            return Optional.empty();
        }
        Instant byIdle = last.plus(idle);
        Instant byMax = first.plus(max);
        return Optional.of(byIdle.isBefore(byMax) ? byIdle : byMax);
    }

    /** True once (and resets) when the open batch has closed by {@code now}. */
    public synchronized boolean takeIfClosed(Instant now) {
        Optional<Instant> closes = closesAt();
        if (closes.isEmpty() || now.isBefore(closes.get())) {
            return false;
        }
        first = null;
        last = null;
        return true;
    }

    /** A pass is starting anyway (the periodic one): it covers the open batch. */
    public synchronized void reset() {
        first = null;
        last = null;
    }
}
