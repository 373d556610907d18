package com.vpsie.autoscaler.scaleup.expander;

import static com.vpsie.autoscaler.scaleup.expander.ExpanderFixtures.simple;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.vpsie.autoscaler.scaleup.ScaleUpOption;
import java.util.List;
import org.junit.jupiter.api.Test;

class PriceExpanderTest {

    private final PriceExpander expander = new PriceExpander();

    @Test
    void cheapestPerPodHelpedWins() {
        // 2 × 0.10 / 4 pods = 0.05; 1 × 0.12 / 3 pods = 0.04; 3 × 0.05 / 2 pods = 0.075.
        ScaleUpOption a = simple("a", "o", 2, 4, 0.10);
        ScaleUpOption b = simple("b", "o", 1, 3, 0.12);
        ScaleUpOption c = simple("c", "o", 3, 2, 0.05);
        assertThat(PriceExpander.pricePerPod(a)).isCloseTo(0.05, within(1e-12));
        assertThat(PriceExpander.pricePerPod(b)).isCloseTo(0.04, within(1e-12));
        assertThat(PriceExpander.pricePerPod(c)).isCloseTo(0.075, within(1e-12));
        assertThat(expander.best(List.of(a, b, c))).containsExactly(b);
        // Cheapest per node (c) is not cheapest per pod.
        assertThat(expander.best(List.of(a, c))).containsExactly(a);
    }

    @Test
    void equalPerPodPricesTieEvenWithFloatNoise() {
        // 0.1 + 0.2 != 0.3 in binary: 3 × 0.1 / 3 pods vs 1 × 0.3 / 3 pods.
        ScaleUpOption a = simple("a", "o", 3, 3, 0.1);
        ScaleUpOption b = simple("b", "o", 1, 3, 0.3);
        assertThat(PriceExpander.pricePerPod(a)).isNotEqualTo(PriceExpander.pricePerPod(b));
        assertThat(expander.best(List.of(b, a))).containsExactly(b, a);
    }

    @Test
    void unknownPriceRanksAfterEveryPricedOption() {
        ScaleUpOption unknownManyPods = simple("u", "o", 1, 50, Double.NaN);
        ScaleUpOption expensive = simple("e", "o", 1, 1, 9.99);
        assertThat(expander.best(List.of(unknownManyPods, expensive))).containsExactly(expensive);
    }

    @Test
    void allUnknownPricesAreEquallyGood() {
        ScaleUpOption a = simple("a", "o", 1, 1, Double.NaN);
        ScaleUpOption b = simple("b", "o", 5, 9, Double.NaN);
        assertThat(expander.best(List.of(a, b))).containsExactly(a, b);
    }

    @Test
    void infiniteAndNegativePricesCountAsUnknown() {
        ScaleUpOption inf = simple("inf", "o", 1, 1, Double.POSITIVE_INFINITY);
        ScaleUpOption neg = simple("neg", "o", 1, 1, -1.0);
        ScaleUpOption ok = simple("ok", "o", 1, 1, 5.0);
        assertThat(expander.best(List.of(inf, neg, ok))).containsExactly(ok);
        assertThat(PriceExpander.pricePerPod(neg)).isNaN();
    }

    @Test
    void freeNodesWinAndEmptyInputGivesEmptyOutput() {
        ScaleUpOption free = simple("free", "o", 2, 1, 0.0);
        ScaleUpOption paid = simple("paid", "o", 1, 10, 0.01);
        assertThat(expander.best(List.of(paid, free))).containsExactly(free);
        assertThat(expander.best(List.of())).isEmpty();
    }
}
