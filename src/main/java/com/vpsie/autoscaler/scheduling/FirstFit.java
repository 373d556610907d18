package com.vpsie.autoscaler.scheduling;

import com.vpsie.autoscaler.model.PodInfo;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * First-fit search over one ordered list of candidate nodes. While pods are only added to the
 * candidates, a node that rejected a pod rejects every pod equivalent to it, so each equivalence class
 * resumes where the last search of its class stopped: placing thousands of replicas costs about one
 * pass over the nodes instead of one pass per replica. Use one instance per candidate list, and call
 * {@link #forgetHints()} after anything leaves a candidate (an undo).
 */
public final class FirstFit {

    private final SimulatedCluster cluster;
    private final Map<EquivalenceKey, Integer> resumeAt = new HashMap<>();

    public FirstFit(SimulatedCluster cluster) {
        this.cluster = cluster;
    }

    /** The first candidate the pod fits on now, or null. Places nothing. */
    public SimNode find(PodInfo pod, List<SimNode> candidates) {
        EquivalenceKey key = EquivalenceKey.of(pod);
        int start = key == null ? 0 : resumeAt.getOrDefault(key, 0);
        Predicates.InterPodContext context = pod.hasInterPodConstraints()
                ? Predicates.InterPodContext.of(pod, cluster) : null;
        for (int i = start; i < candidates.size(); i++) {
            SimNode node = candidates.get(i);
            if (Predicates.checkNode(pod, node) == null
                    && Predicates.checkInterPod(pod, node, cluster, context) == null) {
                if (key != null) {
                    resumeAt.put(key, i);
                }
                return node;
            }
        }
        if (key != null) {
            resumeAt.put(key, candidates.size());
        }
        return null;
    }

    public void forgetHints() {
        resumeAt.clear();
    }
}
