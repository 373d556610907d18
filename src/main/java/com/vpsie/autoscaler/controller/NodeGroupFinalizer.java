package com.vpsie.autoscaler.controller;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.model.WellKnown;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.List;

/**
 * Adds and removes {@value WellKnown#NODEGROUP_FINALIZER} on a NodeGroup with JSON patches that touch that one
 * entry: a {@code test} op guards each change, so another controller's finalizer written meanwhile is neither lost
 * nor removed (the patch fails with 422 and the next reconcile tries again on a fresh copy).
 */
final class NodeGroupFinalizer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client;

    NodeGroupFinalizer(KubernetesClient client) {
        this.client = client;
    }

    static boolean present(NodeGroup group) {
        List<String> f = group.getMetadata().getFinalizers();
        return f != null && f.contains(WellKnown.NODEGROUP_FINALIZER);
    }

    /**
     * Adds it to the stored object {@code group} was read from; throws KubernetesClientException when refused, 422
     * when the object changed since.
     */
    void add(NodeGroup group) {
        List<String> current = group.getMetadata().getFinalizers();
        ArrayNode ops = JSON.createArrayNode();
        // Only onto the copy it was read from: from a cache that lags our own write, adding again would list it twice.
        ops.add(op("test", "/metadata/resourceVersion", group.getMetadata().getResourceVersion()));
        if (current == null || current.isEmpty()) {
            ops.add(JSON.createObjectNode().put("op", "add").put("path", "/metadata/finalizers")
                    .set("value", JSON.createArrayNode().add(WellKnown.NODEGROUP_FINALIZER)));
        } else {
            ops.add(op("add", "/metadata/finalizers/-", WellKnown.NODEGROUP_FINALIZER));
        }
        patch(group, ops);
    }

    /** Removes it; throws KubernetesClientException when refused or when the list changed meanwhile. */
    void remove(NodeGroup group) {
        List<String> current = group.getMetadata().getFinalizers();
        int at = current == null ? -1 : current.indexOf(WellKnown.NODEGROUP_FINALIZER);
        if (at < 0) {
            return;
        }
        ArrayNode ops = JSON.createArrayNode();
        ops.add(op("test", "/metadata/finalizers/" + at, WellKnown.NODEGROUP_FINALIZER));
        ops.add(JSON.createObjectNode().put("op", "remove").put("path", "/metadata/finalizers/" + at));
        patch(group, ops);
    }

    private void patch(NodeGroup group, ArrayNode ops) {
        client.resources(NodeGroup.class).inNamespace(group.getMetadata().getNamespace())
                .withName(group.getMetadata().getName()).patch(PatchContext.of(PatchType.JSON), ops.toString());
    }

    private static ObjectNode op(String op, String path, String value) {
        return JSON.createObjectNode().put("op", op).put("path", path).put("value", value);
    }
}
