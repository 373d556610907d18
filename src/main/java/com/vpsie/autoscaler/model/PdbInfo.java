package com.vpsie.autoscaler.model;

/** A PodDisruptionBudget as the planner needs it: which pods it guards and how many may go now. */
public record PdbInfo(String namespace, String name, LabelSelector selector, int disruptionsAllowed) {

    public String key() {
        return namespace + "/" + name;
    }

    public boolean covers(PodInfo pod) {
        return namespace.equals(pod.namespace()) && selector.matches(pod.labels());
    }
}
