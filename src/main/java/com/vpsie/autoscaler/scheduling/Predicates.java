package com.vpsie.autoscaler.scheduling;

import com.vpsie.autoscaler.model.HostPort;
import com.vpsie.autoscaler.model.NodeSelectorTerm;
import com.vpsie.autoscaler.model.PodAffinityTerm;
import com.vpsie.autoscaler.model.PodInfo;
import com.vpsie.autoscaler.model.Taint;
import com.vpsie.autoscaler.model.TaintEffect;
import com.vpsie.autoscaler.model.Toleration;
import com.vpsie.autoscaler.model.TopologySpreadConstraint;
import com.vpsie.autoscaler.model.WellKnown;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * kube-scheduler's filter plugins, as far as an autoscaler needs them: node state, node selector and
 * required node affinity, taints, resources, host ports, required inter-pod (anti-)affinity and
 * DoNotSchedule topology spread. Cheap checks run first.
 */
public final class Predicates {

    private static final Taint UNSCHEDULABLE_TAINT =
            new Taint("node.kubernetes.io/unschedulable", "", TaintEffect.NO_SCHEDULE);

    private Predicates() {
    }

    /** Why {@code pod} cannot go on {@code node} in {@code cluster} now, or null when it fits. */
    public static Unfit check(PodInfo pod, SimNode node, SimulatedCluster cluster) {
        Unfit unfit = checkNode(pod, node);
        if (unfit != null) {
            return unfit;
        }
        return checkInterPod(pod, node, cluster, null);
    }

    /** Everything that depends only on the node and its own pods, not on the rest of the cluster. */
    public static Unfit checkNode(PodInfo pod, SimNode node) {
        Unfit state = checkNodeState(pod, node);
        if (state != null) {
            return state;
        }
        // resources first: a few comparisons reject most full nodes before any label lookup
        Unfit resources = node.resourceMisfit(pod.requests());
        if (resources != null) {
            return resources;
        }
        Unfit shape = checkShape(pod, node);
        if (shape != null) {
            return shape;
        }
        return hostPortsFree(pod, node) ? null : Unfit.HOST_PORT;
    }

    static Unfit checkNodeState(PodInfo pod, SimNode node) {
        if (node.removed() || node.markedForDeletion()) {
            return Unfit.NODE_BEING_DELETED;
        }
        if (node.role() == NodeRole.BROKEN) {
            return Unfit.NODE_NOT_READY;
        }
        if (node.cordoned() && !tolerates(pod.tolerations(), UNSCHEDULABLE_TAINT)) {
            return Unfit.NODE_UNSCHEDULABLE;
        }
        return null;
    }

    /** Selector, affinity and taints: what an empty node of this shape would answer too. */
    public static Unfit checkShape(PodInfo pod, SimNode node) {
        if (!matchesNodeSelector(pod, node.name(), node.labels())) {
            return Unfit.NODE_SELECTOR;
        }
        for (Taint t : node.hardTaints()) {
            if (!tolerates(pod.tolerations(), t)) {
                return Unfit.TAINT;
            }
        }
        return null;
    }

    public static boolean matchesNodeSelector(PodInfo pod, String nodeName, Map<String, String> nodeLabels) {
        for (Map.Entry<String, String> e : pod.nodeSelector().entrySet()) {
            if (!e.getValue().equals(nodeLabels.get(e.getKey()))) {
                return false;
            }
        }
        List<NodeSelectorTerm> terms = pod.requiredNodeAffinity();
        if (terms.isEmpty()) {
            return true;
        }
        for (NodeSelectorTerm term : terms) {
            if (term.matches(nodeName, nodeLabels)) {
                return true;
            }
        }
        return false;
    }

    public static boolean tolerates(List<Toleration> tolerations, Taint taint) {
        for (Toleration t : tolerations) {
            if (t.tolerates(taint)) {
                return true;
            }
        }
        return false;
    }

    static boolean hostPortsFree(PodInfo pod, SimNode node) {
        if (pod.hostPorts().isEmpty()) {
            return true;
        }
        for (HostPort wanted : pod.hostPorts()) {
            for (HostPort used : node.hostPorts()) {
                if (wanted.conflictsWith(used)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Inter-pod affinity, anti-affinity (both directions) and topology spread. {@code context} caches
     * cluster-wide figures for one pod while the cluster does not change; pass null to compute them.
     */
    static Unfit checkInterPod(PodInfo pod, SimNode node, SimulatedCluster cluster, InterPodContext context) {
        for (Map.Entry<String, Map<String, List<SimulatedCluster.Placement>>> byKey
                : cluster.antiAffinityByDomain().entrySet()) {
            String domain = node.labels().get(byKey.getKey());
            List<SimulatedCluster.Placement> placed = domain == null ? null : byKey.getValue().get(domain);
            if (placed == null) {
                continue;
            }
            for (SimulatedCluster.Placement existing : placed) {
                if (existing.node().removed()) {
                    continue;
                }
                for (PodAffinityTerm term : existing.pod().requiredAntiAffinity()) {
                    if (term.topologyKey().equals(byKey.getKey())
                            && term.selects(existing.pod().namespace(), pod.namespace(), pod.labels())) {
                        return Unfit.EXISTING_POD_ANTI_AFFINITY;
                    }
                }
            }
        }
        if (!pod.hasInterPodConstraints()) {
            return null;
        }
        InterPodContext ctx = context != null ? context : InterPodContext.of(pod, cluster);
        for (PodAffinityTerm term : pod.requiredAntiAffinity()) {
            if (node.labels().get(term.topologyKey()) == null) {
                continue; // a node outside every domain cannot violate anti-affinity
            }
            if (countInDomain(cluster, node, term, pod) > 0) {
                return Unfit.POD_ANTI_AFFINITY;
            }
        }
        for (int i = 0; i < pod.requiredAffinity().size(); i++) {
            PodAffinityTerm term = pod.requiredAffinity().get(i);
            if (node.labels().get(term.topologyKey()) == null) {
                return Unfit.POD_AFFINITY;
            }
            if (countInDomain(cluster, node, term, pod) == 0 && !ctx.firstOfItsKind(i)) {
                return Unfit.POD_AFFINITY;
            }
        }
        for (int i = 0; i < pod.topologySpread().size(); i++) {
            TopologySpreadConstraint c = pod.topologySpread().get(i);
            String domain = node.labels().get(c.topologyKey());
            if (domain == null) {
                return Unfit.TOPOLOGY_SPREAD;
            }
            int here = ctx.spreadCount(i, domain);
            int min = ctx.spreadMin(i);
            if (here + 1 - min > c.maxSkew()) {
                return Unfit.TOPOLOGY_SPREAD;
            }
        }
        return null;
    }

    /** Pods selected by {@code term} (of {@code owner}) in the node's topology domain. */
    private static int countInDomain(SimulatedCluster cluster, SimNode node, PodAffinityTerm term, PodInfo owner) {
        String value = node.labels().get(term.topologyKey());
        int count = 0;
        if (term.topologyKey().equals(WellKnown.HOSTNAME_LABEL)) {
            // hostnames are unique per node, so the domain is the node itself
            for (PodInfo p : node.pods()) {
                if (term.selects(owner.namespace(), p.namespace(), p.labels())) {
                    count++;
                }
            }
            return count;
        }
        for (SimNode other : cluster.nodes()) {
            if (other.removed() || !value.equals(other.labels().get(term.topologyKey()))) {
                continue;
            }
            for (PodInfo p : other.pods()) {
                if (term.selects(owner.namespace(), p.namespace(), p.labels())) {
                    count++;
                }
            }
        }
        return count;
    }

    /** Cluster-wide figures for one pod's affinity and spread checks, computed once per search. */
    static final class InterPodContext {
        private final boolean[] firstOfItsKind;
        private final List<Map<String, Integer>> spreadCounts;
        private final int[] spreadMins;

        private InterPodContext(boolean[] firstOfItsKind, List<Map<String, Integer>> spreadCounts, int[] spreadMins) {
            this.firstOfItsKind = firstOfItsKind;
            this.spreadCounts = spreadCounts;
            this.spreadMins = spreadMins;
        }

        static InterPodContext of(PodInfo pod, SimulatedCluster cluster) {
            // kube-scheduler lets the first pod of a self-selecting affinity group go anywhere with the key
            boolean[] first = new boolean[pod.requiredAffinity().size()];
            for (int i = 0; i < first.length; i++) {
                PodAffinityTerm term = pod.requiredAffinity().get(i);
                first[i] = term.selects(pod.namespace(), pod.namespace(), pod.labels()) && !anyPodSelected(cluster, term, pod);
            }
            List<Map<String, Integer>> counts = new java.util.ArrayList<>();
            int[] mins = new int[pod.topologySpread().size()];
            for (int i = 0; i < mins.length; i++) {
                TopologySpreadConstraint c = pod.topologySpread().get(i);
                Map<String, Integer> perDomain = new HashMap<>();
                for (SimNode n : cluster.nodes()) {
                    String domain = n.labels().get(c.topologyKey());
                    // domains are the nodes the pod's selector and affinity allow, taints ignored (the default
                    // policies); the ghost of a node whose removal is being simulated is one, with no pods
                    if ((n.removed() && !n.ghost()) || domain == null
                            || !matchesNodeSelector(pod, n.name(), n.labels())) {
                        continue;
                    }
                    if (n.ghost()) {
                        perDomain.merge(domain, 0, Integer::sum);
                        continue;
                    }
                    int matching = 0;
                    for (PodInfo p : n.pods()) {
                        if (p.namespace().equals(pod.namespace()) && c.selector().matches(p.labels())) {
                            matching++;
                        }
                    }
                    perDomain.merge(domain, matching, Integer::sum);
                }
                counts.add(perDomain);
                mins[i] = perDomain.values().stream().mapToInt(Integer::intValue).min().orElse(0);
            }
            return new InterPodContext(first, counts, mins);
        }

        private static boolean anyPodSelected(SimulatedCluster cluster, PodAffinityTerm term, PodInfo owner) {
            for (SimNode n : cluster.nodes()) {
                if (n.removed()) {
                    continue;
                }
                for (PodInfo p : n.pods()) {
                    if (term.selects(owner.namespace(), p.namespace(), p.labels())) {
                        return true;
                    }
                }
            }
            return false;
        }

        boolean firstOfItsKind(int term) {
            return firstOfItsKind[term];
        }

        int spreadCount(int constraint, String domain) {
            return Objects.requireNonNullElse(spreadCounts.get(constraint).get(domain), 0);
        }

        int spreadMin(int constraint) {
            return spreadMins[constraint];
        }
    }
}
