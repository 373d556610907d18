package com.vpsie.autoscaler.scaleup.expander;

import com.vpsie.autoscaler.scaleup.ScaleUpOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Prefers the cheapest option per pod helped: nodeCount × pricePerHour / pods. Options without a usable
 * price rank after every priced option; when none is priced all are equally good, so the next expander decides.
 */
public final class PriceExpander implements Expander {

    public static final String NAME = "price";

    /** Relative tolerance: prices are small decimals, and a per-pod division rarely comes out exact. */
    static final double RELATIVE_EPSILON = 1e-9;
    static final double ABSOLUTE_EPSILON = 1e-12;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<ScaleUpOption> best(List<ScaleUpOption> options) {
        List<ScaleUpOption> priced = new ArrayList<>();
        for (ScaleUpOption o : options) {
            if (hasPrice(o)) {
                priced.add(o);
            }
        }
        if (priced.isEmpty()) {
            return List.copyOf(options);
        }
        return Scores.lowest(priced, PriceExpander::pricePerPod, ABSOLUTE_EPSILON, RELATIVE_EPSILON);
    }

    /** NaN marks an unknown price; infinite or negative figures are treated as unknown too rather than trusted. */
    public static boolean hasPrice(ScaleUpOption option) {
        double p = option.pricePerHour();
        return Double.isFinite(p) && p >= 0;
    }

    /** Total hourly price of the option's nodes per pod helped, NaN without a usable price. */
    public static double pricePerPod(ScaleUpOption option) {
        if (!hasPrice(option)) {
            return Double.NaN;
        }
        // An option helping no pod should not exist; dividing by one keeps it finite and ranked by total price.
        int pods = Math.max(1, option.pods().size());
        return option.nodeCount() * option.pricePerHour() / pods;
    }
}
