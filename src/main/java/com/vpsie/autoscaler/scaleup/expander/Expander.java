package com.vpsie.autoscaler.scaleup.expander;

import com.vpsie.autoscaler.scaleup.ScaleUpOption;
import java.util.List;

/** Narrows scale-up options to the ones it likes best; chained expanders break each other's ties. */
public interface Expander {

    String name();

    /** The best options, in the order given; never empty for a non-empty input. */
    List<ScaleUpOption> best(List<ScaleUpOption> options);
}
