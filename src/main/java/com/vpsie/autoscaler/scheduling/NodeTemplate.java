package com.vpsie.autoscaler.scheduling;

import com.vpsie.autoscaler.model.PodInfo;
import com.vpsie.autoscaler.model.Resources;
import com.vpsie.autoscaler.model.Taint;
import com.vpsie.autoscaler.model.WellKnown;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The shape of a node a group would add: labels (without any one node's identity), taints, allocatable, and
 * the DaemonSet and mirror pods that would run on it from the start ({@code daemonPods}, bound to no node in
 * particular: each node made from the template runs its own copies). Each node gets its own name and hostname.
 */
public record NodeTemplate(String group, String offeringId, Map<String, String> labels, List<Taint> taints,
                           Resources allocatable, double pricePerHour, List<PodInfo> daemonPods) {

    public NodeTemplate {
        labels = Map.copyOf(labels);
        taints = List.copyOf(taints);
        daemonPods = List.copyOf(daemonPods);
    }

    public NodeTemplate(String group, String offeringId, Map<String, String> labels, List<Taint> taints,
                        Resources allocatable, double pricePerHour) {
        this(group, offeringId, labels, taints, allocatable, pricePerHour, List.of());
    }

    /** What the daemon pods request together: the room they leave is what other pods can have. */
    public Resources daemonRequests() {
        Resources sum = Resources.ZERO;
        for (PodInfo p : daemonPods) {
            sum = sum.plus(p.requests());
        }
        return sum;
    }

    /** Labels of the {@code index}-th new node: the template's plus its own hostname. */
    Map<String, String> labelsFor(String nodeName) {
        Map<String, String> own = new HashMap<>(labels);
        own.put(WellKnown.HOSTNAME_LABEL, nodeName);
        return own;
    }

    /** A node of this shape outside any cluster, for checks that only need the shape. */
    SimNode probe() {
        SimNode probe = new SimNode("(template " + group + "/" + offeringId + ")", group, labelsFor("(template)"),
                taints, allocatable, NodeRole.ESTIMATED, false, false, null);
        daemonPods.forEach(probe::add);
        return probe;
    }

    /** Adds a node of this shape named {@code nodeName} to the cluster, with its daemon pods on it. */
    public SimNode addTo(SimulatedCluster cluster, String nodeName, NodeRole role) {
        SimNode node = cluster.addNewNode(nodeName, group, labelsFor(nodeName), taints, allocatable, role);
        for (PodInfo pod : daemonPods) {
            cluster.place(pod, node);
        }
        return node;
    }

    /** Takes a node made by {@link #addTo} out of the cluster again, its daemon pods first. */
    public void dropFrom(SimulatedCluster cluster, SimNode node) {
        for (int i = daemonPods.size() - 1; i >= 0; i--) {
            cluster.unplace(daemonPods.get(i), node);
        }
        cluster.dropNewNode(node);
    }
}
