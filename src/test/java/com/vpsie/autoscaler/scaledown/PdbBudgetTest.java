package com.vpsie.autoscaler.scaledown;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vpsie.autoscaler.model.LabelSelector;
import com.vpsie.autoscaler.model.OwnerRef;
import com.vpsie.autoscaler.model.PdbInfo;
import com.vpsie.autoscaler.model.PodInfo;
import com.vpsie.autoscaler.model.Resources;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PdbBudgetTest {

    static PodInfo pod(String namespace, String name, String app) {
        return new PodInfo(namespace, name, app == null ? Map.of() : Map.of("app", app), Map.of(), "node-a",
                "Running", 0, null, new Resources(100, 1 << 20, 0, 1), null, null, null, null, null, null, null,
                new OwnerRef("ReplicaSet", app + "-rs"), null, false, Instant.EPOCH, 30, false);
    }

    static PdbInfo pdb(String namespace, String name, String app, int allowed) {
        return new PdbInfo(namespace, name, LabelSelector.of(Map.of("app", app)), allowed);
    }

    private final PodInfo web1 = pod("shop", "web-1", "web");
    private final PodInfo web2 = pod("shop", "web-2", "web");
    private final PodInfo web3 = pod("shop", "web-3", "web");
    private final PodInfo db1 = pod("shop", "db-1", "db");

    @Test
    void podsWithoutPdbAreAlwaysGranted() {
        PdbBudget budget = new PdbBudget(List.of(pdb("shop", "web", "web", 0)));

        assertThat(budget.tryConsume(List.of(db1, pod("other", "web-1", "web")))).isEqualTo(PdbBudget.Outcome.GRANTED);
        assertThat(budget.remaining("shop/web")).isZero();
    }

    @Test
    void spendsOnePerEvictedPod() {
        PdbBudget budget = new PdbBudget(List.of(pdb("shop", "web", "web", 3)));

        PdbBudget.Outcome outcome = budget.tryConsume(List.of(web1, web2, db1));

        assertThat(outcome.granted()).isTrue();
        assertThat(outcome.reason()).isNull();
        assertThat(budget.remaining("shop/web")).isEqualTo(1);
    }

    @Test
    void tooFewDisruptionsBlockNamingThePdbAndItsFirstPod() {
        PdbInfo webPdb = pdb("shop", "web", "web", 1);
        PdbBudget budget = new PdbBudget(List.of(webPdb));

        PdbBudget.Outcome outcome = budget.tryConsume(List.of(db1, web2, web1));

        assertThat(outcome.granted()).isFalse();
        assertThat(outcome.pdb()).isEqualTo(webPdb);
        assertThat(outcome.pod()).isEqualTo(web2);
        assertThat(outcome.reason()).isEqualTo(PodRemovalReason.NotEnoughPdb);
        assertThat(outcome.detail()).contains("shop/web");
        assertThat(budget.remaining("shop/web")).isEqualTo(1);
    }

    @Test
    void zeroAllowedBlocksASinglePod() {
        PdbBudget budget = new PdbBudget(List.of(pdb("shop", "web", "web", 0)));

        PdbBudget.Outcome outcome = budget.tryConsume(List.of(web1));

        assertThat(outcome.granted()).isFalse();
        assertThat(outcome.pod()).isEqualTo(web1);
    }

    @Test
    void aFailureSpendsNothingFromAnyPdb() {
        PdbBudget budget = new PdbBudget(List.of(pdb("shop", "db", "db", 1), pdb("shop", "web", "web", 1)));

        PdbBudget.Outcome outcome = budget.tryConsume(List.of(db1, web1, web2));

        assertThat(outcome.granted()).isFalse();
        assertThat(outcome.pdb().name()).isEqualTo("web");
        assertThat(budget.remaining("shop/db")).isEqualTo(1);
        assertThat(budget.remaining("shop/web")).isEqualTo(1);
    }

    @Test
    void budgetsAreSharedAcrossNodesOfOnePass() {
        PdbBudget budget = new PdbBudget(List.of(pdb("shop", "web", "web", 2)));

        assertThat(budget.tryConsume(List.of(web1)).granted()).isTrue();
        assertThat(budget.tryConsume(List.of(web2)).granted()).isTrue();
        PdbBudget.Outcome third = budget.tryConsume(List.of(web3));

        assertThat(third.granted()).isFalse();
        assertThat(third.pod()).isEqualTo(web3);
        assertThat(budget.remaining("shop/web")).isZero();
    }

    @Test
    void checkSpendsNothing() {
        PdbBudget budget = new PdbBudget(List.of(pdb("shop", "web", "web", 1)));

        assertThat(budget.check(List.of(web1)).granted()).isTrue();
        assertThat(budget.check(List.of(web1, web2)).granted()).isFalse();
        assertThat(budget.remaining("shop/web")).isEqualTo(1);
    }

    @Test
    void theSamePodTwiceCountsOnce() {
        PdbBudget budget = new PdbBudget(List.of(pdb("shop", "web", "web", 1)));

        assertThat(budget.tryConsume(List.of(web1, web1)).granted()).isTrue();
        assertThat(budget.remaining("shop/web")).isZero();
    }

    @Test
    void aPodSelectedByTwoPdbsCannotBeEvicted() {
        PdbInfo byApp = pdb("shop", "web", "web", 5);
        PdbInfo everything = new PdbInfo("shop", "all", LabelSelector.EVERYTHING, 5);
        PdbBudget budget = new PdbBudget(List.of(byApp, everything));

        PdbBudget.Outcome outcome = budget.tryConsume(List.of(web1));

        assertThat(outcome.granted()).isFalse();
        assertThat(outcome.pdb()).isEqualTo(byApp);
        assertThat(outcome.pod()).isEqualTo(web1);
        assertThat(outcome.detail()).contains("shop/web", "shop/all");
        assertThat(budget.remaining("shop/web")).isEqualTo(5);
        assertThat(budget.remaining("shop/all")).isEqualTo(5);
    }

    @Test
    void negativeAllowanceIsZero() {
        PdbBudget budget = new PdbBudget(List.of(pdb("shop", "web", "web", -2)));

        assertThat(budget.remaining("shop/web")).isZero();
        assertThat(budget.tryConsume(List.of(web1)).granted()).isFalse();
    }

    @Test
    void aPdbOnlyCoversItsOwnNamespace() {
        PdbBudget budget = new PdbBudget(List.of(pdb("shop", "web", "web", 0)));

        assertThat(budget.coveredByPdb(web1)).isTrue();
        assertThat(budget.coveredByPdb(pod("blog", "web-1", "web"))).isFalse();
        assertThat(budget.coveredByPdb(db1)).isFalse();
    }

    @Test
    void pdbsCoveringListsEveryMatchInOrder() {
        PdbInfo byApp = pdb("shop", "web", "web", 1);
        PdbInfo everything = new PdbInfo("shop", "all", LabelSelector.EVERYTHING, 1);
        PdbInfo none = new PdbInfo("shop", "none", LabelSelector.NOTHING, 1);
        PdbBudget budget = new PdbBudget(List.of(byApp, none, everything));

        assertThat(budget.pdbsCovering(web1)).containsExactly(byApp, everything);
        assertThat(budget.pdbsCovering(db1)).containsExactly(everything);
        assertThat(budget.pdbsCovering(pod("blog", "x", "web"))).isEmpty();
    }

    @Test
    void manyPdbsAcrossNamespaces() {
        List<PdbInfo> pdbs = new ArrayList<>();
        for (int ns = 0; ns < 500; ns++) {
            for (int app = 0; app < 20; app++) {
                pdbs.add(pdb("ns-" + ns, "app-" + app, "app-" + app, 1));
            }
        }
        PdbBudget budget = new PdbBudget(pdbs);

        PodInfo p = pod("ns-321", "p", "app-7");
        assertThat(budget.pdbsCovering(p)).extracting(PdbInfo::key).containsExactly("ns-321/app-7");
        assertThat(budget.tryConsume(List.of(p)).granted()).isTrue();
        assertThat(budget.remaining("ns-321/app-7")).isZero();
        assertThat(budget.remaining("ns-320/app-7")).isEqualTo(1);
    }

    @Test
    void aDuplicateKeyKeepsTheFirstPdb() {
        PdbBudget budget = new PdbBudget(List.of(pdb("shop", "web", "web", 2), pdb("shop", "web", "web", 0)));

        assertThat(budget.remaining("shop/web")).isEqualTo(2);
        assertThat(budget.tryConsume(List.of(web1)).granted()).isTrue();
    }

    @Test
    void remainingOfAnUnknownPdbIsAnError() {
        assertThatThrownBy(() -> new PdbBudget(List.of()).remaining("shop/web"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void selectorsByLabelsAndByExpressionsAreBothFound() {
        PodInfo pod = new PodInfo("shop", "api-1", Map.of("app", "api", "tier", "front", "zone", "a"), Map.of(),
                "node-a", "Running", 0, null, new Resources(100, 1 << 20, 0, 1), null, null, null, null, null, null,
                null, new OwnerRef("ReplicaSet", "api-rs"), null, false, Instant.EPOCH, 30, false);
        PdbInfo byTwoLabels = new PdbInfo("shop", "by-labels", LabelSelector.of(Map.of("tier", "front", "app", "api")), 1);
        PdbInfo wrongSecondLabel = new PdbInfo("shop", "wrong", LabelSelector.of(Map.of("tier", "front", "app", "db")), 1);
        PdbInfo byExpression = new PdbInfo("shop", "by-expression", new LabelSelector(Map.of(), List.of(
                new com.vpsie.autoscaler.model.SelectorRequirement("zone",
                        com.vpsie.autoscaler.model.SelectorOperator.IN, List.of("a", "b"))), false), 1);
        PdbBudget budget = new PdbBudget(List.of(byExpression, wrongSecondLabel, byTwoLabels));

        assertThat(budget.pdbsCovering(pod)).containsExactly(byExpression, byTwoLabels);
    }
}
