package com.vpsie.autoscaler.scaleup.expander;

import static com.vpsie.autoscaler.scaleup.expander.ExpanderFixtures.GI;
import static com.vpsie.autoscaler.scaleup.expander.ExpanderFixtures.groupNames;
import static com.vpsie.autoscaler.scaleup.expander.ExpanderFixtures.option;
import static com.vpsie.autoscaler.scaleup.expander.ExpanderFixtures.pods;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.vpsie.autoscaler.model.Resources;
import com.vpsie.autoscaler.scaleup.ScaleUpOption;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeastWasteExpanderTest {

    private final LeastWasteExpander expander = new LeastWasteExpander();

    @Test
    void scoresWastedCpuPlusWastedMemoryOverAllNewNodes() {
        // 2 × (4 cpu, 8Gi) = 8 cpu, 16Gi offered; 6 cpu, 12Gi requested → 0.25 + 0.25.
        ScaleUpOption a = option("a", "small", 2, 3, 4, 8, 6, 12, 1.0);
        assertThat(LeastWasteExpander.score(a)).isCloseTo(0.5, within(1e-12));
        // 1 × (8 cpu, 32Gi); 6 cpu, 12Gi requested → 0.25 + 0.625.
        ScaleUpOption b = option("b", "big", 1, 3, 8, 32, 6, 12, 1.0);
        assertThat(LeastWasteExpander.score(b)).isCloseTo(0.875, within(1e-12));
    }

    @Test
    void lowestWasteWins() {
        ScaleUpOption b = option("b", "big", 1, 3, 8, 32, 6, 12, 1.0);     // 0.875
        ScaleUpOption a = option("a", "small", 2, 3, 4, 8, 6, 12, 1.0);    // 0.5
        ScaleUpOption c = option("c", "exact", 3, 3, 2, 4, 6, 12, 1.0);    // 0.0
        assertThat(expander.best(List.of(b, a))).containsExactly(a);
        assertThat(expander.best(List.of(b, a, c))).containsExactly(c);
    }

    @Test
    void equalWasteKeepsAllInInputOrderDespiteFloatNoise() {
        // 1/3 wasted cpu computed from different figures: 3 of 9 and 1 of 3 cores; memory both 0.5.
        ScaleUpOption x = option("x", "o", 1, 1, 9, 8, 6, 4, 1.0);
        ScaleUpOption y = option("y", "o", 1, 1, 3, 8, 2, 4, 1.0);
        // z: 0.1 cpu + 0.2 memory wasted; w: 0.3 cpu + 0 memory. Equal in exact arithmetic, not in binary.
        ScaleUpOption z = option("z", "o", 1, 1, 10, 10, 9, 8, 1.0);
        ScaleUpOption w = option("w", "o", 1, 1, 10, 10, 7, 10, 1.0);
        assertThat(groupNames(expander.best(List.of(y, x)))).containsExactly("y/o", "x/o");
        assertThat(LeastWasteExpander.score(z)).isNotEqualTo(LeastWasteExpander.score(w));
        assertThat(expander.best(List.of(z, w))).containsExactly(z, w);
    }

    @Test
    void zeroAllocatableCountsAsNoWasteInsteadOfNaN() {
        ScaleUpOption noMem = new ScaleUpOption(ExpanderFixtures.group("m"), "o", 2, pods(1),
                Resources.of(4000, 0), Resources.of(6000, 0), 1.0);
        assertThat(LeastWasteExpander.score(noMem)).isCloseTo(0.25, within(1e-12));
        ScaleUpOption zeroNodes = new ScaleUpOption(ExpanderFixtures.group("z"), "o", 0, pods(1),
                Resources.of(4000, 8 * GI), Resources.ZERO, 1.0);
        assertThat(LeastWasteExpander.score(zeroNodes)).isZero();
    }

    @Test
    void requestsAboveCapacityDoNotBeatAPerfectFit() {
        ScaleUpOption over = option("over", "o", 1, 1, 4, 8, 6, 12, 1.0);
        assertThat(LeastWasteExpander.score(over)).isZero();
    }

    @Test
    void emptyInputGivesEmptyOutput() {
        assertThat(expander.best(List.of())).isEmpty();
        assertThat(expander.name()).isEqualTo("least-waste");
    }
}
