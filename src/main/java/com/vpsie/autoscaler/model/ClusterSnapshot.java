package com.vpsie.autoscaler.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One immutable picture of the cluster that a planning pass works on. */
public final class ClusterSnapshot {

    private final List<NodeInfo> nodes;
    private final List<PodInfo> pods;
    private final List<PdbInfo> pdbs;
    private final List<DaemonSetInfo> daemonSets;
    private final Map<String, NodeGroupInfo> nodeGroups;
    private final Map<String, Offering> offerings;
    private final Map<String, List<PodInfo>> podsByNode;
    private final Map<String, List<NodeInfo>> nodesByGroup;
    /** Per group, its offerings the cloud refused for lack of capacity, each until when; see {@link #unavailableUntil}. */
    private final Map<String, Map<String, Instant>> unavailableOfferings;
    private final Map<String, NodeUsage> usage;

    public ClusterSnapshot(List<NodeInfo> nodes, List<PodInfo> pods, List<PdbInfo> pdbs,
                           List<NodeGroupInfo> nodeGroups, List<Offering> offerings) {
        this(nodes, pods, pdbs, nodeGroups, offerings, List.of());
    }

    /** With the DaemonSets whose pods a new node of a group that has no node to copy would run. */
    public ClusterSnapshot(List<NodeInfo> nodes, List<PodInfo> pods, List<PdbInfo> pdbs,
                           List<NodeGroupInfo> nodeGroups, List<Offering> offerings, List<DaemonSetInfo> daemonSets) {
        this.nodes = List.copyOf(nodes);
        this.pods = List.copyOf(pods);
        this.pdbs = List.copyOf(pdbs);
        this.daemonSets = List.copyOf(daemonSets);
        Map<String, NodeGroupInfo> groups = new LinkedHashMap<>();
        for (NodeGroupInfo g : nodeGroups) {
            if (groups.putIfAbsent(g.name(), g) != null) {
                throw new IllegalArgumentException("two NodeGroups are named '" + g.name()
                        + "'; nodes name their group by the label " + WellKnown.NODEGROUP_LABEL + " alone");
            }
        }
        this.nodeGroups = Collections.unmodifiableMap(groups);
        Map<String, Offering> byId = new LinkedHashMap<>();
        for (Offering o : offerings) {
            byId.put(o.id(), o);
        }
        this.offerings = Collections.unmodifiableMap(byId);

        Map<String, List<PodInfo>> byNode = new HashMap<>();
        for (PodInfo p : this.pods) {
            if (p.nodeName() != null) {
                byNode.computeIfAbsent(p.nodeName(), k -> new ArrayList<>()).add(p);
            }
        }
        byNode.replaceAll((k, v) -> List.copyOf(v));
        this.podsByNode = Collections.unmodifiableMap(byNode);
        Map<String, List<NodeInfo>> byGroup = new HashMap<>();
        for (NodeInfo n : this.nodes) {
            if (n.nodeGroup() != null) {
                byGroup.computeIfAbsent(n.nodeGroup(), k -> new ArrayList<>()).add(n);
            }
        }
        byGroup.replaceAll((k, v) -> List.copyOf(v));
        this.nodesByGroup = Collections.unmodifiableMap(byGroup);
        this.unavailableOfferings = Map.of();
        this.usage = Map.of();
    }

    private ClusterSnapshot(ClusterSnapshot base, Map<String, Map<String, Instant>> unavailableOfferings,
                            Map<String, NodeUsage> usage) {
        this.nodes = base.nodes;
        this.pods = base.pods;
        this.pdbs = base.pdbs;
        this.daemonSets = base.daemonSets;
        this.nodeGroups = base.nodeGroups;
        this.offerings = base.offerings;
        this.podsByNode = base.podsByNode;
        this.nodesByGroup = base.nodesByGroup;
        Map<String, Map<String, Instant>> copy = new LinkedHashMap<>();
        unavailableOfferings.forEach((group, byOffering) -> {
            if (!byOffering.isEmpty()) {
                copy.put(group, Map.copyOf(byOffering));
            }
        });
        this.unavailableOfferings = Collections.unmodifiableMap(copy);
        this.usage = Map.copyOf(usage);
    }

    /**
     * This snapshot with, per group name, the offerings its datacenter refused for lack of capacity and until when:
     * the planner does not choose them. The controller fills it from what the cloud answered; time stays outside.
     */
    public ClusterSnapshot withUnavailableOfferings(Map<String, Map<String, Instant>> byGroup) {
        return new ClusterSnapshot(this, byGroup, usage);
    }

    /** Until when the group's offering is out of capacity, or null when it may be chosen. */
    public Instant unavailableUntil(String group, String offering) {
        return unavailableOfferings.getOrDefault(group, Map.of()).get(offering);
    }

    /** Per group, its unavailable offerings and until when. */
    public Map<String, Map<String, Instant>> unavailableOfferings() {
        return unavailableOfferings;
    }

    /** This snapshot with the measured usage of nodes (by node name) instead of whatever it carried. */
    public ClusterSnapshot withUsage(Map<String, NodeUsage> usageByNode) {
        return new ClusterSnapshot(this, unavailableOfferings, usageByNode);
    }

    /** The node's measured usage; no samples when nothing was measured. */
    public NodeUsage usageOf(String nodeName) {
        return usage.getOrDefault(nodeName, NO_USAGE);
    }

    private static final NodeUsage NO_USAGE = new NodeUsage(List.of());

    public List<NodeInfo> nodes() {
        return nodes;
    }

    public List<PodInfo> pods() {
        return pods;
    }

    public List<PdbInfo> pdbs() {
        return pdbs;
    }

    public List<DaemonSetInfo> daemonSets() {
        return daemonSets;
    }

    public Map<String, NodeGroupInfo> nodeGroups() {
        return nodeGroups;
    }

    public Map<String, Offering> offerings() {
        return offerings;
    }

    public List<PodInfo> podsOn(String nodeName) {
        return podsByNode.getOrDefault(nodeName, List.of());
    }

    public List<NodeInfo> nodesOf(String group) {
        return nodesByGroup.getOrDefault(group, List.of());
    }

    /**
     * The group's registered nodes that are part of its size: a node being deleted (released from the desired
     * size, or with a deletion timestamp) is neither part of the size nor a stand-in for an upcoming node.
     */
    public int sizedNodesOf(String group) {
        return (int) nodesOf(group).stream().filter(n -> !n.deleting()).count();
    }
}
