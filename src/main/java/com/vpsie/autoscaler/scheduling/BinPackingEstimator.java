package com.vpsie.autoscaler.scheduling;

import com.vpsie.autoscaler.model.PodInfo;
import com.vpsie.autoscaler.model.Resources;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How many nodes of one template the given pods need: first-fit decreasing bin-packing with the full
 * predicates, never more than {@code maxNewNodes}. The cluster is left exactly as it was found.
 */
public final class BinPackingEstimator {

    private BinPackingEstimator() {
    }

    /** Why a pod got no place on the template: a predicate, or no more nodes allowed. */
    public record Misfit(Unfit unfit, boolean maxSizeReached) {
        public String message() {
            return maxSizeReached ? "no more new nodes allowed" : unfit.message();
        }
    }

    /** The outcome: {@code nodeCount} new nodes hold {@code placed}; {@code misfits} got no place. */
    public record Estimate(int nodeCount, List<PodInfo> placed, Map<PodInfo, Misfit> misfits) {
        public Resources placedRequests() {
            Resources sum = Resources.ZERO;
            for (PodInfo p : placed) {
                sum = sum.plus(p.requests());
            }
            return sum;
        }
    }

    public static Estimate estimate(SimulatedCluster cluster, NodeTemplate template, List<PodInfo> pods,
                                    int maxNewNodes) {
        SimNode probe = template.probe();
        List<PodInfo> ordered = largestFirst(pods, template.allocatable());

        FirstFit firstFit = new FirstFit(cluster);
        List<SimNode> newNodes = new ArrayList<>();
        List<SimulatedCluster.Placement> placements = new ArrayList<>();
        Map<PodInfo, Misfit> misfits = new LinkedHashMap<>();
        try {
            for (PodInfo pod : ordered) {
                Unfit shape = Predicates.checkShape(pod, probe);
                if (shape == null) {
                    shape = probe.resourceMisfit(pod.requests());
                }
                if (shape != null) {
                    misfits.put(pod, new Misfit(shape, false));
                    continue;
                }
                SimNode node = firstFit.find(pod, newNodes);
                if (node == null) {
                    if (newNodes.size() >= maxNewNodes) {
                        misfits.put(pod, new Misfit(null, true));
                        continue;
                    }
                    node = template.addTo(cluster, newNodeName(template, newNodes.size() + 1), NodeRole.ESTIMATED);
                    Unfit unfit = Predicates.check(pod, node, cluster);
                    if (unfit != null) {
                        // even a fresh node cannot take it (inter-pod rules): do not keep the node
                        template.dropFrom(cluster, node);
                        misfits.put(pod, new Misfit(unfit, false));
                        continue;
                    }
                    newNodes.add(node);
                }
                cluster.place(pod, node);
                placements.add(new SimulatedCluster.Placement(pod, node));
            }
            List<PodInfo> placed = new ArrayList<>(placements.size());
            for (SimulatedCluster.Placement p : placements) {
                placed.add(p.pod());
            }
            return new Estimate(newNodes.size(), placed, misfits);
        } finally {
            for (int i = placements.size() - 1; i >= 0; i--) {
                cluster.unplace(placements.get(i).pod(), placements.get(i).node());
            }
            for (int i = newNodes.size() - 1; i >= 0; i--) {
                template.dropFrom(cluster, newNodes.get(i));
            }
        }
    }

    static String newNodeName(NodeTemplate template, int index) {
        // parentheses make it an invalid Kubernetes name, so it can never collide with a real node
        return "(new " + template.group() + "/" + template.offeringId() + " #" + index + ")";
    }

    /**
     * The pods ordered by decreasing larger-of-cpu-and-memory share of {@code allocatable}, then by
     * namespace and name for a stable order. Shares are computed once per pod, not per comparison.
     */
    public static List<PodInfo> largestFirst(List<PodInfo> pods, Resources allocatable) {
        record Sized(PodInfo pod, double share) {
        }
        List<Sized> sized = new ArrayList<>(pods.size());
        for (PodInfo p : pods) {
            sized.add(new Sized(p, dominantShare(p.requests(), allocatable)));
        }
        sized.sort(Comparator.comparingDouble((Sized s) -> -s.share())
                .thenComparing(s -> s.pod().namespace()).thenComparing(s -> s.pod().name()));
        List<PodInfo> ordered = new ArrayList<>(sized.size());
        for (Sized s : sized) {
            ordered.add(s.pod());
        }
        return ordered;
    }

    private static double dominantShare(Resources req, Resources alloc) {
        double cpu = alloc.cpuMillis() > 0 ? (double) req.cpuMillis() / alloc.cpuMillis() : 0;
        double mem = alloc.memoryBytes() > 0 ? (double) req.memoryBytes() / alloc.memoryBytes() : 0;
        return Math.max(cpu, mem);
    }
}
