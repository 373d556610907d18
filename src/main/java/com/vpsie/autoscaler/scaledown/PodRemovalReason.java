package com.vpsie.autoscaler.scaledown;

/**
 * Why a pod keeps its node from being removed. The constants are spelled as cluster-autoscaler's reason
 * words because those words are a contract (plans, events, metric labels), so name, toString and word agree.
 */
public enum PodRemovalReason {
    NotReplicated,
    UnmovableKubeSystemPod,
    LocalStorageRequested,
    NotSafeToEvictAnnotation,
    NotEnoughPdb;

    public String word() {
        return name();
    }

    @Override
    public String toString() {
        return name();
    }
}
