package com.vpsie.autoscaler.scaledown;

import com.vpsie.autoscaler.plan.NodeReason;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which scale-down candidates may start draining now. Empty nodes go several at a time, non-empty ones a few at a
 * time; and no group may drop below its minimum, counting the nodes already being drained. Candidates are taken
 * in the order given (least utilized first), so the limits keep the best ones.
 */
public final class DrainAdmission {

    /** A candidate node; {@code alreadyMarked} when it carries a drain mark already (a drain resumed after a restart). */
    public record Candidate(String node, String group, boolean empty, boolean alreadyMarked) {
    }

    /** A drain already running in this process. */
    public record Running(String node, String group, boolean empty) {
    }

    /** A group's minimum and how many of its nodes stay: not marked, not being deleted, not being drained. */
    public record GroupSize(int minNodes, int remaining) {
    }

    public record Held(Candidate candidate, String reason) {
    }

    public record Decision(List<Candidate> admitted, List<Held> held) {
        public Decision {
            admitted = List.copyOf(admitted);
            held = List.copyOf(held);
        }
    }

    /** Reason words of held candidates (bounded: they label {@code scale_down_blocked_total}). */
    public static final String MIN_SIZE = NodeReason.NODE_GROUP_MIN_SIZE_REACHED;
    public static final String MAX_EMPTY = "MaxEmptyBulkDeleteReached";
    public static final String MAX_PARALLEL = "MaxDrainParallelismReached";
    public static final String ALREADY_DRAINING = "AlreadyDraining";
    public static final String UNKNOWN_GROUP = "UnknownNodeGroup";

    private DrainAdmission() {
    }

    public static Decision admit(List<Candidate> candidates, Map<String, GroupSize> groups, List<Running> running,
                                 int maxEmpty, int maxNonEmpty) {
        Set<String> busy = new HashSet<>();
        int empty = 0;
        int nonEmpty = 0;
        for (Running r : running) {
            busy.add(r.node());
            if (r.empty()) {
                empty++;
            } else {
                nonEmpty++;
            }
        }
        Map<String, Integer> remaining = new HashMap<>();
        groups.forEach((name, size) -> remaining.put(name, size.remaining()));
        List<Candidate> admitted = new ArrayList<>();
        List<Held> held = new ArrayList<>();
        for (Candidate c : candidates) {
            GroupSize size = groups.get(c.group());
            if (!busy.add(c.node())) {
                held.add(new Held(c, ALREADY_DRAINING));
                continue;
            }
            if (size == null) {
                held.add(new Held(c, UNKNOWN_GROUP));
                continue;
            }
            // a marked node is already outside "remaining"; a fresh candidate leaves it now
            int after = remaining.get(c.group()) - (c.alreadyMarked() ? 0 : 1);
            if (after < size.minNodes()) {
                held.add(new Held(c, MIN_SIZE));
                continue;
            }
            if (c.empty() ? empty >= maxEmpty : nonEmpty >= maxNonEmpty) {
                held.add(new Held(c, c.empty() ? MAX_EMPTY : MAX_PARALLEL));
                continue;
            }
            remaining.put(c.group(), after);
            if (c.empty()) {
                empty++;
            } else {
                nonEmpty++;
            }
            admitted.add(c);
        }
        return new Decision(admitted, held);
    }
}
