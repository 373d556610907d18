package com.vpsie.autoscaler.scaledown;

import com.vpsie.autoscaler.model.ClusterSnapshot;
import com.vpsie.autoscaler.model.NodeGroupInfo;
import com.vpsie.autoscaler.model.NodeInfo;
import com.vpsie.autoscaler.model.PodInfo;
import com.vpsie.autoscaler.model.ScaleDownPolicy;
import com.vpsie.autoscaler.model.WellKnown;
import com.vpsie.autoscaler.plan.NodeReason;
import com.vpsie.autoscaler.plan.Plan;
import com.vpsie.autoscaler.plan.PlannerSettings;
import com.vpsie.autoscaler.scheduling.BinPackingEstimator;
import com.vpsie.autoscaler.scheduling.FirstFit;
import com.vpsie.autoscaler.scheduling.NodeRole;
import com.vpsie.autoscaler.scheduling.SimNode;
import com.vpsie.autoscaler.scheduling.SimulatedCluster;
import com.vpsie.autoscaler.utilization.NodeUtilization;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the nodes that can go. Candidates are taken in ascending utilization; each is simulated with
 * the earlier ones already gone: their pods placed elsewhere, their PDB budget spent, their group
 * smaller. Timers (unneeded time, cooldowns) are the caller's business: this is one pass as if all elapsed.
 */
public final class ScaleDownPlanner {

    private ScaleDownPlanner() {
    }

    public record Result(List<Plan.ScaleDown> scaleDown, List<Plan.Unremovable> unremovable) {
    }

    private record Candidate(SimNode node, NodeGroupInfo group, NodeUtilization utilization) {
    }

    /** Either the node stays ({@code kept}) or it goes, {@code empty} when nothing had to move. */
    private record Verdict(Plan.Unremovable kept, boolean empty) {
        static Verdict keep(Candidate c, String reason, PodInfo pod, String podReason) {
            return new Verdict(new Plan.Unremovable(c.node().name(), c.group().name(), reason,
                    pod == null ? null : pod.key(), podReason), false);
        }
    }

    /**
     * Plans on {@code cluster}, where pending pods that fit existing nodes are already placed (so nodes they
     * are about to land on look as busy as they will be). Moves pods in the cluster as it decides.
     */
    public static Result plan(ClusterSnapshot snapshot, SimulatedCluster cluster, PlannerSettings settings,
                              java.util.Set<String> groupsScalingUp, java.time.Instant now) {
        List<Plan.Unremovable> unremovable = new ArrayList<>();
        List<Candidate> candidates = new ArrayList<>();
        List<NodeInfo> nodes = new ArrayList<>(snapshot.nodes());
        nodes.sort(Comparator.comparing(NodeInfo::name));
        for (NodeInfo info : nodes) {
            SimNode node = cluster.node(info.name());
            NodeGroupInfo group = info.nodeGroup() == null ? null : snapshot.nodeGroups().get(info.nodeGroup());
            String reason = precheck(info, node, group);
            if (reason == null) {
                NodeUtilization utilization = utilization(node, settings);
                if (!group.deleting() && !underutilized(utilization, group.scaleDownPolicy())) {
                    reason = NodeReason.NOT_UNDERUTILIZED;
                } else if (!group.deleting() && groupsScalingUp.contains(group.name())) {
                    reason = NodeReason.NODE_GROUP_SCALING_UP;
                } else {
                    candidates.add(new Candidate(node, group, utilization));
                    continue;
                }
            }
            unremovable.add(new Plan.Unremovable(info.name(), group == null ? null : group.name(), reason, null, null));
        }
        candidates.sort(Comparator.comparingDouble((Candidate c) -> c.utilization().max())
                .thenComparing(c -> c.node().name()));

        Map<String, Integer> groupSize = new HashMap<>();
        for (NodeGroupInfo g : snapshot.nodeGroups().values()) {
            groupSize.put(g.name(), Math.max(g.desiredNodes(), snapshot.nodesOf(g.name()).size()));
        }
        List<SimNode> destinations = new ArrayList<>();
        for (SimNode n : cluster.nodes()) {
            // upcoming and booting nodes are not counted on to take evicted pods
            if (n.role() == NodeRole.READY) {
                destinations.add(n);
            }
        }
        PdbBudget budget = new PdbBudget(snapshot.pdbs());
        DrainRules.Policy policy = DrainRules.Policy.of(settings, now);
        FirstFit firstFit = new FirstFit(cluster);
        List<Plan.ScaleDown> scaleDown = new ArrayList<>();
        for (Candidate c : candidates) {
            Verdict verdict = tryRemove(c, cluster, destinations, budget, policy, firstFit, groupSize, settings);
            if (verdict.kept() != null) {
                unremovable.add(verdict.kept());
            } else {
                groupSize.merge(c.group().name(), -1, Integer::sum);
                scaleDown.add(new Plan.ScaleDown(c.node().name(), c.group().name(),
                        verdict.empty() ? Plan.ScaleDownKind.Empty : Plan.ScaleDownKind.Underutilized));
            }
        }
        unremovable.sort(Comparator.comparing(Plan.Unremovable::node));
        return new Result(scaleDown, unremovable);
    }

    /** Reasons that need no simulation, in cluster-autoscaler's order; null when the node may be a candidate. */
    private static String precheck(NodeInfo info, SimNode node, NodeGroupInfo group) {
        if (group == null) {
            return NodeReason.NOT_AUTOSCALED;
        }
        if (info.markedForDeletion() || info.deleting()) {
            return NodeReason.CURRENTLY_BEING_DELETED;
        }
        if ("true".equals(info.annotations().get(WellKnown.CA_SCALE_DOWN_DISABLED_ANNOTATION))
                || "true".equals(info.annotations().get(WellKnown.PROTECTED_ANNOTATION))
                || "true".equals(info.labels().get(WellKnown.SCALE_DOWN_DISABLED_LABEL))) {
            return NodeReason.SCALE_DOWN_DISABLED_ANNOTATION;
        }
        if (!group.scaleDownPolicy().enabled() && !group.deleting()) {
            return NodeReason.SCALE_DOWN_DISABLED;
        }
        // a Ready node whose startup taint is not yet removed is booting for scale-up, but may go like any other
        if (node.role() == NodeRole.BOOTING && !info.ready()) {
            return NodeReason.NOT_UNREADY_LONG_ENOUGH;
        }
        return null;
    }

    private static Verdict tryRemove(Candidate c, SimulatedCluster cluster, List<SimNode> destinations,
                                     PdbBudget budget, DrainRules.Policy policy, FirstFit firstFit,
                                     Map<String, Integer> groupSize, PlannerSettings settings) {
        boolean deleting = c.group().deleting();
        // earlier removals may have moved pods here
        if (!deleting && !underutilized(utilization(c.node(), settings), c.group().scaleDownPolicy())) {
            return Verdict.keep(c, NodeReason.NOT_UNDERUTILIZED, null, null);
        }
        if (groupSize.get(c.group().name()) - 1 < c.group().effectiveMinNodes()) {
            return Verdict.keep(c, NodeReason.NODE_GROUP_MIN_SIZE_REACHED, null, null);
        }
        List<PodInfo> toMove = new ArrayList<>();
        List<PodInfo> toEvict = new ArrayList<>();
        PdbBudget.Tally tally = budget.tally();
        // pod by pod, the PDB rule last, as cluster-autoscaler does: the first pod any rule blocks is the one named
        for (PodInfo pod : c.node().pods()) {
            if (pod.nodeName() == null) {
                toMove.add(pod); // pending pod the simulation put here: it needs a place, not an eviction
                continue;
            }
            DrainRules.Decision decision = DrainRules.decide(pod, budget, policy);
            if (decision.blocks()) {
                return Verdict.keep(c, NodeReason.BLOCKED_BY_POD, pod, decision.reason().word());
            }
            if (decision.needsPlace()) {
                PdbBudget.Outcome pdb = tally.add(pod);
                if (!pdb.granted()) {
                    return Verdict.keep(c, NodeReason.BLOCKED_BY_POD, pdb.pod(), pdb.reason().word());
                }
                toMove.add(pod);
                toEvict.add(pod);
            }
        }
        cluster.removeLeavingGhost(c.node());
        List<SimulatedCluster.Placement> moved = new ArrayList<>();
        for (PodInfo pod : BinPackingEstimator.largestFirst(toMove, c.node().allocatable())) {
            SimNode target = firstFit.find(pod, destinations);
            if (target == null && deleting) {
                // the group's owner asked for its nodes to go: a pod with no room left waits as a pending pod
                // (and may scale up another group), as it would after a manual drain
                continue;
            }
            if (target == null) {
                for (int i = moved.size() - 1; i >= 0; i--) {
                    cluster.unplace(moved.get(i).pod(), moved.get(i).node());
                }
                cluster.setRemoved(c.node(), false);
                firstFit.forgetHints(); // nodes got room back; resume points are stale
                return Verdict.keep(c, NodeReason.NO_PLACE_TO_MOVE_PODS, pod, null);
            }
            cluster.place(pod, target);
            moved.add(new SimulatedCluster.Placement(pod, target));
        }
        budget.tryConsume(toEvict);
        cluster.setRemoved(c.node(), true); // decided: the ghost goes, as the node will
        return new Verdict(null, toMove.isEmpty());
    }

    private static NodeUtilization utilization(SimNode node, PlannerSettings settings) {
        return NodeUtilization.of(node.source(), node.pods(), settings.ignoreDaemonSetUtilization(),
                settings.ignoreMirrorPodUtilization());
    }

    /** Below both thresholds (percent of allocatable). */
    static boolean underutilized(NodeUtilization u, ScaleDownPolicy policy) {
        return u.cpuFraction() * 100 < policy.cpuThresholdPercent()
                && u.memoryFraction() * 100 < policy.memoryThresholdPercent();
    }
}
