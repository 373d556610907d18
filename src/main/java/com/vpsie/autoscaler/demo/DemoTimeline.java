package com.vpsie.autoscaler.demo;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.controller.SnapshotFactory;
import com.vpsie.autoscaler.model.ClusterSnapshot;
import com.vpsie.autoscaler.model.WellKnown;
import com.vpsie.autoscaler.plan.AutoscalingPlanner;
import com.vpsie.autoscaler.plan.NodeReason;
import com.vpsie.autoscaler.plan.Plan;
import com.vpsie.autoscaler.plan.PlannerSettings;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Watches the embedded cluster and prints what happens as a readable timeline: scale decisions,
 * nodes joining and leaving, drains, and nodes the planner keeps because a PDB says not now. Also
 * keeps the figures of the closing summary.
 */
final class DemoTimeline {

    private static final Set<String> EVENT_REASONS = Set.of("ScaledUpGroup", "ScaleDown", "ScaleDownFailed",
            "ScaleUpTimedOut", "InvalidSpec");
    private static final Duration QUIET = Duration.ofSeconds(5);

    private final KubernetesClient client;
    private final PrintStream out;
    private final Clock clock;
    private final Instant start;

    private final Set<String> seenEvents = new HashSet<>();
    private final Set<String> initialNodes = new HashSet<>();
    private final Set<String> knownNodes = new HashSet<>();
    private final Set<String> nodesCreated = new HashSet<>();
    private final Set<String> nodesDeleted = new HashSet<>();
    private final Map<String, String> drainStates = new HashMap<>();
    private final Map<String, String> heldByPdb = new HashMap<>();
    private final Set<String> heldByPdbEver = new HashSet<>();
    private final Map<String, Instant> pendingSince = new HashMap<>();
    private Duration longestPending = Duration.ZERO;
    private Integer lastDesired;
    private Instant lastPrinted;
    private boolean first = true;
    private volatile String waitingFor = "";

    DemoTimeline(KubernetesClient client, PrintStream out, Clock clock) {
        this.client = client;
        this.out = out;
        this.clock = clock;
        this.start = clock.instant();
        this.lastPrinted = start;
    }

    void waitingFor(String what) {
        waitingFor = what;
    }

    void phase(String title) {
        print("== " + title);
    }

    /** One look at the cluster; prints what changed since the last look. */
    synchronized void observe() {
        List<Node> nodes = client.nodes().list().getItems();
        List<Pod> pods = client.pods().inAnyNamespace().list().getItems();
        trackNodes(nodes);
        trackPending(pods);
        trackDesired();
        trackEvents();
        trackDrains(nodes);
        trackPdbHolds(nodes, pods);
        if (Duration.between(lastPrinted, clock.instant()).compareTo(QUIET) >= 0) {
            print("... waiting: " + waitingFor);
        }
    }

    private void trackNodes(List<Node> nodes) {
        Set<String> now = new HashSet<>();
        for (Node n : nodes) {
            String name = n.getMetadata().getName();
            now.add(name);
            if (first) {
                initialNodes.add(name);
            } else if (knownNodes.add(name)) {
                nodesCreated.add(name);
                print("node " + name + " joined (Ready)");
            }
        }
        if (first) {
            knownNodes.addAll(now);
            first = false;
        }
        for (String gone : Set.copyOf(knownNodes)) {
            if (!now.contains(gone)) {
                knownNodes.remove(gone);
                nodesDeleted.add(gone);
                drainStates.remove(gone);
                heldByPdb.remove(gone);
                print("node " + gone + " removed");
            }
        }
    }

    private void trackPending(List<Pod> pods) {
        Set<String> live = new HashSet<>();
        Instant now = clock.instant();
        for (Pod p : pods) {
            String key = p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
            live.add(key);
            boolean pending = p.getSpec().getNodeName() == null;
            if (pending) {
                pendingSince.putIfAbsent(key, now);
            } else {
                Instant since = pendingSince.remove(key);
                if (since != null && Duration.between(since, now).compareTo(longestPending) > 0) {
                    longestPending = Duration.between(since, now);
                }
            }
        }
        pendingSince.keySet().retainAll(live);
    }

    private void trackDesired() {
        NodeGroup g = client.resources(NodeGroup.class).inNamespace(DemoWorld.NAMESPACE).withName(DemoWorld.GROUP).get();
        Integer desired = g == null || g.getStatus() == null ? null : g.getStatus().getDesiredNodes();
        if (desired != null && !desired.equals(lastDesired)) {
            if (lastDesired != null) {
                print("NodeGroup " + DemoWorld.GROUP + ": desired size " + lastDesired + " -> " + desired);
            }
            lastDesired = desired;
        }
    }

    private void trackEvents() {
        for (Event e : client.v1().events().inAnyNamespace().list().getItems()) {
            if (EVENT_REASONS.contains(e.getReason()) && seenEvents.add(e.getMetadata().getUid())) {
                print("event " + e.getReason() + " on " + e.getInvolvedObject().getKind() + " "
                        + e.getInvolvedObject().getName() + ": " + e.getMessage());
            }
        }
    }

    private void trackDrains(List<Node> nodes) {
        for (Node n : nodes) {
            Map<String, String> a = n.getMetadata().getAnnotations();
            String state = a == null ? null : a.get(WellKnown.DRAIN_STATE_ANNOTATION);
            String before = drainStates.put(n.getMetadata().getName(), state == null ? "" : state);
            if (state != null && !state.equals(before)) {
                String reason = a.get(WellKnown.DRAIN_REASON_ANNOTATION);
                print("node " + n.getMetadata().getName() + " " + state
                        + (reason != null && state.equals(WellKnown.DRAIN_STATE_DRAINING) ? " (" + reason + ")" : ""));
            }
        }
    }

    /** The same planner the controller runs, on the same objects: shows when a PDB holds a node back. */
    private void trackPdbHolds(List<Node> nodes, List<Pod> pods) {
        ClusterSnapshot snapshot = SnapshotFactory.assemble(
                client.resources(NodeGroup.class).inAnyNamespace().list().getItems(), nodes, pods,
                client.policy().v1().podDisruptionBudget().inAnyNamespace().list().getItems(),
                client.apps().daemonSets().inAnyNamespace().list().getItems(), List.of(), g -> false,
                w -> { });
        Plan plan = AutoscalingPlanner.plan(snapshot, clock.instant(), PlannerSettings.defaults());
        Set<String> holding = new HashSet<>();
        for (Plan.Unremovable u : plan.unremovable()) {
            if (NodeReason.BLOCKED_BY_POD.equals(u.reason()) && "NotEnoughPdb".equals(u.podReason())) {
                holding.add(u.node());
                heldByPdbEver.add(u.node());
                if (heldByPdb.put(u.node(), u.pod()) == null) {
                    print("node " + u.node() + " kept for now: the PDB of pod " + u.pod()
                            + " allows no more disruptions (NotEnoughPdb)");
                }
            }
        }
        heldByPdb.keySet().retainAll(holding);
    }

    void print(String line) {
        lastPrinted = clock.instant();
        double seconds = Duration.between(start, lastPrinted).toMillis() / 1000.0;
        out.printf(Locale.ROOT, "[%6.1fs] %-90s | %s%n", seconds, line, state());
        out.flush();
    }

    private String state() {
        long ready = client.nodes().list().getItems().stream().filter(DemoTimeline::ready).count();
        long pending = client.pods().inAnyNamespace().list().getItems().stream()
                .filter(p -> p.getSpec().getNodeName() == null).count();
        return DemoWorld.GROUP + " " + ready + " ready node(s), " + pending + " pending pod(s)";
    }

    static boolean ready(Node n) {
        return n.getStatus() != null && n.getStatus().getConditions() != null && n.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    int nodesCreated() {
        return nodesCreated.size();
    }

    int nodesDeleted() {
        return nodesDeleted.size();
    }

    boolean pdbHeldANode() {
        return !heldByPdbEver.isEmpty();
    }

    Duration longestPending() {
        return longestPending;
    }

    Duration elapsed() {
        return Duration.between(start, clock.instant());
    }
}
