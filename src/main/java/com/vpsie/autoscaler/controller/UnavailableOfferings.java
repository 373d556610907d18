package com.vpsie.autoscaler.controller;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The sizes the cloud refused for lack of capacity, per datacenter, each until a time: while listed, the planner
 * does not choose it and the reconciler does not ask for it, so the next pass falls back to another offering or
 * group instead of waiting out a provisioning timeout. Karpenter keeps such a cache for 3 minutes. Pure: time is
 * handed in; entries expire and are dropped on every read, and the size is capped so the map stays bounded.
 */
public final class UnavailableOfferings {

    /** More (datacenter, offering) pairs than any account uses; past it the entry expiring first goes. */
    static final int MAX_ENTRIES = 1024;

    /** One refused (datacenter, offering) and when it may be tried again. */
    public record Entry(String datacenter, String offering, Instant until) {
    }

    private record Key(String datacenter, String offering) {
    }

    private final Duration ttl;
    private final Map<Key, Instant> until = new HashMap<>();

    public UnavailableOfferings(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("the unavailable-offerings TTL must be positive, got " + ttl);
        }
        this.ttl = ttl;
    }

    public Duration ttl() {
        return ttl;
    }

    /** Records a refusal at {@code now}; returns until when the offering is skipped. A repeat extends it. */
    public synchronized Instant refused(String datacenter, String offering, Instant now) {
        expire(now);
        Instant end = now.plus(ttl);
        until.put(new Key(datacenter, offering), end);
        if (until.size() > MAX_ENTRIES) {
            until.entrySet().stream().min(Map.Entry.comparingByValue()).map(Map.Entry::getKey).ifPresent(until::remove);
        }
        return end;
    }

    /** Until when the offering is unavailable in the datacenter, or null when it may be used. */
    public synchronized Instant unavailableUntil(String datacenter, String offering, Instant now) {
        Instant end = until.get(new Key(datacenter, offering));
        return end != null && now.isBefore(end) ? end : null;
    }

    /** For each offering of {@code offerings} unavailable in {@code datacenter} at {@code now}, until when. */
    public synchronized Map<String, Instant> unavailableOf(String datacenter, List<String> offerings, Instant now) {
        expire(now);
        Map<String, Instant> out = new LinkedHashMap<>();
        for (String offering : offerings) {
            Instant end = until.get(new Key(datacenter, offering));
            if (end != null) {
                out.put(offering, end);
            }
        }
        return out;
    }

    /** Everything still unavailable at {@code now}; expired entries are dropped. */
    public synchronized List<Entry> entries(Instant now) {
        expire(now);
        return until.entrySet().stream()
                .map(e -> new Entry(e.getKey().datacenter(), e.getKey().offering(), e.getValue()))
                .sorted(Comparator.comparing(Entry::datacenter).thenComparing(Entry::offering))
                .toList();
    }

    /** Forgets everything: what an earlier leadership term learnt may be stale. */
    public synchronized void clear() {
        until.clear();
    }

    synchronized int size() {
        return until.size();
    }

    private void expire(Instant now) {
        until.values().removeIf(end -> !now.isBefore(end));
    }
}
