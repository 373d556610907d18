package com.vpsie.autoscaler.plan;

import java.util.List;

/**
 * What one planning pass decided, with reasons. Every node of the snapshot appears in exactly one of
 * {@code scaleDown} and {@code unremovable}. The JSON form of this is a public contract (README).
 */
public record Plan(List<ScaleUp> scaleUp, List<ScaleDown> scaleDown, List<Unremovable> unremovable,
                   List<NoScaleUp> noScaleUp) {

    public Plan {
        scaleUp = List.copyOf(scaleUp);
        scaleDown = List.copyOf(scaleDown);
        unremovable = List.copyOf(unremovable);
        noScaleUp = List.copyOf(noScaleUp);
    }

    /** Add {@code count} nodes of {@code offering} to {@code nodeGroup} for {@code pods} ("namespace/name"). */
    public record ScaleUp(String nodeGroup, String offering, int count, List<String> pods) {
        public ScaleUp {
            pods = List.copyOf(pods);
        }
    }

    /**
     * Remove {@code node}: it is {@code Empty} (nothing to move) or {@code Underutilized} (its pods fit elsewhere).
     * {@code usage} is the measured usage it was judged by, null when its group judges by requests alone.
     */
    public record ScaleDown(String node, String nodeGroup, ScaleDownKind reason, Usage usage) {
        public ScaleDown(String node, String nodeGroup, ScaleDownKind reason) {
            this(node, nodeGroup, reason, null);
        }
    }

    /**
     * A node's measured usage over its group's stabilization window: {@code state} is {@code Underutilized} or
     * {@code Busy} by the usage rule, or {@code NoSamples} / {@code Stale} when the node was judged by requests
     * instead; {@code samples} in the window, {@code samplesBelow} of them below both thresholds, and the mean
     * fractions of allocatable.
     */
    public record Usage(String state, int samples, int samplesBelow, double cpuFraction, double memoryFraction) {
    }

    public enum ScaleDownKind { Empty, Underutilized }

    /**
     * {@code node} stays, because of {@code reason}; with {@code BlockedByPod}, {@code pod} and {@code podReason}
     * name the pod and its rule, with {@code NoPlaceToMovePods}, {@code pod} names the first pod that found no place.
     */
    public record Unremovable(String node, String nodeGroup, String reason, String pod, String podReason) {
    }

    /** A pending pod that triggers no new node: {@code reason} is a stable word, {@code message} says more. */
    public record NoScaleUp(String pod, String reason, String message) {
    }
}
