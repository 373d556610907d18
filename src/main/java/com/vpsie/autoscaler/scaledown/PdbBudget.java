package com.vpsie.autoscaler.scaledown;

import com.vpsie.autoscaler.model.PdbInfo;
import com.vpsie.autoscaler.model.PodInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The disruptions PodDisruptionBudgets still allow during one planning pass, spent node by node, so that
 * all nodes removed in one pass share each budget. Not thread-safe: one pass, one thread.
 *
 * <p>A pod covered by more than one PDB is refused: the Eviction API answers such a pod with an error
 * whatever the budgets say, so planning its node would only produce a drain that fails.
 */
public final class PdbBudget {

    private static final class Ledger {
        final PdbInfo pdb;
        final int order;
        int remaining;

        Ledger(PdbInfo pdb, int order) {
            this.pdb = pdb;
            this.order = order;
            this.remaining = Math.max(0, pdb.disruptionsAllowed());
        }
    }

    /** The answer to a request to evict a set of pods; {@code pdb}, {@code pod} and {@code detail} are null when granted. */
    public record Outcome(boolean granted, PdbInfo pdb, PodInfo pod, String detail) {

        public static final Outcome GRANTED = new Outcome(true, null, null, null);

        static Outcome blocked(PdbInfo pdb, PodInfo pod, String detail) {
            return new Outcome(false, Objects.requireNonNull(pdb), Objects.requireNonNull(pod), detail);
        }

        /** {@link PodRemovalReason#NotEnoughPdb} when blocked, null when granted. */
        public PodRemovalReason reason() {
            return granted ? null : PodRemovalReason.NotEnoughPdb;
        }
    }

    /**
     * PDBs with matchLabels, indexed by namespace and one of their label pairs: a pod can only be covered by a
     * PDB whose indexed pair it carries, so a lookup costs a few map probes instead of a scan of every PDB.
     */
    private final Map<String, Map<String, List<Ledger>>> byLabelPair = new HashMap<>();
    /** PDBs selecting by expressions only (or everything), by namespace: these are scanned. */
    private final Map<String, List<Ledger>> byNamespace = new HashMap<>();
    private final Map<String, Ledger> byKey = new HashMap<>();

    /** Later PDBs with the key of an earlier one are ignored; a snapshot holds each object once. */
    public PdbBudget(Collection<PdbInfo> pdbs) {
        for (PdbInfo pdb : pdbs) {
            Ledger ledger = new Ledger(pdb, byKey.size());
            if (byKey.putIfAbsent(pdb.key(), ledger) == null) {
                Map<String, String> matchLabels = pdb.selector().matchLabels();
                if (matchLabels.isEmpty()) {
                    byNamespace.computeIfAbsent(pdb.namespace(), ns -> new ArrayList<>()).add(ledger);
                } else {
                    String pair = pairKey(matchLabels.keySet().stream().sorted().findFirst().orElseThrow(),
                            matchLabels);
                    byLabelPair.computeIfAbsent(pdb.namespace(), ns -> new HashMap<>())
                            .computeIfAbsent(pair, k -> new ArrayList<>()).add(ledger);
                }
            }
        }
    }

    public boolean coveredByPdb(PodInfo pod) {
        return !covering(pod).isEmpty();
    }

    /** The PDBs that select the pod, in the order they were given. */
    public List<PdbInfo> pdbsCovering(PodInfo pod) {
        List<PdbInfo> result = new ArrayList<>(1);
        for (Ledger ledger : covering(pod)) {
            result.add(ledger.pdb);
        }
        return List.copyOf(result);
    }

    /** Disruptions the PDB with this key ("namespace/name") still allows in this pass. */
    public int remaining(String pdbKey) {
        Ledger ledger = byKey.get(pdbKey);
        if (ledger == null) {
            throw new IllegalArgumentException("no PDB " + pdbKey + " in this budget");
        }
        return ledger.remaining;
    }

    /** Whether {@link #tryConsume} would succeed, spending nothing. */
    public Outcome check(Collection<PodInfo> podsToEvict) {
        return evaluate(podsToEvict, new LinkedHashMap<>());
    }

    /**
     * Spends one disruption per pod from every PDB covering it, all or nothing. Pass only the pods that will
     * actually be evicted (DrainRules' MOVE pods); the same pod given twice counts once.
     */
    public Outcome tryConsume(Collection<PodInfo> podsToEvict) {
        Map<Ledger, Integer> need = new LinkedHashMap<>();
        Outcome outcome = evaluate(podsToEvict, need);
        if (outcome.granted()) {
            need.forEach((ledger, n) -> ledger.remaining -= n);
        }
        return outcome;
    }

    private Outcome evaluate(Collection<PodInfo> pods, Map<Ledger, Integer> need) {
        Tally tally = new Tally(need);
        for (PodInfo pod : pods) {
            Outcome outcome = tally.add(pod);
            if (!outcome.granted()) {
                return outcome;
            }
        }
        return Outcome.GRANTED;
    }

    /** A tally for the pods of one node, added one at a time in the order the drain rules look at them. */
    public Tally tally() {
        return new Tally(new LinkedHashMap<>());
    }

    /**
     * Pods of one node checked one at a time, each against what its PDB allows after the pods added before it,
     * so the first pod that would overspend a budget is the one named. Spends nothing.
     */
    public final class Tally {
        private final Map<Ledger, Integer> need;
        private final Map<Ledger, PodInfo> firstPod = new HashMap<>();
        private final Set<String> seen = new HashSet<>();

        private Tally(Map<Ledger, Integer> need) {
            this.need = need;
        }

        /** Whether this pod, with the ones added before it, stays within every budget; a refused pod is not kept. */
        public Outcome add(PodInfo pod) {
            if (seen.contains(pod.key())) {
                return Outcome.GRANTED;
            }
            List<Ledger> covering = covering(pod);
            if (covering.size() > 1) {
                List<String> keys = new ArrayList<>();
                covering.forEach(l -> keys.add(l.pdb.key()));
                return Outcome.blocked(covering.get(0).pdb, pod, "pod " + pod.key() + " is selected by "
                        + covering.size() + " PDBs " + keys + "; the Eviction API refuses to evict such a pod");
            }
            if (!covering.isEmpty()) {
                Ledger ledger = covering.get(0);
                int wanted = need.getOrDefault(ledger, 0) + 1;
                if (wanted > ledger.remaining) {
                    return Outcome.blocked(ledger.pdb, firstPod.getOrDefault(ledger, pod), "PDB " + ledger.pdb.key()
                            + " allows " + ledger.remaining + " more disruption(s) in this pass; " + wanted
                            + " pod(s) would be evicted");
                }
                need.put(ledger, wanted);
                firstPod.putIfAbsent(ledger, pod);
            }
            seen.add(pod.key());
            return Outcome.GRANTED;
        }
    }

    private List<Ledger> covering(PodInfo pod) {
        List<Ledger> result = new ArrayList<>(1);
        Map<String, List<Ledger>> indexed = byLabelPair.get(pod.namespace());
        if (indexed != null) {
            for (String key : pod.labels().keySet()) {
                for (Ledger ledger : indexed.getOrDefault(pairKey(key, pod.labels()), List.of())) {
                    if (ledger.pdb.covers(pod)) {
                        result.add(ledger);
                    }
                }
            }
        }
        for (Ledger ledger : byNamespace.getOrDefault(pod.namespace(), List.of())) {
            if (ledger.pdb.covers(pod)) {
                result.add(ledger);
            }
        }
        // keep the order the PDBs were given in, whichever index found them
        result.sort(java.util.Comparator.comparingInt(l -> l.order));
        return result;
    }

    private static String pairKey(String key, Map<String, String> labels) {
        return key + "\u0000" + labels.get(key);
    }
}
