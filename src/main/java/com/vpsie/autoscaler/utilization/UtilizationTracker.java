package com.vpsie.autoscaler.utilization;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Recent utilization samples per node, each node in a fixed-size ring buffer that keeps the last
 * {@code capacity} samples in the order they were recorded. Readers get copies, never the buffers.
 * Safe for concurrent writers and readers.
 */
public final class UtilizationTracker {

    /** One node's buffer; its monitor guards the array so a copy never sees a half-done write. */
    private static final class Ring {
        private final UtilizationSample[] slots;
        private int next;
        private int size;

        Ring(int capacity) {
            this.slots = new UtilizationSample[capacity];
        }

        synchronized void add(UtilizationSample sample) {
            slots[next] = sample;
            next = (next + 1) % slots.length;
            if (size < slots.length) {
                size++;
            }
        }

        synchronized List<UtilizationSample> copy() {
            List<UtilizationSample> out = new ArrayList<>(size);
            int start = (next - size + slots.length) % slots.length;
            for (int i = 0; i < size; i++) {
                out.add(slots[(start + i) % slots.length]);
            }
            return List.copyOf(out);
        }

        synchronized Optional<UtilizationSample> latest() {
            return size == 0 ? Optional.empty() : Optional.of(slots[(next - 1 + slots.length) % slots.length]);
        }
    }

    private final int capacity;
    private final ConcurrentHashMap<String, Ring> rings = new ConcurrentHashMap<>();

    public UtilizationTracker(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    public int capacity() {
        return capacity;
    }

    /** Appends a sample; when the node's buffer is full the oldest sample is dropped. */
    public void record(String node, UtilizationSample sample) {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(sample, "sample");
        // Appending inside compute keeps a concurrent retainOnly/forget from dropping the buffer between
        // looking it up and writing to it, which would lose the sample.
        rings.compute(node, (key, ring) -> {
            Ring target = ring == null ? new Ring(capacity) : ring;
            target.add(sample);
            return target;
        });
    }

    /** The node's samples, oldest first; empty for an unknown node. */
    public List<UtilizationSample> samples(String node) {
        Ring ring = rings.get(node);
        return ring == null ? List.of() : ring.copy();
    }

    public Optional<UtilizationSample> latest(String node) {
        Ring ring = rings.get(node);
        return ring == null ? Optional.empty() : ring.latest();
    }

    public void forget(String node) {
        rings.remove(node);
    }

    /** Drops the buffers of every node not in {@code liveNodes}, so nodes that are gone leave nothing behind. */
    public void retainOnly(Set<String> liveNodes) {
        rings.keySet().removeIf(node -> !liveNodes.contains(node));
    }

    public Set<String> trackedNodes() {
        return Set.copyOf(rings.keySet());
    }
}
