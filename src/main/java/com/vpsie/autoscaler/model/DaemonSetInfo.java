package com.vpsie.autoscaler.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A DaemonSet as the planner needs it: the pod it would run on a node, described by {@code template}, a pod
 * with no name and no node whose requests, node selector, affinity, tolerations and host ports are those of the
 * DaemonSet's pod template.
 */
public record DaemonSetInfo(String namespace, String name, PodInfo template) {

    /**
     * The tolerations the DaemonSet controller adds to every pod it creates, so that its pods run on nodes that
     * are not ready, unreachable, under pressure or cordoned (network-unavailable, added for host-network pods
     * only, is left out: host networking is not modelled).
     */
    public static final List<Toleration> CONTROLLER_TOLERATIONS = List.of(
            new Toleration("node.kubernetes.io/not-ready", Toleration.Operator.EXISTS, null, TaintEffect.NO_EXECUTE),
            new Toleration("node.kubernetes.io/unreachable", Toleration.Operator.EXISTS, null, TaintEffect.NO_EXECUTE),
            new Toleration("node.kubernetes.io/disk-pressure", Toleration.Operator.EXISTS, null,
                    TaintEffect.NO_SCHEDULE),
            new Toleration("node.kubernetes.io/memory-pressure", Toleration.Operator.EXISTS, null,
                    TaintEffect.NO_SCHEDULE),
            new Toleration("node.kubernetes.io/pid-pressure", Toleration.Operator.EXISTS, null,
                    TaintEffect.NO_SCHEDULE),
            new Toleration("node.kubernetes.io/unschedulable", Toleration.Operator.EXISTS, null,
                    TaintEffect.NO_SCHEDULE));

    public DaemonSetInfo {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(template, "template");
    }

    public String key() {
        return namespace + "/" + name;
    }

    /**
     * The pod this DaemonSet would run on node {@code nodeName}: the template owned by the DaemonSet, with the
     * controller's tolerations, named after the DaemonSet and the node. It is already bound (nodeName set), so
     * planning treats it as running there.
     */
    public PodInfo podFor(String nodeName) {
        PodInfo t = template;
        List<Toleration> tolerations = new ArrayList<>(t.tolerations());
        tolerations.addAll(CONTROLLER_TOLERATIONS);
        return new PodInfo(namespace, name + "-" + nodeName, t.labels(), t.annotations(), nodeName, "Running",
                t.priority(), t.priorityClassName(), t.requests(), t.nodeSelector(), t.requiredNodeAffinity(),
                tolerations, t.hostPorts(), t.requiredAffinity(), t.requiredAntiAffinity(), t.topologySpread(),
                new OwnerRef("DaemonSet", name), t.volumes(), false, t.creationTimestamp(),
                t.terminationGracePeriodSeconds(), false);
    }
}
