package com.vpsie.autoscaler.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The scheduling-relevant view of a node. {@code nodeGroup} is the value of its nodegroup label, or null. */
public record NodeInfo(
        String name,
        Map<String, String> labels,
        Map<String, String> annotations,
        List<Taint> taints,
        Resources allocatable,
        boolean ready,
        boolean unschedulable,
        Instant creationTimestamp,
        String providerId,
        boolean deleting) {

    public NodeInfo {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        taints = taints == null ? List.of() : List.copyOf(taints);
        allocatable = allocatable == null ? Resources.ZERO : allocatable;
    }

    public String nodeGroup() {
        return labels.get(WellKnown.NODEGROUP_LABEL);
    }

    /** Carries the autoscaler's (or cluster-autoscaler's) to-be-deleted taint. */
    public boolean markedForDeletion() {
        for (Taint t : taints) {
            if (t.key().equals(WellKnown.TO_BE_DELETED_TAINT) || t.key().equals(WellKnown.CA_TO_BE_DELETED_TAINT)) {
                return true;
            }
        }
        return false;
    }
}
