package com.vpsie.autoscaler.scaledown;

import com.vpsie.autoscaler.model.ClusterSnapshot;
import com.vpsie.autoscaler.model.NodeGroupInfo;
import com.vpsie.autoscaler.model.NodeInfo;
import com.vpsie.autoscaler.model.NodeUsage;
import com.vpsie.autoscaler.model.PodInfo;
import com.vpsie.autoscaler.model.ScaleDownPolicy;
import com.vpsie.autoscaler.model.UtilizationSource;
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
import com.vpsie.autoscaler.utilization.UsageRule;
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

    /** {@code podsAtStart}: how many pods the node had when judged, so pods moved onto it later are noticed. */
    private record Candidate(SimNode node, NodeGroupInfo group, Judgement judgement, int podsAtStart) {
    }

    /**
     * How a node was judged by its group's signal: underutilized or not, the figure candidates are ordered by,
     * whether measured usage decided (rather than requests), and the usage the plan shows (null for requests).
     */
    record Judgement(boolean underutilized, double order, boolean byUsage, Plan.Usage usage) {
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
                Judgement judgement = judge(utilization(node, settings), group.scaleDownPolicy(),
                        snapshot.usageOf(info.name()), now);
                if (!group.deleting() && !judgement.underutilized()) {
                    reason = NodeReason.NOT_UNDERUTILIZED;
                } else if (!group.deleting() && groupsScalingUp.contains(group.name())) {
                    reason = NodeReason.NODE_GROUP_SCALING_UP;
                } else {
                    candidates.add(new Candidate(node, group, judgement, node.pods().size()));
                    continue;
                }
            }
            unremovable.add(new Plan.Unremovable(info.name(), group == null ? null : group.name(), reason, null, null));
        }
        candidates.sort(Comparator.comparingDouble((Candidate c) -> c.judgement().order())
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
                        verdict.empty() ? Plan.ScaleDownKind.Empty : Plan.ScaleDownKind.Underutilized,
                        c.judgement().usage()));
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
        // earlier removals may have moved pods here; measured usage cannot tell how busy they will make it
        boolean stillUnderutilized = deleting || (c.judgement().byUsage()
                ? c.node().pods().size() <= c.podsAtStart()
                : underutilized(utilization(c.node(), settings), c.group().scaleDownPolicy()));
        if (!stillUnderutilized) {
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
        return policy.belowThresholds(u.cpuFraction(), u.memoryFraction());
    }

    /**
     * Judges a node by its group's {@code utilizationSource}. Without fresh usage (no samples, or none younger
     * than {@link UsageRule#MAX_SAMPLE_AGE}) a group that judges by usage falls back to requests, so removals that
     * only usage would allow wait until measurements return. {@code both} needs requests and usage to agree.
     */
    static Judgement judge(NodeUtilization requests, ScaleDownPolicy policy, NodeUsage usage,
                           java.time.Instant now) {
        boolean byRequests = underutilized(requests, policy);
        if (policy.utilizationSource() == UtilizationSource.REQUESTS) {
            return new Judgement(byRequests, requests.max(), false, null);
        }
        UsageRule.Verdict v = UsageRule.judge(usage, policy, now);
        Plan.Usage shown = new Plan.Usage(stateWord(v.state()), v.samples(), v.samplesBelow(), v.cpuFraction(),
                v.memoryFraction());
        if (!v.state().fresh()) {
            return new Judgement(byRequests, requests.max(), false, shown);
        }
        if (policy.utilizationSource() == UtilizationSource.USAGE) {
            return new Judgement(v.underutilized(), Math.max(v.cpuFraction(), v.memoryFraction()), true, shown);
        }
        return new Judgement(byRequests && v.underutilized(), requests.max(), false, shown);
    }

    private static String stateWord(UsageRule.State state) {
        return switch (state) {
            case UNDERUTILIZED -> "Underutilized";
            case BUSY -> "Busy";
            case NO_SAMPLES -> "NoSamples";
            case STALE -> "Stale";
        };
    }
}
