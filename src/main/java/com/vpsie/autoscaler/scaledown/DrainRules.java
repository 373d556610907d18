package com.vpsie.autoscaler.scaledown;

import com.vpsie.autoscaler.model.PodInfo;
import com.vpsie.autoscaler.model.PodVolume;
import com.vpsie.autoscaler.model.WellKnown;
import com.vpsie.autoscaler.plan.PlannerSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Decides what one pod means for removing its node, in cluster-autoscaler's order of rules (release 1.37,
 * {@code simulator/drainability/rules}); the first rule that answers decides, so the reason and the pod a plan
 * names are the ones cluster-autoscaler would name:
 * <ol>
 *   <li>mirror pods: IGNORE (they go with the node);</li>
 *   <li>pods being deleted: IGNORE (going anyway; cluster-autoscaler waits for "long-terminating" ones only,
 *       we treat every terminating pod so, because its replacement, if any, is a separate pod);</li>
 *   <li>(replica count: cluster-autoscaler's {@code --min-replica-count} defaults to 0, which never blocks;
 *       not implemented);</li>
 *   <li>DaemonSet pods: IGNORE;</li>
 *   <li>{@code karpenter.sh/do-not-disrupt: "true"}: BLOCK, even next to {@code safe-to-evict: "true"} (ours, not
 *       cluster-autoscaler's: the explicit opt-out of another tool wins because a wrong eviction costs more than a
 *       node kept a little longer);</li>
 *   <li>{@code safe-to-evict: "true"}: MOVE;</li>
 *   <li>terminal pods: IGNORE;</li>
 *   <li>no controller, or (while {@code skipNodesWithCustomControllerPods}) a controller other than
 *       ReplicationController, Job, ReplicaSet or StatefulSet: BLOCK NotReplicated;</li>
 *   <li>kube-system without a PDB: BLOCK UnmovableKubeSystemPod while younger than
 *       {@code blockingSystemPodDisruptionTimeout}; older, MOVE as in cluster-autoscaler, except that a
 *       {@code safe-to-evict: "false"} pod still blocks (deliberately: cluster-autoscaler never reads the
 *       annotation of such a pod, we do not evict a pod its owner marked so);</li>
 *   <li>{@code safe-to-evict: "false"}: BLOCK;</li>
 *   <li>local storage whose volumes are not all listed in {@code safe-to-evict-local-volumes}: BLOCK;</li>
 *   <li>otherwise MOVE; the PDB rule, last, is the caller's: {@link PdbBudget} checks every MOVE pod in turn,
 *       safe-to-evict or not, because the Eviction API enforces budgets for every pod.</li>
 * </ol>
 * Annotation values compare exactly ("true"/"false"), as both cluster-autoscaler and Karpenter do.
 */
public final class DrainRules {

    private DrainRules() {
    }

    public enum Kind {
        /** Never blocks and needs no new place. */
        IGNORE,
        /** Must be evicted and placed elsewhere. */
        MOVE,
        /** Keeps the node; see the reason. */
        BLOCK
    }

    /** The verdict for one pod; {@code reason} is set exactly when {@code kind} is BLOCK. */
    public record Decision(Kind kind, PodRemovalReason reason) {

        public static final Decision IGNORE = new Decision(Kind.IGNORE, null);
        public static final Decision MOVE = new Decision(Kind.MOVE, null);

        public Decision {
            Objects.requireNonNull(kind, "kind");
            if ((kind == Kind.BLOCK) != (reason != null)) {
                throw new IllegalArgumentException("a reason goes with BLOCK and only with BLOCK");
            }
        }

        public static Decision block(PodRemovalReason reason) {
            return new Decision(Kind.BLOCK, Objects.requireNonNull(reason, "reason"));
        }

        public boolean blocks() {
            return kind == Kind.BLOCK;
        }

        public boolean needsPlace() {
            return kind == Kind.MOVE;
        }
    }

    /** Owner kinds cluster-autoscaler counts as recreating a pod elsewhere ({@code rules/replicated}). */
    public static final Set<String> REPLICATED_KINDS = Set.of("ReplicationController", "Job", "ReplicaSet",
            "StatefulSet");

    /**
     * What the rules depend on besides the pod: the time of the pass and two of the planner's settings.
     *
     * @param now the planning instant, for the age of kube-system pods
     * @param skipNodesWithCustomControllerPods only {@link #REPLICATED_KINDS} owners count as replicated
     * @param blockingSystemPodDisruptionTimeout how long after creation a kube-system pod without PDB blocks
     */
    public record Policy(Instant now, boolean skipNodesWithCustomControllerPods,
                         Duration blockingSystemPodDisruptionTimeout) {
        public Policy {
            Objects.requireNonNull(now, "now");
            Objects.requireNonNull(blockingSystemPodDisruptionTimeout, "blockingSystemPodDisruptionTimeout");
        }

        public static Policy of(PlannerSettings settings, Instant now) {
            return new Policy(now, settings.skipNodesWithCustomControllerPods(),
                    settings.blockingSystemPodDisruptionTimeout());
        }
    }

    /** Pods that leave with their node and need neither an eviction nor a place: mirror, DaemonSet, done, going. */
    public static boolean goesWithNode(PodInfo pod) {
        return pod.isMirror() || pod.deleting() || pod.isDaemonSetPod() || pod.isTerminal();
    }

    /** Decides with the budget's knowledge of which PDBs cover the pod. */
    public static Decision decide(PodInfo pod, PdbBudget budget, Policy policy) {
        // only the kube-system rule asks about PDBs; skipping the lookup elsewhere keeps planning cheap
        return decide(pod, WellKnown.KUBE_SYSTEM.equals(pod.namespace()) && budget.coveredByPdb(pod), policy);
    }

    public static Decision decide(PodInfo pod, boolean coveredByPdb, Policy policy) {
        if (pod.isMirror() || pod.deleting() || pod.isDaemonSetPod()) {
            return Decision.IGNORE;
        }
        if ("true".equals(pod.annotations().get(WellKnown.DO_NOT_DISRUPT_ANNOTATION))) {
            return Decision.block(PodRemovalReason.NotSafeToEvictAnnotation);
        }
        String safeToEvict = pod.annotations().get(WellKnown.SAFE_TO_EVICT_ANNOTATION);
        if ("true".equals(safeToEvict)) {
            return Decision.MOVE;
        }
        if (pod.isTerminal()) {
            return Decision.IGNORE;
        }
        if (!replicated(pod, policy)) {
            return Decision.block(PodRemovalReason.NotReplicated);
        }
        boolean notSafeToEvict = "false".equals(safeToEvict);
        if (WellKnown.KUBE_SYSTEM.equals(pod.namespace()) && !coveredByPdb) {
            if (youngerThan(pod, policy.blockingSystemPodDisruptionTimeout(), policy.now())) {
                return Decision.block(PodRemovalReason.UnmovableKubeSystemPod);
            }
            // past the timeout cluster-autoscaler lets the pod go without reading further rules
            return notSafeToEvict ? Decision.block(PodRemovalReason.NotSafeToEvictAnnotation) : Decision.MOVE;
        }
        if (notSafeToEvict) {
            return Decision.block(PodRemovalReason.NotSafeToEvictAnnotation);
        }
        if (hasUnlistedLocalStorage(pod)) {
            return Decision.block(PodRemovalReason.LocalStorageRequested);
        }
        return Decision.MOVE;
    }

    private static boolean replicated(PodInfo pod, Policy policy) {
        if (pod.controller() == null) {
            return false;
        }
        return !policy.skipNodesWithCustomControllerPods() || REPLICATED_KINDS.contains(pod.controller().kind());
    }

    /** A pod of unknown age is taken as young: blocking is the side a wrong guess can afford. */
    private static boolean youngerThan(PodInfo pod, Duration timeout, Instant now) {
        return pod.creationTimestamp() == null || now.isBefore(pod.creationTimestamp().plus(timeout));
    }

    private static boolean hasUnlistedLocalStorage(PodInfo pod) {
        Set<String> listed = null;
        for (PodVolume volume : pod.volumes()) {
            if (!volume.isLocalStorage()) {
                continue;
            }
            if (listed == null) {
                listed = listedLocalVolumes(pod.annotations().get(WellKnown.SAFE_TO_EVICT_LOCAL_VOLUMES_ANNOTATION));
            }
            if (!listed.contains(volume.name())) {
                return true;
            }
        }
        return false;
    }

    // Whitespace around names is forgiven: "a, b" is how people write lists by hand.
    private static Set<String> listedLocalVolumes(String annotation) {
        Set<String> names = new HashSet<>();
        if (annotation == null) {
            return names;
        }
        for (String part : annotation.split(",")) {
            String name = part.trim();
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return names;
    }
}
