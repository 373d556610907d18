package com.vpsie.autoscaler.scaleup.expander;

import static com.vpsie.autoscaler.scaleup.expander.ExpanderFixtures.simple;
import static org.assertj.core.api.Assertions.assertThat;

import com.vpsie.autoscaler.scaleup.ScaleUpOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RandomExpanderTest {

    private final List<ScaleUpOption> options = List.of(
            simple("a", "o", 1, 1, 1.0), simple("b", "o", 1, 1, 1.0),
            simple("c", "o", 1, 1, 1.0), simple("d", "o", 1, 1, 1.0));

    private List<ScaleUpOption> picks(long seed, int calls) {
        RandomExpander e = new RandomExpander(seed);
        List<ScaleUpOption> out = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            List<ScaleUpOption> best = e.best(options);
            assertThat(best).hasSize(1);
            assertThat(options).contains(best.get(0));
            out.add(best.get(0));
        }
        return out;
    }

    @Test
    void sameSeedGivesSameSequence() {
        assertThat(picks(42, 50)).isEqualTo(picks(42, 50));
    }

    @Test
    void differentSeedsCanPickDifferently() {
        Set<ScaleUpOption> firstPicks = new HashSet<>();
        for (long seed = 0; seed < 20; seed++) {
            firstPicks.add(picks(seed, 1).get(0));
        }
        // Small consecutive seeds, as users pick them: plain java.util.Random would give the same first pick.
        assertThat(firstPicks).hasSize(4);
        assertThat(picks(1, 30)).isNotEqualTo(picks(2, 30));
    }

    @Test
    void singleAndEmptyInputs() {
        RandomExpander e = new RandomExpander(7);
        assertThat(e.best(List.of())).isEmpty();
        assertThat(e.best(options.subList(0, 1))).containsExactly(options.get(0));
    }
}
