package com.vpsie.autoscaler.utilization;

import com.vpsie.autoscaler.model.NodeInfo;
import com.vpsie.autoscaler.model.PodInfo;
import java.util.Collection;

/**
 * How much of a node's allocatable CPU and memory its pods request, as fractions (1.0 = full; above 1.0 when
 * requests exceed allocatable, which is kept rather than clamped so an overcommitted node never looks roomy).
 */
public record NodeUtilization(double cpuFraction, double memoryFraction) {

    /** cluster-autoscaler's utilization: the larger of the two fractions. */
    public double max() {
        return Math.max(cpuFraction, memoryFraction);
    }

    /**
     * Sums the requests of {@code podsOnNode} against the node's allocatable. Terminal pods hold nothing and
     * are left out; pods being deleted still hold their requests until they are gone, so they count. DaemonSet
     * and mirror pods that are ignored leave the allocatable too, as in cluster-autoscaler: they would take the
     * same room on any node, so the rest of the pods are measured against the room that is left. A node
     * that has no room left of a resource (zero allocatable, or all of it ignored pods') is 0 for it when nothing
     * else asks for any, else full (1.0), because a node with no capacity must not look like an empty one.
     */
    public static NodeUtilization of(NodeInfo node, Collection<PodInfo> podsOnNode,
                                     boolean ignoreDaemonSets, boolean ignoreMirrorPods) {
        long cpu = 0;
        long memory = 0;
        long ignoredCpu = 0;
        long ignoredMemory = 0;
        for (PodInfo pod : podsOnNode) {
            if (pod.isTerminal()) {
                continue;
            }
            if ((ignoreDaemonSets && pod.isDaemonSetPod()) || (ignoreMirrorPods && pod.isMirror())) {
                ignoredCpu += pod.requests().cpuMillis();
                ignoredMemory += pod.requests().memoryBytes();
                continue;
            }
            cpu += pod.requests().cpuMillis();
            memory += pod.requests().memoryBytes();
        }
        return new NodeUtilization(fraction(cpu, node.allocatable().cpuMillis() - ignoredCpu),
                fraction(memory, node.allocatable().memoryBytes() - ignoredMemory));
    }

    private static double fraction(long requested, long allocatable) {
        if (allocatable <= 0) {
            return requested > 0 ? 1.0 : 0.0;
        }
        return (double) requested / allocatable;
    }
}
