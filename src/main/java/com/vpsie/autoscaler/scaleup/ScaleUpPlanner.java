package com.vpsie.autoscaler.scaleup;

import com.vpsie.autoscaler.model.ClusterSnapshot;
import com.vpsie.autoscaler.model.NodeGroupInfo;
import com.vpsie.autoscaler.model.PodInfo;
import com.vpsie.autoscaler.model.WellKnown;
import com.vpsie.autoscaler.plan.NoScaleUpReason;
import com.vpsie.autoscaler.plan.Plan;
import com.vpsie.autoscaler.plan.PlannerSettings;
import com.vpsie.autoscaler.scaleup.expander.ExpanderChain;
import com.vpsie.autoscaler.scheduling.BinPackingEstimator;
import com.vpsie.autoscaler.scheduling.FirstFit;
import com.vpsie.autoscaler.scheduling.NodeRole;
import com.vpsie.autoscaler.scheduling.NodeTemplate;
import com.vpsie.autoscaler.scheduling.SimNode;
import com.vpsie.autoscaler.scheduling.SimulatedCluster;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Decides which groups grow, and by how much, for the pods that cannot be scheduled. Pods that fit
 * free room on existing or upcoming nodes are placed there first (in the simulation), so a booting
 * node never causes a second scale-up; the rest are bin-packed onto each group's template and an
 * expander picks the group, round after round, until no group can take more.
 */
public final class ScaleUpPlanner {

    private ScaleUpPlanner() {
    }

    public record Result(List<Plan.ScaleUp> scaleUps, List<Plan.NoScaleUp> noScaleUp) {
    }

    /**
     * Plans scale-up on {@code cluster}, which holds the registered nodes and their pods. Leaves the
     * pending pods that fit existing and upcoming nodes placed there (scale-down must see them), and
     * the upcoming nodes added.
     */
    public static Result plan(ClusterSnapshot snapshot, SimulatedCluster cluster, PlannerSettings settings) {
        List<Plan.NoScaleUp> noScaleUp = new ArrayList<>();
        List<PodInfo> pending = pendingPods(snapshot, settings, noScaleUp);
        Map<String, Map<String, NodeTemplates.Result>> templates = buildTemplates(snapshot, settings);
        addUpcomingNodes(snapshot, cluster, templates);

        List<PodInfo> remaining = placeOn(cluster, pending, NodeRole.READY, noScaleUp);
        remaining = placeOn(cluster, remaining, NodeRole.BOOTING, noScaleUp);

        List<Plan.ScaleUp> scaleUps = remaining.isEmpty() ? List.of()
                : growGroups(snapshot, cluster, templates, remaining, settings, noScaleUp);
        return new Result(scaleUps, noScaleUp);
    }

    private static List<PodInfo> pendingPods(ClusterSnapshot snapshot, PlannerSettings settings,
                                             List<Plan.NoScaleUp> noScaleUp) {
        List<PodInfo> pending = new ArrayList<>();
        for (PodInfo pod : snapshot.pods()) {
            if (pod.nodeName() != null || !pod.unschedulable() || pod.deleting() || pod.isTerminal()) {
                continue;
            }
            if (pod.priority() < WellKnown.EXPENDABLE_PRIORITY_CUTOFF) {
                noScaleUp.add(new Plan.NoScaleUp(pod.key(), NoScaleUpReason.EXPENDABLE_POD,
                        "priority " + pod.priority() + " is below " + WellKnown.EXPENDABLE_PRIORITY_CUTOFF));
                continue;
            }
            pending.add(pod);
        }
        // the scheduler's queue order: higher priority first, then older first
        pending.sort(Comparator.comparingInt(PodInfo::priority).reversed()
                .thenComparing(PodInfo::creationTimestamp, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(PodInfo::namespace).thenComparing(PodInfo::name));
        return pending;
    }

    private static Map<String, Map<String, NodeTemplates.Result>> buildTemplates(ClusterSnapshot snapshot,
                                                                               PlannerSettings settings) {
        Map<String, Map<String, NodeTemplates.Result>> templates = new TreeMap<>();
        for (NodeGroupInfo group : snapshot.nodeGroups().values()) {
            Map<String, NodeTemplates.Result> byOffering = new LinkedHashMap<>();
            for (String offering : group.candidateOfferings()) {
                byOffering.put(offering, NodeTemplates.forGroup(snapshot, group, offering, settings));
            }
            templates.put(group.name(), byOffering);
        }
        return templates;
    }

    /**
     * A group whose desired size exceeds its registered nodes has that many nodes on the way, each of the offering
     * it was asked for in when the group says so (else of its first offering), so a pod planned onto a large node
     * that is booting does not ask for another.
     */
    private static void addUpcomingNodes(ClusterSnapshot snapshot, SimulatedCluster cluster,
                                         Map<String, Map<String, NodeTemplates.Result>> templates) {
        for (NodeGroupInfo group : new TreeMap<>(snapshot.nodeGroups()).values()) {
            int missing = group.desiredNodes() - snapshot.sizedNodesOf(group.name());
            Map<String, NodeTemplates.Result> byOffering = templates.get(group.name());
            Optional<NodeTemplate> first = byOffering.values().stream()
                    .map(NodeTemplates.Result::template).filter(t -> t != null).findFirst();
            if (missing <= 0 || first.isEmpty()) {
                continue;
            }
            for (int i = 1; i <= missing; i++) {
                NodeTemplate template = first.get();
                if (i <= group.upcomingOfferings().size()) {
                    NodeTemplates.Result chosen = byOffering.get(group.upcomingOfferings().get(i - 1));
                    if (chosen != null && chosen.template() != null) {
                        template = chosen.template();
                    }
                }
                // parentheses make it an invalid Kubernetes name, so it never collides with a real node
                template.addTo(cluster, "(upcoming " + group.name() + " #" + i + ")", NodeRole.UPCOMING);
            }
        }
    }

    /**
     * Places what fits on READY nodes, or (for {@code BOOTING}) on booting and upcoming ones, and
     * returns the pods left over.
     */
    private static List<PodInfo> placeOn(SimulatedCluster cluster, List<PodInfo> pods, NodeRole role,
                                         List<Plan.NoScaleUp> noScaleUp) {
        if (pods.isEmpty()) {
            return pods;
        }
        List<SimNode> candidates = new ArrayList<>();
        for (SimNode n : cluster.nodes()) {
            boolean wanted = role == NodeRole.READY ? n.role() == NodeRole.READY
                    : n.role() == NodeRole.BOOTING || n.role() == NodeRole.UPCOMING;
            if (wanted) {
                candidates.add(n);
            }
        }
        FirstFit firstFit = new FirstFit(cluster);
        List<PodInfo> left = new ArrayList<>();
        for (PodInfo pod : pods) {
            SimNode node = firstFit.find(pod, candidates);
            if (node == null) {
                left.add(pod);
                continue;
            }
            cluster.place(pod, node);
            if (role == NodeRole.READY) {
                noScaleUp.add(new Plan.NoScaleUp(pod.key(), NoScaleUpReason.SCHEDULABLE_ON_EXISTING_NODE,
                        "fits on node " + node.name()));
            } else {
                String where = node.role() == NodeRole.BOOTING ? "booting node " + node.name()
                        : "a node of group " + node.group() + " already requested";
                noScaleUp.add(new Plan.NoScaleUp(pod.key(), NoScaleUpReason.WAITING_FOR_UPCOMING_NODE,
                        "fits on " + where));
            }
        }
        return left;
    }

    private static List<Plan.ScaleUp> growGroups(ClusterSnapshot snapshot, SimulatedCluster cluster,
                                                 Map<String, Map<String, NodeTemplates.Result>> templates,
                                                 List<PodInfo> pods, PlannerSettings settings,
                                                 List<Plan.NoScaleUp> noScaleUp) {
        Map<String, Integer> headroom = new HashMap<>();
        for (NodeGroupInfo group : snapshot.nodeGroups().values()) {
            int size = Math.max(group.desiredNodes(), snapshot.sizedNodesOf(group.name()));
            // one pass never adds more than maxNodesPerScaleUp to a group, however many rounds pick it
            headroom.put(group.name(), Math.max(0, Math.min(group.maxNodes() - size, settings.maxNodesPerScaleUp())));
        }
        ExpanderChain expander = ExpanderChain.from(settings);
        Set<PodInfo> remaining = new LinkedHashSet<>(pods);
        Map<String, Plan.ScaleUp> chosen = new LinkedHashMap<>();
        Map<PodInfo, List<String>> whyNot = new HashMap<>();
        Set<PodInfo> blockedByMaxSize = new LinkedHashSet<>();
        while (!remaining.isEmpty()) {
            whyNot.clear();
            blockedByMaxSize.clear();
            List<ScaleUpOption> options = new ArrayList<>();
            List<PodInfo> round = new ArrayList<>(remaining);
            for (Map.Entry<String, Map<String, NodeTemplates.Result>> byGroup : templates.entrySet()) {
                NodeGroupInfo group = snapshot.nodeGroups().get(byGroup.getKey());
                if (!group.scaleUpEnabled()) {
                    round.forEach(p -> whyNot.computeIfAbsent(p, k -> new ArrayList<>())
                            .add(group.name() + ": scale-up disabled"));
                    continue;
                }
                for (Map.Entry<String, NodeTemplates.Result> byOffering : byGroup.getValue().entrySet()) {
                    String label = group.name() + "/" + byOffering.getKey();
                    Instant outOfCapacity = snapshot.unavailableUntil(group.name(), byOffering.getKey());
                    if (outOfCapacity != null) {
                        // the cloud refused this size for lack of capacity: choosing it again would be refused too
                        round.forEach(p -> whyNot.computeIfAbsent(p, k -> new ArrayList<>())
                                .add(label + ": out of capacity in its datacenter until " + outOfCapacity));
                        continue;
                    }
                    NodeTemplate template = byOffering.getValue().template();
                    if (template == null) {
                        round.forEach(p -> whyNot.computeIfAbsent(p, k -> new ArrayList<>())
                                .add(label + ": " + byOffering.getValue().problem()));
                        continue;
                    }
                    BinPackingEstimator.Estimate estimate = BinPackingEstimator.estimate(cluster, template, round,
                            headroom.get(group.name()));
                    String full = capReachedFirst(snapshot, group, settings)
                            ? "max nodes per scale-up reached (" + settings.maxNodesPerScaleUp() + ")"
                            : "max size reached (" + group.maxNodes() + ")";
                    estimate.misfits().forEach((pod, misfit) -> {
                        whyNot.computeIfAbsent(pod, k -> new ArrayList<>())
                                .add(label + ": " + (misfit.maxSizeReached() ? full : misfit.message()));
                        if (misfit.maxSizeReached()) {
                            blockedByMaxSize.add(pod);
                        }
                    });
                    if (estimate.nodeCount() > 0) {
                        options.add(new ScaleUpOption(group, template.offeringId(), estimate.nodeCount(),
                                estimate.placed(), template.allocatable(), estimate.placedRequests(),
                                template.pricePerHour()));
                    }
                }
            }
            Optional<ScaleUpOption> best = expander.choose(options);
            if (best.isEmpty()) {
                break;
            }
            ScaleUpOption option = best.get();
            headroom.merge(option.groupName(), -option.nodeCount(), Integer::sum);
            option.pods().forEach(remaining::remove);
            chosen.merge(option.groupName() + "/" + option.offeringId(),
                    new Plan.ScaleUp(option.groupName(), option.offeringId(), option.nodeCount(), keys(option.pods())),
                    (a, b) -> new Plan.ScaleUp(a.nodeGroup(), a.offering(), a.count() + b.count(),
                            concat(a.pods(), b.pods())));
        }
        for (PodInfo pod : remaining) {
            List<String> reasons = whyNot.getOrDefault(pod, List.of());
            String reason = snapshot.nodeGroups().isEmpty() ? NoScaleUpReason.NO_NODE_GROUPS
                    : blockedByMaxSize.contains(pod) ? NoScaleUpReason.NODE_GROUP_MAX_SIZE_REACHED
                    : NoScaleUpReason.NO_NODE_GROUP_FITS;
            String message = reasons.isEmpty() ? "there are no NodeGroups" : String.join("; ", reasons);
            noScaleUp.add(new Plan.NoScaleUp(pod.key(), reason, message));
        }
        return new ArrayList<>(chosen.values());
    }

    /** Whether the per-pass cap, not maxNodes, is what limits this group. */
    private static boolean capReachedFirst(ClusterSnapshot snapshot, NodeGroupInfo group, PlannerSettings settings) {
        int size = Math.max(group.desiredNodes(), snapshot.sizedNodesOf(group.name()));
        return group.maxNodes() - size > settings.maxNodesPerScaleUp();
    }

    private static List<String> keys(List<PodInfo> pods) {
        List<String> keys = new ArrayList<>(pods.size());
        for (PodInfo p : pods) {
            keys.add(p.key());
        }
        keys.sort(null);
        return keys;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        all.sort(null);
        return all;
    }
}
