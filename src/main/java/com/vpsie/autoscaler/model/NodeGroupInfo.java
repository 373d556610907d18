package com.vpsie.autoscaler.model;

import java.util.List;
import java.util.Map;

/**
 * The planner's view of a NodeGroup. {@code desiredNodes} is {@code status.desiredNodes}; the group's
 * size for planning is the larger of it and the number of registered nodes. A {@code deleting} group (its
 * NodeGroup has a deletionTimestamp) takes no scale-up and every one of its nodes is a scale-down candidate
 * whatever its utilization and the group's minimum; drain rules and PDBs still apply.
 *
 * @param upcomingOfferings the offerings of nodes on their way (asked for, or planned and not asked for yet), in
 *     order; an upcoming node beyond them is of the group's first offering
 */
public record NodeGroupInfo(
        String namespace,
        String name,
        int minNodes,
        int maxNodes,
        int desiredNodes,
        List<String> offeringIds,
        String preferredOffering,
        boolean allowMixedOfferings,
        Map<String, String> labels,
        List<Taint> taints,
        boolean scaleUpEnabled,
        ScaleDownPolicy scaleDownPolicy,
        List<String> upcomingOfferings,
        boolean deleting) {

    public NodeGroupInfo {
        offeringIds = offeringIds == null ? List.of() : List.copyOf(offeringIds);
        upcomingOfferings = upcomingOfferings == null ? List.of() : List.copyOf(upcomingOfferings);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        taints = taints == null ? List.of() : List.copyOf(taints);
        scaleDownPolicy = scaleDownPolicy == null ? ScaleDownPolicy.DEFAULT : scaleDownPolicy;
    }

    /** A group that is not being deleted, whose upcoming nodes are all of its first offering. */
    public NodeGroupInfo(String namespace, String name, int minNodes, int maxNodes, int desiredNodes,
                         List<String> offeringIds, String preferredOffering, boolean allowMixedOfferings,
                         Map<String, String> labels, List<Taint> taints, boolean scaleUpEnabled,
                         ScaleDownPolicy scaleDownPolicy) {
        this(namespace, name, minNodes, maxNodes, desiredNodes, offeringIds, preferredOffering, allowMixedOfferings,
                labels, taints, scaleUpEnabled, scaleDownPolicy, List.of(), false);
    }

    /** The minimum the planner keeps: none for a group being deleted. */
    public int effectiveMinNodes() {
        return deleting ? 0 : minNodes;
    }

    /** Offerings a new node may use, the preferred one first; only that one when mixing is off. */
    public List<String> candidateOfferings() {
        String first = preferredOffering != null && offeringIds.contains(preferredOffering)
                ? preferredOffering : (offeringIds.isEmpty() ? null : offeringIds.get(0));
        if (first == null) {
            return List.of();
        }
        if (!allowMixedOfferings) {
            return List.of(first);
        }
        java.util.ArrayList<String> ordered = new java.util.ArrayList<>();
        ordered.add(first);
        for (String id : offeringIds) {
            if (!id.equals(first)) {
                ordered.add(id);
            }
        }
        return List.copyOf(ordered);
    }
}
