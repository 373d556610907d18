package com.vpsie.autoscaler.model;

import java.util.Set;

/** Label, annotation and taint names users and other tools depend on. */
public final class WellKnown {

    private WellKnown() {
    }

    public static final String NODEGROUP_LABEL = "autoscaler.vpsie.com/nodegroup";
    public static final String DATACENTER_LABEL = "autoscaler.vpsie.com/datacenter";
    public static final String OFFERING_LABEL = "autoscaler.vpsie.com/offering";
    public static final String HOSTNAME_LABEL = "kubernetes.io/hostname";

    public static final String PROTECTED_ANNOTATION = "autoscaler.vpsie.com/protected";
    public static final String SCALE_DOWN_DISABLED_LABEL = "autoscaler.vpsie.com/scale-down-disabled";
    public static final String CA_SCALE_DOWN_DISABLED_ANNOTATION = "cluster-autoscaler.kubernetes.io/scale-down-disabled";
    public static final String SAFE_TO_EVICT_ANNOTATION = "cluster-autoscaler.kubernetes.io/safe-to-evict";
    public static final String SAFE_TO_EVICT_LOCAL_VOLUMES_ANNOTATION =
            "cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes";
    public static final String DO_NOT_DISRUPT_ANNOTATION = "karpenter.sh/do-not-disrupt";
    public static final String MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror";

    /** On every NodeGroup the controller manages: its servers are removed before the object goes. */
    public static final String NODEGROUP_FINALIZER = "autoscaler.vpsie.com/nodegroup-cleanup";
    /** On a NodeGroup: {@value #ON_DELETE_ORPHAN} keeps its servers and nodes when it is deleted. */
    public static final String ON_DELETE_ANNOTATION = "autoscaler.vpsie.com/on-delete";
    public static final String ON_DELETE_ORPHAN = "orphan";
    /** On a node the controller cordoned because its NodeGroup is being deleted (undone if the servers are kept). */
    public static final String CORDONED_FOR_DELETION_ANNOTATION = "autoscaler.vpsie.com/cordoned-for-group-deletion";

    /** Our taint on nodes being scaled down; nothing new may land there. */
    public static final String TO_BE_DELETED_TAINT = "autoscaler.vpsie.com/to-be-deleted";
    /** cluster-autoscaler's taint; honoured so a cluster moving from CA is read correctly. */
    public static final String CA_TO_BE_DELETED_TAINT = "ToBeDeletedByClusterAutoscaler";

    /** Taints a node carries while it starts; they go away once it is Ready, so booting nodes ignore them. */
    public static final Set<String> STARTUP_TAINTS = Set.of(
            "node.kubernetes.io/not-ready",
            "node.kubernetes.io/unreachable",
            "node.cloudprovider.kubernetes.io/uninitialized",
            "node.kubernetes.io/unschedulable");

    /** Labels that identify one particular node and must not be copied into a template of new nodes. */
    public static final Set<String> NODE_IDENTITY_LABELS = Set.of(
            HOSTNAME_LABEL,
            "node.kubernetes.io/instance-id",
            "topology.kubernetes.io/zone-id",
            "autoscaler.vpsie.com/server-id");

    /**
     * The persisted state of a scale-down on the node itself, so a restarted controller finishes or
     * undoes it: {@code draining} while pods are evicted, {@code drained} when the NodeGroup reconciler
     * may delete the server and the Node.
     */
    public static final String DRAIN_STATE_ANNOTATION = "autoscaler.vpsie.com/drain-state";
    public static final String DRAIN_STATE_DRAINING = "draining";
    public static final String DRAIN_STATE_DRAINED = "drained";
    /** RFC 3339 time the drain began (the taint carries the same moment as Unix seconds). */
    public static final String DRAIN_STARTED_ANNOTATION = "autoscaler.vpsie.com/drain-started";
    /** Why the node is being removed: Empty or Underutilized. */
    public static final String DRAIN_REASON_ANNOTATION = "autoscaler.vpsie.com/drain-reason";
    /** RFC 3339 time the drain finished. */
    public static final String DRAINED_AT_ANNOTATION = "autoscaler.vpsie.com/drained-at";
    /**
     * {@code namespace/name} of the NodeGroup whose scale-down wrote the marks. The group label names a group by
     * name alone, so without it an instance could not tell its own drains from those of another instance scoped to
     * other namespaces, or of a same-named group in another namespace.
     */
    public static final String DRAIN_OWNER_ANNOTATION = "autoscaler.vpsie.com/drain-owner";

    public static final String KUBE_SYSTEM = "kube-system";
    public static final Set<String> CRITICAL_PRIORITY_CLASSES = Set.of("system-cluster-critical", "system-node-critical");
    /** cluster-autoscaler's cutoff: pods with a lower priority never trigger a scale-up. */
    public static final int EXPENDABLE_PRIORITY_CUTOFF = -10;
}
