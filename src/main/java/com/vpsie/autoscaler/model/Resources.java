package com.vpsie.autoscaler.model;

/** An amount of schedulable resources: cpu in millicores, memory and ephemeral storage in bytes, pod slots. */
public record Resources(long cpuMillis, long memoryBytes, long ephemeralStorageBytes, long pods) {

    public static final Resources ZERO = new Resources(0, 0, 0, 0);

    public static Resources of(long cpuMillis, long memoryBytes) {
        return new Resources(cpuMillis, memoryBytes, 0, 0);
    }

    public Resources plus(Resources o) {
        return new Resources(cpuMillis + o.cpuMillis, memoryBytes + o.memoryBytes,
                ephemeralStorageBytes + o.ephemeralStorageBytes, pods + o.pods);
    }

    public Resources minus(Resources o) {
        return new Resources(cpuMillis - o.cpuMillis, memoryBytes - o.memoryBytes,
                ephemeralStorageBytes - o.ephemeralStorageBytes, pods - o.pods);
    }

    /** Component-wise maximum, as kube-scheduler combines init containers with the app containers. */
    public Resources max(Resources o) {
        return new Resources(Math.max(cpuMillis, o.cpuMillis), Math.max(memoryBytes, o.memoryBytes),
                Math.max(ephemeralStorageBytes, o.ephemeralStorageBytes), Math.max(pods, o.pods));
    }

    public Resources withPods(long podCount) {
        return new Resources(cpuMillis, memoryBytes, ephemeralStorageBytes, podCount);
    }
}
