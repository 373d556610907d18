package com.vpsie.autoscaler.plan;

/** Why a node is not removed. The first six are cluster-autoscaler's words and part of the output contract. */
public final class NodeReason {

    private NodeReason() {
    }

    public static final String NOT_AUTOSCALED = "NotAutoscaled";
    public static final String SCALE_DOWN_DISABLED_ANNOTATION = "ScaleDownDisabledAnnotation";
    public static final String NODE_GROUP_MIN_SIZE_REACHED = "NodeGroupMinSizeReached";
    public static final String NOT_UNDERUTILIZED = "NotUnderutilized";
    public static final String NO_PLACE_TO_MOVE_PODS = "NoPlaceToMovePods";
    public static final String BLOCKED_BY_POD = "BlockedByPod";
    /** Carries a to-be-deleted taint or a deletion timestamp: someone is already removing it. */
    public static final String CURRENTLY_BEING_DELETED = "CurrentlyBeingDeleted";
    /** The group's {@code scaleDownPolicy.enabled} is false. */
    public static final String SCALE_DOWN_DISABLED = "ScaleDownDisabled";
    /**
     * Would be removable, but the same plan grows its group: adding and removing nodes of one group in
     * one pass is churn, and the controller holds scale-down for a cooldown after a scale-up anyway.
     */
    public static final String NODE_GROUP_SCALING_UP = "NodeGroupScalingUp";
    /** NotReady but younger than the startup timeout: it is still booting. */
    public static final String NOT_UNREADY_LONG_ENOUGH = "NotUnreadyLongEnough";
}
