package com.vpsie.autoscaler.scaledown;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Since when each node has been a scale-down candidate without a break. A node that stops being a
 * candidate, or disappears, starts over. Pure: time is handed in; one pass at a time.
 */
public final class UnneededTracker {

    private final Map<String, Instant> unneededSince = new HashMap<>();

    /** Records this pass's candidates; every other node loses its unneeded time. */
    public synchronized void update(Collection<String> candidates, Instant now) {
        unneededSince.keySet().retainAll(Set.copyOf(candidates));
        for (String node : candidates) {
            unneededSince.putIfAbsent(node, now);
        }
    }

    /** Whether {@code node} has been unneeded for at least {@code window} by {@code now}. */
    public synchronized boolean unneededFor(String node, Duration window, Instant now) {
        Instant since = unneededSince.get(node);
        return since != null && !since.plus(window).isAfter(now);
    }

    public synchronized Instant since(String node) {
        return unneededSince.get(node);
    }

    /** Drops every node not in {@code live}: nodes that are gone leave nothing behind. */
    public synchronized void retainOnly(Set<String> live) {
        unneededSince.keySet().retainAll(live);
    }

    public synchronized int size() {
        return unneededSince.size();
    }
}
