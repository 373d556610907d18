package com.vpsie.autoscaler.scaleup.expander;

import static com.vpsie.autoscaler.scaleup.expander.ExpanderFixtures.option;
import static com.vpsie.autoscaler.scaleup.expander.ExpanderFixtures.simple;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vpsie.autoscaler.plan.PlannerSettings;
import com.vpsie.autoscaler.scaleup.ScaleUpOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpanderChainTest {

    private static PlannerSettings settings(List<String> expanders, Map<Integer, List<String>> priorities, long seed) {
        PlannerSettings d = PlannerSettings.defaults();
        return new PlannerSettings(d.nodeStartupTimeout(), d.ignoreDaemonSetUtilization(),
                d.ignoreMirrorPodUtilization(), expanders, priorities, seed, d.maxNodesPerScaleUp(),
                d.newNodeOverhead());
    }

    @Test
    void eachExpanderNarrowsThePreviousSurvivors() {
        // least-waste: a, b, c score 0.5; d scores 0.875. price per pod: a 0.05, b 0.05, c 0.10.
        ScaleUpOption a = option("a", "o", 2, 4, 4, 8, 6, 12, 0.10);
        ScaleUpOption b = option("b", "o", 2, 4, 4, 8, 6, 12, 0.10);
        ScaleUpOption c = option("c", "o", 2, 2, 4, 8, 6, 12, 0.10);
        ScaleUpOption d = option("d", "o", 1, 4, 8, 32, 6, 12, 0.01);
        ExpanderChain chain = ExpanderChain.from(settings(List.of("least-waste", "price", "priority"),
                Map.of(1, List.of("b")), 0));
        // d is cheapest per pod but least-waste already removed it; priority then prefers b.
        assertThat(chain.best(List.of(d, c, a, b))).containsExactly(b);
        assertThat(chain.choose(List.of(d, c, a, b))).contains(b);
        // Order matters: price first keeps only d.
        ExpanderChain priceFirst = ExpanderChain.from(settings(List.of("price", "least-waste"), Map.of(), 0));
        assertThat(priceFirst.best(List.of(a, b, c, d))).containsExactly(d);
    }

    @Test
    void leftoverTiesBreakByGroupNameThenOfferingRegardlessOfInputOrder() {
        ScaleUpOption z = simple("zeta", "o1", 1, 1, 1.0);
        ScaleUpOption a2 = simple("alpha", "o2", 1, 1, 1.0);
        ScaleUpOption a1 = simple("alpha", "o1", 1, 1, 1.0);
        ExpanderChain chain = new ExpanderChain(List.of(new MostPodsExpander()));
        assertThat(chain.best(List.of(z, a2, a1))).containsExactly(z, a2, a1);
        for (List<ScaleUpOption> order : List.of(List.of(z, a2, a1), List.of(a1, z, a2), List.of(a2, a1, z))) {
            assertThat(chain.choose(order)).contains(a1);
        }
    }

    @Test
    void chainEndingOnOneOptionIsNotOverriddenByTieBreak() {
        ScaleUpOption z = simple("zeta", "o", 1, 5, 1.0);
        ScaleUpOption a = simple("alpha", "o", 1, 1, 1.0);
        ExpanderChain chain = new ExpanderChain(List.of(new MostPodsExpander()));
        assertThat(chain.choose(List.of(a, z))).contains(z);
    }

    @Test
    void randomInTheChainIsReproducibleFromSettings() {
        List<ScaleUpOption> options = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            options.add(simple("g" + i, "o", 1, 1, 1.0));
        }
        PlannerSettings s = settings(List.of("least-waste", "random"), Map.of(), 1234);
        List<ScaleUpOption> first = new ArrayList<>();
        List<ScaleUpOption> second = new ArrayList<>();
        ExpanderChain c1 = ExpanderChain.from(s);
        ExpanderChain c2 = ExpanderChain.from(s);
        for (int i = 0; i < 20; i++) {
            first.add(c1.choose(options).orElseThrow());
            second.add(c2.choose(options).orElseThrow());
        }
        assertThat(first).isEqualTo(second);
        // Random is not overridden by the name tie-break: it does not always land on g0.
        assertThat(first).anyMatch(o -> !o.groupName().equals("g0"));
    }

    @Test
    void emptyInputChoosesNothing() {
        ExpanderChain chain = ExpanderChain.from(PlannerSettings.defaults());
        assertThat(chain.best(List.of())).isEmpty();
        assertThat(chain.choose(List.of())).isEmpty();
    }

    @Test
    void factoryBuildsNamedExpandersInOrder() {
        ExpanderChain chain = ExpanderChain.from(settings(
                List.of("priority", "least-waste", "price", "most-pods", "random"), Map.of(1, List.of("x")), 3));
        assertThat(chain.expanders()).extracting(Expander::name)
                .containsExactly("priority", "least-waste", "price", "most-pods", "random");
        assertThat(chain.name()).isEqualTo("priority,least-waste,price,most-pods,random");
    }

    @Test
    void unknownNameAndBadRegexAreRejected() {
        assertThatThrownBy(() -> ExpanderChain.create("least-nodes", PlannerSettings.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("least-nodes");
        assertThatThrownBy(() -> ExpanderChain.from(settings(List.of("priority"), Map.of(1, List.of("(")), 0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'('");
        assertThatThrownBy(() -> new ExpanderChain(List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void expanderReturningNothingIsAContractViolation() {
        Expander broken = new Expander() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public List<ScaleUpOption> best(List<ScaleUpOption> options) {
                return List.of();
            }
        };
        ExpanderChain chain = new ExpanderChain(List.of(broken));
        assertThatThrownBy(() -> chain.choose(List.of(simple("a", "o", 1, 1, 1.0))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("broken");
    }
}
