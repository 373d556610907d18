package com.vpsie.autoscaler.model;

/** Thresholds are percentages of allocatable; a node is underutilized below both. */
public record ScaleDownPolicy(boolean enabled, int cpuThresholdPercent, int memoryThresholdPercent,
                              long stabilizationWindowSeconds, long cooldownSeconds) {

    public static final ScaleDownPolicy DEFAULT = new ScaleDownPolicy(true, 50, 50, 600, 600);
}
