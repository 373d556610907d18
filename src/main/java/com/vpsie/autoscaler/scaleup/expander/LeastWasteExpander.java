package com.vpsie.autoscaler.scaleup.expander;

import com.vpsie.autoscaler.scaleup.ScaleUpOption;
import java.util.List;

/**
 * cluster-autoscaler's default: prefers the option that leaves the least CPU and memory idle on the new
 * nodes, scored as wasted CPU fraction + wasted memory fraction (0 is a perfect fit, 2 is all idle).
 */
public final class LeastWasteExpander implements Expander {

    public static final String NAME = "least-waste";

    /** Scores are sums of two fractions in [0, 1]; differences below this are rounding, not waste. */
    static final double EPSILON = 1e-9;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<ScaleUpOption> best(List<ScaleUpOption> options) {
        return Scores.lowest(options, LeastWasteExpander::score, EPSILON, 0);
    }

    /** Wasted CPU fraction + wasted memory fraction over all the option's new nodes. */
    public static double score(ScaleUpOption option) {
        long nodes = option.nodeCount();
        return wastedFraction(nodes * option.nodeAllocatable().cpuMillis(), option.podRequests().cpuMillis())
                + wastedFraction(nodes * option.nodeAllocatable().memoryBytes(), option.podRequests().memoryBytes());
    }

    static double wastedFraction(long offered, long requested) {
        if (offered <= 0) {
            // Nothing offered means nothing idle; also avoids 0/0.
            return 0;
        }
        // Clamped so an option claiming more than it offers cannot look better than a perfect fit.
        double wasted = (double) (offered - requested) / offered;
        return Math.max(0, Math.min(1, wasted));
    }
}
