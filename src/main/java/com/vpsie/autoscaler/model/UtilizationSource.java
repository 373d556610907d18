package com.vpsie.autoscaler.model;

import java.util.Locale;

/**
 * What a NodeGroup's scale-down judges a node's utilization by ({@code scaleDownPolicy.utilizationSource}):
 * the requests of its pods (cluster-autoscaler), its measured usage over the stabilization window (the Go VPSie
 * autoscaler's metrics-server rule), or both at once.
 */
public enum UtilizationSource {
    REQUESTS, USAGE, BOTH;

    /** The word in the NodeGroup spec. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The source a spec word names, or null for an unknown word. */
    public static UtilizationSource ofWord(String word) {
        for (UtilizationSource s : values()) {
            if (s.word().equals(word)) {
                return s;
            }
        }
        return null;
    }
}
