package com.vpsie.autoscaler.controller;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroupCondition;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupStatus;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The rules every status write obeys, whoever wrote the proposal: scale times only move forward
 * ({@code max(old, new)}), a condition's {@code lastTransitionTime} changes only when its status flips and
 * its {@code lastUpdateTime} only when something about it changed, generations never go back, and all
 * times are UTC in seconds. Pure: time is handed in.
 */
public final class StatusMerge {

    private StatusMerge() {
    }

    /** What to store, given what is stored ({@code old}, may be null) and what a writer proposes. */
    public static NodeGroupStatus merge(NodeGroupStatus old, NodeGroupStatus proposed, Instant now) {
        NodeGroupStatus before = old == null ? new NodeGroupStatus() : old;
        NodeGroupStatus out = StatusCopy.of(proposed);
        out.setLastScaleTime(later(before.getLastScaleTime(), proposed.getLastScaleTime()));
        out.setLastScaleUpTime(later(before.getLastScaleUpTime(), proposed.getLastScaleUpTime()));
        out.setLastScaleDownTime(later(before.getLastScaleDownTime(), proposed.getLastScaleDownTime()));
        if (before.getObservedGeneration() != null && (proposed.getObservedGeneration() == null
                || proposed.getObservedGeneration() < before.getObservedGeneration())) {
            out.setObservedGeneration(before.getObservedGeneration());
        }
        out.setConditions(mergeConditions(before.getConditions(), proposed.getConditions(), now));
        return out;
    }

    private static List<NodeGroupCondition> mergeConditions(List<NodeGroupCondition> old,
                                                            List<NodeGroupCondition> proposed, Instant now) {
        if (proposed == null) {
            return old == null ? null : copyConditions(old);
        }
        String stamp = format(now);
        List<NodeGroupCondition> out = new ArrayList<>();
        for (NodeGroupCondition p : proposed) {
            NodeGroupCondition previous = old == null ? null
                    : old.stream().filter(o -> Objects.equals(o.getType(), p.getType())).findFirst().orElse(null);
            NodeGroupCondition c = new NodeGroupCondition(p.getType(), p.getStatus(), p.getReason(), p.getMessage());
            if (previous != null && Objects.equals(previous.getStatus(), p.getStatus())) {
                c.setLastTransitionTime(previous.getLastTransitionTime() != null ? previous.getLastTransitionTime() : stamp);
                boolean same = Objects.equals(previous.getReason(), p.getReason())
                        && Objects.equals(previous.getMessage(), p.getMessage());
                c.setLastUpdateTime(same && previous.getLastUpdateTime() != null ? previous.getLastUpdateTime() : stamp);
            } else {
                c.setLastTransitionTime(stamp);
                c.setLastUpdateTime(stamp);
            }
            out.add(c);
        }
        out.sort(Comparator.comparing(NodeGroupCondition::getType));
        return out;
    }

    private static List<NodeGroupCondition> copyConditions(List<NodeGroupCondition> conditions) {
        List<NodeGroupCondition> out = new ArrayList<>();
        for (NodeGroupCondition c : conditions) {
            NodeGroupCondition copy = new NodeGroupCondition(c.getType(), c.getStatus(), c.getReason(), c.getMessage());
            copy.setLastTransitionTime(c.getLastTransitionTime());
            copy.setLastUpdateTime(c.getLastUpdateTime());
            out.add(copy);
        }
        return out;
    }

    /** The later of two RFC 3339 times; an unparseable one loses to a parseable one. */
    static String later(String a, String b) {
        Instant ia = parse(a);
        Instant ib = parse(b);
        if (ia == null) {
            return ib == null ? (b != null ? b : a) : format(ib);
        }
        if (ib == null) {
            return format(ia);
        }
        return format(ia.isAfter(ib) ? ia : ib);
    }

    static Instant parse(String time) {
        if (time == null) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(time).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** RFC 3339 in UTC with whole seconds, as Kubernetes writes metav1.Time. */
    public static String format(Instant time) {
        return time.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
