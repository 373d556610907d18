package com.vpsie.autoscaler.scaledown;

import com.vpsie.autoscaler.model.PodInfo;
import com.vpsie.autoscaler.model.PodVolume;
import com.vpsie.autoscaler.model.WellKnown;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Decides what one pod means for removing its node, in cluster-autoscaler's order of rules:
 * <ol>
 *   <li>IGNORE mirror pods, DaemonSet pods, terminal pods and pods already being deleted: they go with the
 *       node (or are going anyway; a replacement, if any, is a separate pod) and need no place elsewhere;</li>
 *   <li>BLOCK {@code karpenter.sh/do-not-disrupt: "true"}, even next to {@code safe-to-evict: "true"}:
 *       the two come from different tools, and the explicit opt-out wins because a wrong eviction costs more
 *       than a node kept a little longer;</li>
 *   <li>MOVE {@code safe-to-evict: "true"}, which overrides every rule below;</li>
 *   <li>BLOCK {@code safe-to-evict: "false"}; no controller owner; kube-system without a PDB;
 *       local storage whose volumes are not all listed in {@code safe-to-evict-local-volumes};</li>
 *   <li>otherwise MOVE.</li>
 * </ol>
 * PDB budgets are not checked here: the Eviction API enforces them for every pod, so {@link PdbBudget} applies
 * them to every MOVE pod, safe-to-evict or not. Annotation values compare exactly ("true"/"false"), as both
 * cluster-autoscaler and Karpenter do.
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

    /** Decides with the budget's knowledge of which PDBs cover the pod. */
    public static Decision decide(PodInfo pod, PdbBudget budget) {
        // only the kube-system rule asks about PDBs; skipping the lookup elsewhere keeps planning cheap
        return decide(pod, WellKnown.KUBE_SYSTEM.equals(pod.namespace()) && budget.coveredByPdb(pod));
    }

    public static Decision decide(PodInfo pod, boolean coveredByPdb) {
        if (pod.isMirror() || pod.isDaemonSetPod() || pod.isTerminal() || pod.deleting()) {
            return Decision.IGNORE;
        }
        if ("true".equals(pod.annotations().get(WellKnown.DO_NOT_DISRUPT_ANNOTATION))) {
            return Decision.block(PodRemovalReason.NotSafeToEvictAnnotation);
        }
        String safeToEvict = pod.annotations().get(WellKnown.SAFE_TO_EVICT_ANNOTATION);
        if ("true".equals(safeToEvict)) {
            return Decision.MOVE;
        }
        if ("false".equals(safeToEvict)) {
            return Decision.block(PodRemovalReason.NotSafeToEvictAnnotation);
        }
        if (pod.controller() == null) {
            return Decision.block(PodRemovalReason.NotReplicated);
        }
        if (WellKnown.KUBE_SYSTEM.equals(pod.namespace()) && !coveredByPdb) {
            return Decision.block(PodRemovalReason.UnmovableKubeSystemPod);
        }
        if (hasUnlistedLocalStorage(pod)) {
            return Decision.block(PodRemovalReason.LocalStorageRequested);
        }
        return Decision.MOVE;
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
