package com.vpsie.autoscaler.scheduling;

/** Why a pod does not fit a node, worded as kube-scheduler words it so users recognise it. */
public enum Unfit {
    NODE_NOT_READY("node(s) were not ready"),
    NODE_UNSCHEDULABLE("node(s) were unschedulable"),
    NODE_BEING_DELETED("node(s) were being deleted"),
    NODE_SELECTOR("node(s) didn't match Pod's node affinity/selector"),
    TAINT("node(s) had untolerated taint"),
    INSUFFICIENT_CPU("Insufficient cpu"),
    INSUFFICIENT_MEMORY("Insufficient memory"),
    INSUFFICIENT_EPHEMERAL_STORAGE("Insufficient ephemeral-storage"),
    TOO_MANY_PODS("Too many pods"),
    HOST_PORT("node(s) didn't have free ports for the requested pod ports"),
    POD_AFFINITY("node(s) didn't match pod affinity rules"),
    POD_ANTI_AFFINITY("node(s) didn't match pod anti-affinity rules"),
    EXISTING_POD_ANTI_AFFINITY("node(s) didn't satisfy existing pods anti-affinity rules"),
    TOPOLOGY_SPREAD("node(s) didn't match pod topology spread constraints");

    private final String message;

    Unfit(String message) {
        this.message = message;
    }

    public String message() {
        return message;
    }
}
