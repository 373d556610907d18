package com.vpsie.autoscaler.scaleup.expander;

import com.vpsie.autoscaler.scaleup.ScaleUpOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** Keeps the options whose score is within a tolerance of the best one, so float noise cannot split a tie. */
final class Scores {

    private Scores() {
    }

    /** Options scoring at most {@code min + tolerance(min)}, in input order. Scores must not be NaN. */
    static List<ScaleUpOption> lowest(List<ScaleUpOption> options, ToDoubleFunction<ScaleUpOption> score,
                                      double absoluteEpsilon, double relativeEpsilon) {
        if (options.isEmpty()) {
            return List.of();
        }
        double[] scores = new double[options.size()];
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < scores.length; i++) {
            scores[i] = score.applyAsDouble(options.get(i));
            min = Math.min(min, scores[i]);
        }
        // Measured against the minimum, not pairwise, so the result does not depend on input order.
        double limit = min + absoluteEpsilon + relativeEpsilon * Math.abs(min);
        List<ScaleUpOption> best = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
            if (scores[i] <= limit || scores[i] == min) {
                best.add(options.get(i));
            }
        }
        return List.copyOf(best);
    }
}
