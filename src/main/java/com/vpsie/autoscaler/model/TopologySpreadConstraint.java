package com.vpsie.autoscaler.model;

/** A topology spread constraint; only whenUnsatisfiable=DoNotSchedule ones are kept, as only they are hard. */
public record TopologySpreadConstraint(int maxSkew, String topologyKey, LabelSelector selector) {
}
