package com.vpsie.autoscaler.provider.vpsie;

/**
 * Groups of VPSie calls that fail together; each has its own circuit breaker and is the {@code endpoint}
 * label of the vpsie_api_* metrics (bounded: never a URL or an id).
 */
public enum EndpointFamily {
    AUTH("auth"),
    NODE_GROUPS("node_groups"),
    ADD_GROUP("add_group"),
    DELETE_GROUP("delete_group"),
    OFFERS("offers"),
    CLUSTER("cluster"),
    ADD_WORKER("add_worker"),
    DELETE_WORKER("delete_worker"),
    VMS("vms");

    private final String label;

    EndpointFamily(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
