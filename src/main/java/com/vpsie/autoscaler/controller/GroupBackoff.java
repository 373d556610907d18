package com.vpsie.autoscaler.controller;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Exponential back-off of a group after failed scale-ups, as cluster-autoscaler does it: 5 min after the
 * first failure, doubling up to 30 min, forgotten 3 h after the last failure. Pure; time is handed in. Groups are
 * keyed by "namespace/name": a group's failures must not hold a same-named group of another namespace.
 */
public final class GroupBackoff {

    private final Duration initial;
    private final Duration max;
    private final Duration resetAfter;
    private final Map<String, State> states = new HashMap<>();

    private record State(int failures, Instant lastFailure, Instant until, String reason) {
    }

    public GroupBackoff(Duration initial, Duration max, Duration resetAfter) {
        this.initial = initial;
        this.max = max;
        this.resetAfter = resetAfter;
    }

    public static GroupBackoff clusterAutoscalerDefaults() {
        return new GroupBackoff(Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofHours(3));
    }

    /** Records a failed scale-up; returns until when the group is backed off. */
    public synchronized Instant failed(String group, String reason, Instant now) {
        State old = states.get(group);
        int failures = old == null || !old.lastFailure().plus(resetAfter).isAfter(now) ? 1 : old.failures() + 1;
        Duration wait = initial.multipliedBy(1L << Math.min(failures - 1, 20));
        if (wait.compareTo(max) > 0) {
            wait = max;
        }
        Instant until = now.plus(wait);
        states.put(group, new State(failures, now, until, reason));
        return until;
    }

    public synchronized boolean backedOff(String group, Instant now) {
        State s = states.get(group);
        return s != null && now.isBefore(s.until());
    }

    /** Why the group is backed off, or null. */
    public synchronized String reason(String group, Instant now) {
        State s = states.get(group);
        return s != null && now.isBefore(s.until()) ? s.reason() : null;
    }

    public synchronized void forget(String group) {
        states.remove(group);
    }

    /** Forgets every group: the back-off of an earlier leadership term does not carry over. */
    public synchronized void clear() {
        states.clear();
    }

    public synchronized void retainOnly(Set<String> groups) {
        states.keySet().retainAll(groups);
    }
}
