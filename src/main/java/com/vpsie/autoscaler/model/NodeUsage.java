package com.vpsie.autoscaler.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A node's measured usage (from the {@code metrics.k8s.io} API) as a snapshot carries it: copies of the samples
 * the controller kept, oldest first, each as fractions of the node's allocatable (1.0 = all of it).
 */
public record NodeUsage(List<Sample> samples) {

    public NodeUsage {
        samples = List.copyOf(samples);
    }

    /** One measurement. */
    public record Sample(Instant time, double cpuFraction, double memoryFraction) {
        public Sample {
            Objects.requireNonNull(time, "time");
        }
    }
}
