package com.vpsie.autoscaler.scheduling;

/** What a node in the simulation stands for; it decides whether the node may take pods and which. */
public enum NodeRole {
    /** A registered node that is Ready. */
    READY,
    /** Registered, NotReady, younger than the startup timeout: it will take pods soon. */
    BOOTING,
    /** Registered, NotReady for longer than the startup timeout: it takes no pods. */
    BROKEN,
    /** Requested (desired size above registered nodes) but not registered yet. */
    UPCOMING,
    /** A node a scale-up estimate is adding. */
    ESTIMATED;

    /** Startup taints (not-ready, uninitialized) are expected on these and will go away. */
    public boolean ignoresStartupTaints() {
        return this != READY && this != BROKEN;
    }
}
