package com.vpsie.autoscaler.scaledown;

import com.vpsie.autoscaler.model.Taint;
import com.vpsie.autoscaler.model.TaintEffect;
import com.vpsie.autoscaler.model.WellKnown;
import com.vpsie.autoscaler.plan.Plan;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the scale-down manager wrote on a node: the to-be-deleted taint, the cordon and the drain annotations,
 * which together are the persisted state of a drain. The drain-started time, kept to the millisecond, identifies
 * one drain, so an undo meant for an old drain never strips the marks of a newer one.
 *
 * @param state {@code draining}, {@code drained} or null
 * @param startedAt when the drain began (its identity), or null
 * @param reason {@code Empty} or {@code Underutilized}, or null
 * @param tainted the node carries our to-be-deleted taint
 * @param wasCordoned the node was already cordoned before the drain, so undoing it leaves the cordon
 * @param owner {@code namespace/name} of the NodeGroup that drains the node, or null (marks written before owners
 *     were recorded, or edited by hand)
 */
public record NodeMarks(String state, Instant startedAt, String reason, boolean tainted, boolean wasCordoned,
                        String owner) {

    /**
     * Set (to "true") only when the node was cordoned by someone else before we marked it: an undo must not
     * uncordon what an operator cordoned.
     */
    public static final String WAS_CORDONED_ANNOTATION = "autoscaler.vpsie.com/drain-was-cordoned";

    /** Every annotation a drain may write; an undo removes them all. */
    public static final List<String> ANNOTATIONS = List.of(WellKnown.DRAIN_STATE_ANNOTATION,
            WellKnown.DRAIN_STARTED_ANNOTATION, WellKnown.DRAIN_REASON_ANNOTATION, WellKnown.DRAINED_AT_ANNOTATION,
            WAS_CORDONED_ANNOTATION, WellKnown.DRAIN_OWNER_ANNOTATION);

    public static final NodeMarks NONE = new NodeMarks(null, null, null, false, false, null);

    /** Reads the marks from a node's annotations and taints (either may be null). */
    public static NodeMarks read(Map<String, String> annotations, List<Taint> taints) {
        return read(annotations, taints != null && taints.stream().anyMatch(NodeMarks::isOurTaint));
    }

    /** Reads the marks from a node's annotations (may be null), given whether it carries our taint. */
    public static NodeMarks read(Map<String, String> annotations, boolean tainted) {
        Map<String, String> a = annotations == null ? Map.of() : annotations;
        String state = a.get(WellKnown.DRAIN_STATE_ANNOTATION);
        if (state != null && !state.equals(WellKnown.DRAIN_STATE_DRAINING) && !state.equals(WellKnown.DRAIN_STATE_DRAINED)) {
            state = null; // a value we never write: treat the node as merely carrying leftovers
        }
        String owner = a.get(WellKnown.DRAIN_OWNER_ANNOTATION);
        return new NodeMarks(state, parse(a.get(WellKnown.DRAIN_STARTED_ANNOTATION)),
                a.get(WellKnown.DRAIN_REASON_ANNOTATION), tainted, "true".equals(a.get(WAS_CORDONED_ANNOTATION)),
                owner != null && owner.indexOf('/') > 0 ? owner : null);
    }

    public static boolean isOurTaint(Taint taint) {
        return WellKnown.TO_BE_DELETED_TAINT.equals(taint.key());
    }

    /** Anything of ours is on the node. */
    public boolean any() {
        return state != null || tainted;
    }

    public boolean draining() {
        return WellKnown.DRAIN_STATE_DRAINING.equals(state);
    }

    /** Drained: the NodeGroup reconciler owns the node now, and nothing here may undo it. */
    public boolean drained() {
        return WellKnown.DRAIN_STATE_DRAINED.equals(state);
    }

    /** These marks belong to the drain that started at {@code started}. */
    public boolean sameDrain(Instant started) {
        return startedAt != null && startedAt.equals(started);
    }

    /** No live drain can still own these marks: they are older than the longest drain, or undated. */
    public boolean expired(Instant now, Duration drainDeadline) {
        return startedAt == null || !startedAt.plus(drainDeadline).isAfter(now);
    }

    /** The drain reason as the planner's kind, or null when missing or unknown. */
    public Plan.ScaleDownKind kind() {
        for (Plan.ScaleDownKind k : Plan.ScaleDownKind.values()) {
            if (k.name().equals(reason)) {
                return k;
            }
        }
        return null;
    }

    /** Our taint for a drain that started at {@code startedAt}; its value is Unix seconds, as cluster-autoscaler writes. */
    public static Taint taint(Instant startedAt) {
        return new Taint(WellKnown.TO_BE_DELETED_TAINT, Long.toString(startedAt.getEpochSecond()),
                TaintEffect.NO_SCHEDULE);
    }

    /** The annotations that mark a drain in progress, without an owner. */
    public static Map<String, String> drainingAnnotations(Instant startedAt, Plan.ScaleDownKind kind,
                                                          boolean wasCordoned) {
        return drainingAnnotations(startedAt, kind, wasCordoned, null);
    }

    /** The annotations that mark a drain in progress for the NodeGroup {@code owner} ("namespace/name", or null). */
    public static Map<String, String> drainingAnnotations(Instant startedAt, Plan.ScaleDownKind kind,
                                                          boolean wasCordoned, String owner) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put(WellKnown.DRAIN_STATE_ANNOTATION, WellKnown.DRAIN_STATE_DRAINING);
        a.put(WellKnown.DRAIN_STARTED_ANNOTATION, formatStarted(startedAt));
        a.put(WellKnown.DRAIN_REASON_ANNOTATION, Objects.requireNonNull(kind, "kind").name());
        if (wasCordoned) {
            a.put(WAS_CORDONED_ANNOTATION, "true");
        }
        if (owner != null) {
            a.put(WellKnown.DRAIN_OWNER_ANNOTATION, owner);
        }
        return a;
    }

    /** The annotations that hand a drained node to the NodeGroup reconciler. */
    public static Map<String, String> drainedAnnotations(Instant at) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put(WellKnown.DRAIN_STATE_ANNOTATION, WellKnown.DRAIN_STATE_DRAINED);
        a.put(WellKnown.DRAINED_AT_ANNOTATION, at.truncatedTo(ChronoUnit.SECONDS).toString());
        return a;
    }

    /** RFC 3339 in UTC with milliseconds: precise enough to tell two drains of one node apart. */
    public static String formatStarted(Instant startedAt) {
        return startedAt.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    /** The instant a drain started, at the precision it is stored with. */
    public static Instant startedAtPrecision(Instant now) {
        return now.truncatedTo(ChronoUnit.MILLIS);
    }

    static Instant parse(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
