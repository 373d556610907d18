package com.vpsie.autoscaler.model;

import java.util.Objects;

/** Thresholds are percentages of allocatable; a node is underutilized below both, by {@code utilizationSource}. */
public record ScaleDownPolicy(boolean enabled, int cpuThresholdPercent, int memoryThresholdPercent,
                              long stabilizationWindowSeconds, long cooldownSeconds,
                              UtilizationSource utilizationSource) {

    public static final ScaleDownPolicy DEFAULT = new ScaleDownPolicy(true, 50, 50, 600, 600);

    public ScaleDownPolicy {
        Objects.requireNonNull(utilizationSource, "utilizationSource");
    }

    /** Judged by requests, as before groups could choose. */
    public ScaleDownPolicy(boolean enabled, int cpuThresholdPercent, int memoryThresholdPercent,
                           long stabilizationWindowSeconds, long cooldownSeconds) {
        this(enabled, cpuThresholdPercent, memoryThresholdPercent, stabilizationWindowSeconds, cooldownSeconds,
                UtilizationSource.REQUESTS);
    }

    /** Below both thresholds (fractions of allocatable, 1.0 = full). */
    public boolean belowThresholds(double cpuFraction, double memoryFraction) {
        return cpuFraction * 100 < cpuThresholdPercent && memoryFraction * 100 < memoryThresholdPercent;
    }
}
