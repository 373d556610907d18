package com.vpsie.autoscaler.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The scheduling-relevant view of a pod. {@code requests} is already the effective request
 * (max of the sum of containers and the largest init container, plus overhead, with one pod slot).
 */
public record PodInfo(
        String namespace,
        String name,
        Map<String, String> labels,
        Map<String, String> annotations,
        String nodeName,
        String phase,
        int priority,
        String priorityClassName,
        Resources requests,
        Map<String, String> nodeSelector,
        List<NodeSelectorTerm> requiredNodeAffinity,
        List<Toleration> tolerations,
        List<HostPort> hostPorts,
        List<PodAffinityTerm> requiredAffinity,
        List<PodAffinityTerm> requiredAntiAffinity,
        List<TopologySpreadConstraint> topologySpread,
        OwnerRef controller,
        List<PodVolume> volumes,
        boolean unschedulable,
        Instant creationTimestamp,
        long terminationGracePeriodSeconds,
        boolean deleting) {

    public PodInfo {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        nodeSelector = nodeSelector == null ? Map.of() : Map.copyOf(nodeSelector);
        requiredNodeAffinity = requiredNodeAffinity == null ? List.of() : List.copyOf(requiredNodeAffinity);
        tolerations = tolerations == null ? List.of() : List.copyOf(tolerations);
        hostPorts = hostPorts == null ? List.of() : List.copyOf(hostPorts);
        requiredAffinity = requiredAffinity == null ? List.of() : List.copyOf(requiredAffinity);
        requiredAntiAffinity = requiredAntiAffinity == null ? List.of() : List.copyOf(requiredAntiAffinity);
        topologySpread = topologySpread == null ? List.of() : List.copyOf(topologySpread);
        volumes = volumes == null ? List.of() : List.copyOf(volumes);
        requests = requests == null ? new Resources(0, 0, 0, 1) : requests;
        phase = phase == null ? "Pending" : phase;
    }

    /** "namespace/name", the way pods are named in plans and events. */
    public String key() {
        return namespace + "/" + name;
    }

    public boolean isMirror() {
        return annotations.containsKey(WellKnown.MIRROR_POD_ANNOTATION);
    }

    public boolean isDaemonSetPod() {
        return controller != null && "DaemonSet".equals(controller.kind());
    }

    public boolean isTerminal() {
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    public boolean isCritical() {
        return priorityClassName != null && WellKnown.CRITICAL_PRIORITY_CLASSES.contains(priorityClassName);
    }

    public boolean hasInterPodConstraints() {
        return !requiredAffinity.isEmpty() || !requiredAntiAffinity.isEmpty() || !topologySpread.isEmpty();
    }
}
