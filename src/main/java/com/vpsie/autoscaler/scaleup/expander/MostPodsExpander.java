package com.vpsie.autoscaler.scaleup.expander;

import com.vpsie.autoscaler.scaleup.ScaleUpOption;
import java.util.ArrayList;
import java.util.List;

/** Prefers the options that get the most pending pods scheduled. */
public final class MostPodsExpander implements Expander {

    public static final String NAME = "most-pods";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<ScaleUpOption> best(List<ScaleUpOption> options) {
        int most = Integer.MIN_VALUE;
        for (ScaleUpOption o : options) {
            most = Math.max(most, o.pods().size());
        }
        List<ScaleUpOption> best = new ArrayList<>();
        for (ScaleUpOption o : options) {
            if (o.pods().size() == most) {
                best.add(o);
            }
        }
        return List.copyOf(best);
    }
}
