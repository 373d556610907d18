package com.vpsie.autoscaler.scaleup.expander;

import static com.vpsie.autoscaler.scaleup.expander.ExpanderFixtures.simple;
import static org.assertj.core.api.Assertions.assertThat;

import com.vpsie.autoscaler.scaleup.ScaleUpOption;
import java.util.List;
import org.junit.jupiter.api.Test;

class MostPodsExpanderTest {

    private final MostPodsExpander expander = new MostPodsExpander();

    @Test
    void mostPodsHelpedWinsAndTiesSurviveInInputOrder() {
        ScaleUpOption a = simple("a", "o", 1, 3, 1.0);
        ScaleUpOption b = simple("b", "o", 1, 7, 1.0);
        ScaleUpOption c = simple("c", "o", 4, 7, 1.0);
        ScaleUpOption d = simple("d", "o", 1, 1, 1.0);
        assertThat(expander.best(List.of(a, b, d))).containsExactly(b);
        assertThat(expander.best(List.of(c, a, b))).containsExactly(c, b);
        assertThat(expander.best(List.of())).isEmpty();
        assertThat(expander.name()).isEqualTo("most-pods");
    }
}
