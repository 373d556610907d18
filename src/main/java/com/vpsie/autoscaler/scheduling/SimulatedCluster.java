package com.vpsie.autoscaler.scheduling;

import com.vpsie.autoscaler.model.NodeInfo;
import com.vpsie.autoscaler.model.PodInfo;
import com.vpsie.autoscaler.model.Resources;
import com.vpsie.autoscaler.model.Taint;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The mutable working copy one planning pass simulates on: nodes and the pods placed on them.
 * Built from an immutable snapshot; every change can be undone, so planners try and roll back
 * instead of copying the cluster.
 */
public final class SimulatedCluster {

    private final List<SimNode> nodes = new ArrayList<>();
    private final Map<String, SimNode> byName = new HashMap<>();
    /**
     * Pods with required anti-affinity by topology key and domain: an incoming pod must respect their
     * terms too, and this index keeps that check from scanning every such pod for every node.
     */
    private final Map<String, Map<String, List<Placement>>> antiAffinityByDomain = new HashMap<>();

    /** A pod and the node it sits on in the simulation. */
    public record Placement(PodInfo pod, SimNode node) {
    }

    public SimNode addRegisteredNode(NodeInfo node, NodeRole role) {
        return add(new SimNode(node.name(), node.nodeGroup(), node.labels(), node.taints(), node.allocatable(), role,
                node.unschedulable(), node.markedForDeletion() || node.deleting(), node));
    }

    /** Adds a node that does not exist yet (upcoming or estimated), shaped like {@code template}. */
    public SimNode addNewNode(String name, String group, Map<String, String> labels, List<Taint> taints,
                              Resources allocatable, NodeRole role) {
        return add(new SimNode(name, group, labels, taints, allocatable, role, false, false, null));
    }

    private SimNode add(SimNode node) {
        if (byName.putIfAbsent(node.name(), node) != null) {
            throw new IllegalArgumentException("duplicate node " + node.name());
        }
        nodes.add(node);
        return node;
    }

    /** Removes a node that was added last and carries no pods (rolling back an estimate). */
    public void dropNewNode(SimNode node) {
        if (!node.pods().isEmpty()) {
            throw new IllegalStateException("node " + node.name() + " still has pods");
        }
        if (nodes.isEmpty() || nodes.get(nodes.size() - 1) != node) {
            throw new IllegalStateException("only the last added node can be dropped: " + node.name());
        }
        nodes.remove(nodes.size() - 1);
        byName.remove(node.name());
    }

    public List<SimNode> nodes() {
        return Collections.unmodifiableList(nodes);
    }

    public SimNode node(String name) {
        return byName.get(name);
    }

    public void place(PodInfo pod, SimNode node) {
        node.add(pod);
        for (String key : antiAffinityKeys(pod)) {
            String domain = node.labels().get(key);
            if (domain != null) {
                antiAffinityByDomain.computeIfAbsent(key, k -> new HashMap<>())
                        .computeIfAbsent(domain, d -> new ArrayList<>()).add(new Placement(pod, node));
            }
        }
    }

    public void unplace(PodInfo pod, SimNode node) {
        node.remove(pod);
        for (String key : antiAffinityKeys(pod)) {
            String domain = node.labels().get(key);
            List<Placement> placed = domain == null ? null : antiAffinityByDomain.get(key).get(domain);
            if (placed == null) {
                continue;
            }
            for (int i = placed.size() - 1; i >= 0; i--) {
                Placement p = placed.get(i);
                if (p.node() == node && p.pod().equals(pod)) {
                    placed.remove(i);
                    break;
                }
            }
        }
    }

    private static java.util.Set<String> antiAffinityKeys(PodInfo pod) {
        if (pod.requiredAntiAffinity().isEmpty()) {
            return java.util.Set.of();
        }
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (com.vpsie.autoscaler.model.PodAffinityTerm t : pod.requiredAntiAffinity()) {
            keys.add(t.topologyKey());
        }
        return keys;
    }

    /** A removed node keeps its pods for the record but counts for nothing: no placements, no topology. */
    public void setRemoved(SimNode node, boolean removed) {
        node.setRemoved(removed);
    }

    /**
     * Removes the node while its removal is simulated, leaving a ghost: an empty node that takes no pod but still
     * counts as a topology spread domain, as cluster-autoscaler's tainted stand-in does. Until the node is
     * actually deleted its domain exists, and kube-scheduler counts it; dropping it would let a spread pod move
     * where the skew breaks once the node is gone, and the pod would go pending and ask for a new node.
     * {@link #setRemoved} ends the ghost either way.
     */
    public void removeLeavingGhost(SimNode node) {
        node.setRemoved(true);
        node.setGhost(true);
    }

    /** Topology keys some placed pod's anti-affinity uses, with the pods per domain value. */
    Map<String, Map<String, List<Placement>>> antiAffinityByDomain() {
        return antiAffinityByDomain;
    }
}
