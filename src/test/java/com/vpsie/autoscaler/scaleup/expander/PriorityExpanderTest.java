package com.vpsie.autoscaler.scaleup.expander;

import static com.vpsie.autoscaler.scaleup.expander.ExpanderFixtures.simple;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vpsie.autoscaler.scaleup.ScaleUpOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PriorityExpanderTest {

    private final PriorityExpander expander = new PriorityExpander(Map.of(
            10, List.of("spot-.*"),
            50, List.of("gpu-.*", "fast"),
            -5, List.of(".*-legacy")));

    @Test
    void highestMatchingPriorityWins() {
        ScaleUpOption spot = simple("spot-a", "o", 1, 1, 1.0);
        ScaleUpOption gpu = simple("gpu-1", "o", 1, 1, 1.0);
        ScaleUpOption fast = simple("fast", "o", 1, 1, 1.0);
        assertThat(expander.best(List.of(spot, gpu))).containsExactly(gpu);
        assertThat(expander.best(List.of(fast, spot, gpu))).containsExactly(fast, gpu);
    }

    @Test
    void groupTakesHighestOfSeveralMatches() {
        // Matches both 10 (spot-.*) and -5 (.*-legacy).
        assertThat(expander.priorityOf("spot-legacy")).hasValue(10);
    }

    @Test
    void regexMustMatchTheWholeName() {
        assertThat(expander.priorityOf("fast")).hasValue(50);
        assertThat(expander.priorityOf("fastest")).isEmpty();
        assertThat(expander.priorityOf("my-spot-a")).isEmpty();
    }

    @Test
    void unmatchedRanksBelowEvenNegativePriorities() {
        ScaleUpOption legacy = simple("old-legacy", "o", 1, 1, 1.0);
        ScaleUpOption plain = simple("plain", "o", 1, 1, 1.0);
        assertThat(expander.best(List.of(plain, legacy))).containsExactly(legacy);
        PriorityExpander minPriority = new PriorityExpander(Map.of(Integer.MIN_VALUE, List.of("low")));
        ScaleUpOption low = simple("low", "o", 1, 1, 1.0);
        assertThat(minPriority.best(List.of(plain, low))).containsExactly(low);
    }

    @Test
    void noMatchesAtAllMeansAllTie() {
        ScaleUpOption a = simple("a", "o", 1, 1, 1.0);
        ScaleUpOption b = simple("b", "o", 1, 1, 1.0);
        assertThat(expander.best(List.of(a, b))).containsExactly(a, b);
        assertThat(new PriorityExpander(Map.of()).best(List.of(b, a))).containsExactly(b, a);
    }

    @Test
    void invalidRegexIsRejectedWithItsText() {
        assertThatThrownBy(() -> new PriorityExpander(Map.of(5, List.of("ok", "bad-[group"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad-[group")
                .hasMessageContaining("priority 5");
        assertThatThrownBy(() -> new PriorityExpander(Map.of(1, Arrays.asList("a", null))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("null regex");
    }
}
