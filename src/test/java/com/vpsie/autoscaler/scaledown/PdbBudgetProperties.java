package com.vpsie.autoscaler.scaledown;

import static org.assertj.core.api.Assertions.assertThat;

import com.vpsie.autoscaler.model.PdbInfo;
import com.vpsie.autoscaler.model.PodInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class PdbBudgetProperties {

    private static final List<String> NAMESPACES = List.of("ns-1", "ns-2");
    private static final List<String> APPS = List.of("a", "b", "c");

    /** A fixed set of pods over both namespaces, including some no PDB here can select (app "d"). */
    private static final List<PodInfo> UNIVERSE = universe();

    private static List<PodInfo> universe() {
        List<PodInfo> pods = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            String app = i % 4 == 3 ? "d" : APPS.get(i % 4);
            pods.add(PdbBudgetTest.pod(NAMESPACES.get(i / 8), "pod-" + i, app));
        }
        return List.copyOf(pods);
    }

    @Provide
    Arbitrary<List<PdbInfo>> pdbs() {
        Arbitrary<String[]> one = Combinators.combine(
                Arbitraries.of(NAMESPACES), Arbitraries.of(APPS), Arbitraries.integers().between(0, 3).map(String::valueOf))
                .as((ns, app, allowed) -> new String[] {ns, app, allowed});
        return one.list().ofMaxSize(6).map(specs -> {
            List<PdbInfo> pdbs = new ArrayList<>();
            for (int i = 0; i < specs.size(); i++) {
                String[] s = specs.get(i);
                pdbs.add(PdbBudgetTest.pdb(s[0], "pdb-" + i, s[1], Integer.parseInt(s[2])));
            }
            return pdbs;
        });
    }

    @Provide
    Arbitrary<List<List<PodInfo>>> calls() {
        return Arbitraries.of(UNIVERSE).list().ofMaxSize(6).list().ofMaxSize(12);
    }

    @Property(tries = 500)
    void neverSpendsMoreThanAllowedAndFailuresChangeNothing(@ForAll("pdbs") List<PdbInfo> pdbs,
                                                            @ForAll("calls") List<List<PodInfo>> calls) {
        PdbBudget budget = new PdbBudget(pdbs);
        Map<String, Integer> consumed = new HashMap<>();

        for (List<PodInfo> call : calls) {
            Map<String, Integer> before = remainingOf(budget, pdbs);
            PdbBudget.Outcome outcome = budget.tryConsume(call);
            Map<String, Integer> after = remainingOf(budget, pdbs);

            if (outcome.granted()) {
                // Independent oracle: each PDB pays once per distinct pod it selects.
                for (PdbInfo pdb : pdbs) {
                    long covered = call.stream().filter(pdb::covers).map(PodInfo::key).distinct().count();
                    consumed.merge(pdb.key(), (int) covered, Integer::sum);
                    assertThat(after.get(pdb.key())).isEqualTo(before.get(pdb.key()) - (int) covered);
                }
            } else {
                assertThat(after).isEqualTo(before);
                assertThat(outcome.pdb()).isIn(pdbs);
                assertThat(call).contains(outcome.pod());
                assertThat(outcome.pdb().covers(outcome.pod())).isTrue();
                assertThat(refusalJustified(call, pdbs, before)).isTrue();
            }
        }

        for (PdbInfo pdb : pdbs) {
            assertThat(consumed.getOrDefault(pdb.key(), 0)).isLessThanOrEqualTo(pdb.disruptionsAllowed());
        }
    }

    /** A refusal is right only when some pod has several PDBs or some PDB would go below zero. */
    private static boolean refusalJustified(List<PodInfo> call, List<PdbInfo> pdbs, Map<String, Integer> remaining) {
        List<PodInfo> distinct = call.stream().distinct().toList();
        for (PodInfo pod : distinct) {
            if (pdbs.stream().filter(pdb -> pdb.covers(pod)).count() > 1) {
                return true;
            }
        }
        for (PdbInfo pdb : pdbs) {
            if (distinct.stream().filter(pdb::covers).count() > remaining.get(pdb.key())) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, Integer> remainingOf(PdbBudget budget, List<PdbInfo> pdbs) {
        Map<String, Integer> remaining = new HashMap<>();
        for (PdbInfo pdb : pdbs) {
            remaining.put(pdb.key(), budget.remaining(pdb.key()));
        }
        return remaining;
    }
}
