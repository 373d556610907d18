package com.vpsie.autoscaler.plan;

/** Stable words for pending pods that trigger no scale-up. */
public final class NoScaleUpReason {

    private NoScaleUpReason() {
    }

    /** The pod fits free room on a Ready node: the scheduler should place it, no new node is needed. */
    public static final String SCHEDULABLE_ON_EXISTING_NODE = "SchedulableOnExistingNode";
    /** The pod fits on a node that is booting or already requested: waiting, not asking again. */
    public static final String WAITING_FOR_UPCOMING_NODE = "WaitingForUpcomingNode";
    /** No group's new node could take the pod (message says why for each group). */
    public static final String NO_NODE_GROUP_FITS = "NoNodeGroupFits";
    /** Some group's node would fit but every such group is at its maxNodes. */
    public static final String NODE_GROUP_MAX_SIZE_REACHED = "NodeGroupMaxSizeReached";
    /** There are no NodeGroups, or none allows scale-up. */
    public static final String NO_NODE_GROUPS = "NoNodeGroups";
    /** Priority below cluster-autoscaler's expendable cutoff (-10): such pods never trigger a scale-up. */
    public static final String EXPENDABLE_POD = "ExpendablePod";
}
