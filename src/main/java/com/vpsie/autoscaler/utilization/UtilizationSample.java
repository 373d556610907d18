package com.vpsie.autoscaler.utilization;

import java.time.Instant;
import java.util.Objects;

/** One observation of a node's utilization at a point in time. */
public record UtilizationSample(Instant time, double cpuFraction, double memoryFraction) {

    public UtilizationSample {
        Objects.requireNonNull(time, "time");
    }

    public static UtilizationSample of(Instant time, NodeUtilization utilization) {
        return new UtilizationSample(time, utilization.cpuFraction(), utilization.memoryFraction());
    }

    public double max() {
        return Math.max(cpuFraction, memoryFraction);
    }
}
