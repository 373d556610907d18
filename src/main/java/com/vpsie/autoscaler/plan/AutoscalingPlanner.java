package com.vpsie.autoscaler.plan;

import com.vpsie.autoscaler.model.ClusterSnapshot;
import com.vpsie.autoscaler.model.NodeGroupInfo;
import com.vpsie.autoscaler.model.NodeInfo;
import com.vpsie.autoscaler.model.PodInfo;
import com.vpsie.autoscaler.model.WellKnown;
import com.vpsie.autoscaler.scaledown.ScaleDownPlanner;
import com.vpsie.autoscaler.scaleup.ScaleUpPlanner;
import com.vpsie.autoscaler.scheduling.NodeRole;
import com.vpsie.autoscaler.scheduling.SimNode;
import com.vpsie.autoscaler.scheduling.SimulatedCluster;
import java.time.Duration;
import java.time.Instant;

/** One planning pass: scale-up, then scale-down on the same simulated cluster. Pure: snapshot and time in, plan out. */
public final class AutoscalingPlanner {

    private AutoscalingPlanner() {
    }

    public static Plan plan(ClusterSnapshot snapshot, Instant now, PlannerSettings settings) {
        SimulatedCluster cluster = simulate(snapshot, now, settings);
        ScaleUpPlanner.Result up = ScaleUpPlanner.plan(snapshot, cluster, settings);
        java.util.Set<String> growing = new java.util.HashSet<>();
        up.scaleUps().forEach(s -> growing.add(s.nodeGroup()));
        ScaleDownPlanner.Result down = ScaleDownPlanner.plan(snapshot, cluster, settings, growing, now);
        return new Plan(up.scaleUps(), down.scaleDown(), down.unremovable(), up.noScaleUp());
    }

    /** The registered nodes, each with its role at {@code now}, and the pods bound to them. */
    public static SimulatedCluster simulate(ClusterSnapshot snapshot, Instant now, PlannerSettings settings) {
        SimulatedCluster cluster = new SimulatedCluster();
        for (NodeInfo node : snapshot.nodes()) {
            cluster.addRegisteredNode(leaving(node, snapshot), roleOf(node, now, settings.nodeStartupTimeout()));
        }
        for (PodInfo pod : snapshot.pods()) {
            if (pod.nodeName() == null || pod.isTerminal()) {
                continue;
            }
            SimNode node = cluster.node(pod.nodeName());
            if (node != null) {
                cluster.place(pod, node);
            }
        }
        return cluster;
    }

    /**
     * A node of a group being deleted takes no pod, pending or evicted, whether or not it is cordoned yet: it is
     * going, like its siblings.
     */
    private static NodeInfo leaving(NodeInfo node, ClusterSnapshot snapshot) {
        NodeGroupInfo group = node.nodeGroup() == null ? null : snapshot.nodeGroups().get(node.nodeGroup());
        if (group == null || !group.deleting() || node.unschedulable()) {
            return node;
        }
        return new NodeInfo(node.name(), node.labels(), node.annotations(), node.taints(), node.allocatable(),
                node.ready(), true, node.creationTimestamp(), node.providerId(), node.deleting());
    }

    static NodeRole roleOf(NodeInfo node, Instant now, Duration startupTimeout) {
        boolean young = node.creationTimestamp() != null
                && Duration.between(node.creationTimestamp(), now).compareTo(startupTimeout) < 0;
        if (node.ready()) {
            // Ready a moment ago, the not-ready or uninitialized taint is not removed yet: still on its way,
            // or the pods it is about to take would look unplaceable and buy a second node
            return young && hasStartupTaint(node) ? NodeRole.BOOTING : NodeRole.READY;
        }
        return young ? NodeRole.BOOTING : NodeRole.BROKEN;
    }

    private static boolean hasStartupTaint(NodeInfo node) {
        return node.taints().stream().anyMatch(t -> WellKnown.STARTUP_TAINTS.contains(t.key()));
    }
}
