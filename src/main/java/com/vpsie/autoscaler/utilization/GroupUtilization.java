package com.vpsie.autoscaler.utilization;

import com.vpsie.autoscaler.model.ClusterSnapshot;
import com.vpsie.autoscaler.model.NodeGroupInfo;
import com.vpsie.autoscaler.model.NodeInfo;
import com.vpsie.autoscaler.model.UtilizationSource;
import java.time.Instant;

/**
 * A NodeGroup's utilization as status and metrics show it: the mean over its nodes (those not being deleted) of
 * each node's CPU and memory fractions by the signal the group's scale-down uses, measured usage over the window
 * where it is fresh, else requests. {@code byUsage} nodes were judged by usage, {@code fellBack} could not be.
 */
public record GroupUtilization(double cpuFraction, double memoryFraction, int nodes, int byUsage, int fellBack) {

    /** The higher of CPU and memory, in whole percent. */
    public int percent() {
        return (int) Math.round(Math.max(cpuFraction, memoryFraction) * 100);
    }

    public static GroupUtilization of(ClusterSnapshot snapshot, NodeGroupInfo group, boolean ignoreDaemonSets,
                                      boolean ignoreMirrorPods, Instant now) {
        boolean wantsUsage = group.scaleDownPolicy().utilizationSource() != UtilizationSource.REQUESTS;
        double cpu = 0;
        double memory = 0;
        int nodes = 0;
        int byUsage = 0;
        int fellBack = 0;
        for (NodeInfo node : snapshot.nodesOf(group.name())) {
            if (node.deleting()) {
                continue;
            }
            nodes++;
            if (wantsUsage) {
                UsageRule.Verdict v = UsageRule.judge(snapshot.usageOf(node.name()), group.scaleDownPolicy(), now);
                if (v.state().fresh()) {
                    byUsage++;
                    cpu += v.cpuFraction();
                    memory += v.memoryFraction();
                    continue;
                }
                fellBack++;
            }
            NodeUtilization u = NodeUtilization.of(node, snapshot.podsOn(node.name()), ignoreDaemonSets,
                    ignoreMirrorPods);
            cpu += u.cpuFraction();
            memory += u.memoryFraction();
        }
        return nodes == 0 ? new GroupUtilization(0, 0, 0, 0, 0)
                : new GroupUtilization(cpu / nodes, memory / nodes, nodes, byUsage, fellBack);
    }
}
