package com.vpsie.autoscaler.scaledown;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * How one drain ended.
 *
 * @param outcome the kind of ending
 * @param reason a bounded reason word (metric label, event text), null when drained
 * @param detail what happened, for logs and the event
 * @param podsEvicted evictions the API server accepted
 * @param startedAt the drain's identity (its drain-started time), null when it never marked the node
 * @param needsUndo our marks may be on the node and must be removed
 */
public record DrainResult(Outcome outcome, String reason, String detail, int podsEvicted, Instant startedAt,
                          boolean needsUndo) {

    public enum Outcome {
        /** Marked drained: the NodeGroup reconciler deletes the server and the Node. */
        DRAINED,
        /** A safety check after marking said no: pods arrived, or a fresh plan keeps the node. */
        ABORTED,
        /** Evictions stayed refused, or evicted pods did not go, within their deadlines. */
        TIMED_OUT,
        /** An API error, or the node changed under the drain. */
        FAILED,
        /** Stopped by lease loss or shutdown. */
        CANCELLED,
        /** Nothing was done: the node is gone, or someone else's marks are on it, or there was nothing to resume. */
        SKIPPED;

        /** Lower-case, as the {@code result} label of the drain duration. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    // Reason words; bounded because they label metrics.
    public static final String NODE_GONE = "NodeGone";
    public static final String ALREADY_MARKED = "AlreadyMarked";
    public static final String NOTHING_TO_RESUME = "NothingToResume";
    public static final String PODS_ARRIVED = "PodsArrived";
    public static final String NO_LONGER_REMOVABLE = "NoLongerRemovable";
    public static final String EVICTION_TIMEOUT = "EvictionTimeout";
    public static final String EVICTION_FAILED = "EvictionFailed";
    public static final String PODS_NOT_GONE = "PodsNotGone";
    public static final String MARK_LOST = "MarkLost";
    public static final String API_ERROR = "ApiError";
    public static final String CANCELLED = "Cancelled";
    public static final String DRAIN_EXPIRED = "DrainExpired";
    public static final String NOT_ADMITTED = "NotAdmitted";
    public static final String LEFTOVER_MARK = "LeftoverMark";
    public static final String NODEGROUP_GONE = "NodeGroupGone";

    public DrainResult {
        Objects.requireNonNull(outcome, "outcome");
        if ((outcome == Outcome.DRAINED) != (reason == null)) {
            throw new IllegalArgumentException("a reason goes with every outcome but DRAINED");
        }
    }

    public static DrainResult drained(int podsEvicted, Instant startedAt) {
        return new DrainResult(Outcome.DRAINED, null, "drained", podsEvicted, startedAt, false);
    }

    public static DrainResult of(Outcome outcome, String reason, String detail, int podsEvicted, Instant startedAt,
                                 boolean needsUndo) {
        return new DrainResult(outcome, reason, detail, podsEvicted, startedAt, needsUndo);
    }

    /** Counts as a failed scale-down: event, error metric, cooldown. */
    public boolean failed() {
        return outcome != Outcome.DRAINED && outcome != Outcome.SKIPPED;
    }
}
