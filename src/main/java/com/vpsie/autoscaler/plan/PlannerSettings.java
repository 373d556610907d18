package com.vpsie.autoscaler.plan;

import com.vpsie.autoscaler.model.Resources;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Knobs of the decision core, with cluster-autoscaler's defaults.
 *
 * @param nodeStartupTimeout a NotReady node younger than this is booting (it will take pods); older, it is broken
 * @param ignoreDaemonSetUtilization leave DaemonSet pods out of a node's utilization, so they cannot pin it
 * @param ignoreMirrorPodUtilization leave static (mirror) pods out of a node's utilization
 * @param expanders chain of expander names applied in order: least-waste, price, priority, most-pods, random
 * @param priorities for the priority expander: priority → regular expressions of group names (higher wins)
 * @param randomSeed seed of the random expander, so a plan over a saved snapshot is reproducible
 * @param maxNodesPerScaleUp cap on the nodes one option may add, cluster-autoscaler's 1000
 * @param newNodeOverhead subtracted from an offering's figures for a node that does not exist yet (system reservations)
 * @param skipNodesWithCustomControllerPods a pod whose controller is not a ReplicationController, Job, ReplicaSet
 *        or StatefulSet keeps its node (cluster-autoscaler's flag of the same name, default true); false accepts any
 *        controller owner as able to recreate the pod elsewhere
 * @param blockingSystemPodDisruptionTimeout how long after its creation a kube-system pod without a PDB keeps its
 *        node (cluster-autoscaler's {@code --blocking-system-pod-distruption-timeout}, default 1h)
 */
public record PlannerSettings(
        Duration nodeStartupTimeout,
        boolean ignoreDaemonSetUtilization,
        boolean ignoreMirrorPodUtilization,
        List<String> expanders,
        Map<Integer, List<String>> priorities,
        long randomSeed,
        int maxNodesPerScaleUp,
        Resources newNodeOverhead,
        boolean skipNodesWithCustomControllerPods,
        Duration blockingSystemPodDisruptionTimeout) {

    public static final List<String> KNOWN_EXPANDERS = List.of("least-waste", "price", "priority", "most-pods", "random");

    public PlannerSettings {
        java.util.Objects.requireNonNull(blockingSystemPodDisruptionTimeout, "blockingSystemPodDisruptionTimeout");
        if (blockingSystemPodDisruptionTimeout.isNegative()) {
            throw new IllegalArgumentException("blockingSystemPodDisruptionTimeout must not be negative");
        }
        expanders = List.copyOf(expanders);
        priorities = Map.copyOf(priorities);
        for (String e : expanders) {
            if (!KNOWN_EXPANDERS.contains(e)) {
                throw new IllegalArgumentException("unknown expander '" + e + "' (known: " + KNOWN_EXPANDERS + ")");
            }
        }
        if (expanders.isEmpty()) {
            throw new IllegalArgumentException("at least one expander is needed");
        }
        if (maxNodesPerScaleUp < 1) {
            throw new IllegalArgumentException("maxNodesPerScaleUp must be at least 1");
        }
    }

    /** The settings that predate the drain-rule knobs, with those at cluster-autoscaler's defaults. */
    public PlannerSettings(Duration nodeStartupTimeout, boolean ignoreDaemonSetUtilization,
                           boolean ignoreMirrorPodUtilization, List<String> expanders,
                           Map<Integer, List<String>> priorities, long randomSeed, int maxNodesPerScaleUp,
                           Resources newNodeOverhead) {
        this(nodeStartupTimeout, ignoreDaemonSetUtilization, ignoreMirrorPodUtilization, expanders, priorities,
                randomSeed, maxNodesPerScaleUp, newNodeOverhead, true, DEFAULT_BLOCKING_SYSTEM_POD_TIMEOUT);
    }

    public static final Duration DEFAULT_BLOCKING_SYSTEM_POD_TIMEOUT = Duration.ofHours(1);

    public static PlannerSettings defaults() {
        return new PlannerSettings(Duration.ofMinutes(15), true, true, List.of("least-waste"), Map.of(), 0L, 1000,
                new Resources(100, 256L * 1024 * 1024, 0, 0), true, DEFAULT_BLOCKING_SYSTEM_POD_TIMEOUT);
    }

    /** These settings with the custom-controller rule switched as given. */
    public PlannerSettings withSkipNodesWithCustomControllerPods(boolean skip) {
        return new PlannerSettings(nodeStartupTimeout, ignoreDaemonSetUtilization, ignoreMirrorPodUtilization,
                expanders, priorities, randomSeed, maxNodesPerScaleUp, newNodeOverhead, skip,
                blockingSystemPodDisruptionTimeout);
    }

    /** These settings with another kube-system blocking timeout. */
    public PlannerSettings withBlockingSystemPodDisruptionTimeout(Duration timeout) {
        return new PlannerSettings(nodeStartupTimeout, ignoreDaemonSetUtilization, ignoreMirrorPodUtilization,
                expanders, priorities, randomSeed, maxNodesPerScaleUp, newNodeOverhead,
                skipNodesWithCustomControllerPods, timeout);
    }
}
