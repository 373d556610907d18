package com.vpsie.autoscaler.scaleup;

import com.vpsie.autoscaler.model.ClusterSnapshot;
import com.vpsie.autoscaler.model.DaemonSetInfo;
import com.vpsie.autoscaler.model.NodeGroupInfo;
import com.vpsie.autoscaler.model.NodeInfo;
import com.vpsie.autoscaler.model.Offering;
import com.vpsie.autoscaler.model.PodInfo;
import com.vpsie.autoscaler.model.Resources;
import com.vpsie.autoscaler.model.Taint;
import com.vpsie.autoscaler.model.TaintEffect;
import com.vpsie.autoscaler.model.WellKnown;
import com.vpsie.autoscaler.plan.PlannerSettings;
import com.vpsie.autoscaler.scheduling.NodeTemplate;
import com.vpsie.autoscaler.scheduling.Predicates;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the template of a group's next node, as cluster-autoscaler does. A Ready node of the group is the best
 * model: its real allocatable, labels and taints, and the DaemonSet and mirror pods running on it, which a new
 * node would run too. Without one, the group's offering plus its labels and taints, and a pod of every DaemonSet
 * whose node selector, affinity and tolerations let it run on such a node.
 */
public final class NodeTemplates {

    private NodeTemplates() {
    }

    /** A template, or why none can be built. */
    public record Result(NodeTemplate template, String problem) {
    }

    public static Result forGroup(ClusterSnapshot snapshot, NodeGroupInfo group, String offeringId,
                                  PlannerSettings settings) {
        Offering offering = snapshot.offerings().get(offeringId);
        double price = offering == null ? Double.NaN : offering.pricePerHour();
        Optional<NodeInfo> model = modelNode(snapshot, group, offeringId);
        if (model.isPresent()) {
            NodeInfo node = model.get();
            return new Result(new NodeTemplate(group.name(), offeringId, templateLabels(node.labels()),
                    templateTaints(node.taints()), node.allocatable(), price, daemonPodsOf(snapshot, node)), null);
        }
        if (offering == null) {
            return new Result(null, "offering " + offeringId + " is unknown and the group has no Ready node to copy");
        }
        Map<String, String> labels = new HashMap<>();
        labels.put("kubernetes.io/os", "linux");
        labels.put("kubernetes.io/arch", "amd64");
        labels.put("node.kubernetes.io/instance-type", offeringId);
        labels.putAll(group.labels());
        labels.put(WellKnown.NODEGROUP_LABEL, group.name());
        labels.put(WellKnown.OFFERING_LABEL, offeringId);
        Resources r = offering.resources();
        Resources overhead = settings.newNodeOverhead();
        Resources allocatable = new Resources(Math.max(0, r.cpuMillis() - overhead.cpuMillis()),
                Math.max(0, r.memoryBytes() - overhead.memoryBytes()),
                Math.max(0, r.ephemeralStorageBytes() - overhead.ephemeralStorageBytes()), r.pods());
        return new Result(new NodeTemplate(group.name(), offeringId, labels, group.taints(), allocatable, price,
                daemonPodsFor(snapshot, labels, group.taints())), null);
    }

    /** The model node's DaemonSet and mirror pods that stay: not finished, not on their way out. */
    private static List<PodInfo> daemonPodsOf(ClusterSnapshot snapshot, NodeInfo node) {
        List<PodInfo> pods = new ArrayList<>();
        for (PodInfo pod : snapshot.podsOn(node.name())) {
            if ((pod.isDaemonSetPod() || pod.isMirror()) && !pod.deleting() && !pod.isTerminal()) {
                pods.add(pod);
            }
        }
        return pods;
    }

    /**
     * A pod of each DaemonSet that would run on a node with these labels and taints: the DaemonSet controller's
     * test, node selector and required affinity, and every NoSchedule and NoExecute taint tolerated.
     */
    private static List<PodInfo> daemonPodsFor(ClusterSnapshot snapshot, Map<String, String> labels,
                                               List<Taint> taints) {
        String nodeName = "(template)";
        Map<String, String> withHostname = new HashMap<>(labels);
        withHostname.put(WellKnown.HOSTNAME_LABEL, nodeName);
        List<PodInfo> pods = new ArrayList<>();
        for (DaemonSetInfo ds : snapshot.daemonSets()) {
            PodInfo pod = ds.podFor(nodeName);
            if (Predicates.matchesNodeSelector(pod, nodeName, withHostname) && toleratesAll(pod, taints)) {
                pods.add(pod);
            }
        }
        return pods;
    }

    private static boolean toleratesAll(PodInfo pod, List<Taint> taints) {
        for (Taint t : taints) {
            if (t.effect() != TaintEffect.PREFER_NO_SCHEDULE && !Predicates.tolerates(pod.tolerations(), t)) {
                return false;
            }
        }
        return true;
    }

    /**
     * A Ready node of the group to copy: one labelled with this offering, or, for the group's first
     * offering, one with no offering label (nodes created before the label existed). First by name.
     */
    private static Optional<NodeInfo> modelNode(ClusterSnapshot snapshot, NodeGroupInfo group, String offeringId) {
        List<String> candidates = group.candidateOfferings();
        boolean firstOffering = !candidates.isEmpty() && candidates.get(0).equals(offeringId);
        return snapshot.nodesOf(group.name()).stream()
                .filter(n -> n.ready() && !n.markedForDeletion() && !n.deleting())
                .filter(n -> {
                    String label = n.labels().get(WellKnown.OFFERING_LABEL);
                    return offeringId.equals(label) || (label == null && firstOffering);
                })
                .min(Comparator.comparing(NodeInfo::name));
    }

    private static Map<String, String> templateLabels(Map<String, String> nodeLabels) {
        Map<String, String> labels = new HashMap<>(nodeLabels);
        labels.keySet().removeAll(WellKnown.NODE_IDENTITY_LABELS);
        return labels;
    }

    /** Taints that belong to one node's moment (being deleted, starting up, cordoned) are not copied. */
    private static List<Taint> templateTaints(List<Taint> taints) {
        List<Taint> kept = new ArrayList<>();
        for (Taint t : taints) {
            if (t.key().equals(WellKnown.TO_BE_DELETED_TAINT) || t.key().equals(WellKnown.CA_TO_BE_DELETED_TAINT)
                    || WellKnown.STARTUP_TAINTS.contains(t.key())) {
                continue;
            }
            kept.add(t);
        }
        return kept;
    }
}
