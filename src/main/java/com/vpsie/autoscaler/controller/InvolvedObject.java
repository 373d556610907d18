package com.vpsie.autoscaler.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.Objects;

/**
 * The object an Event is about: a Pod, a Node or a NodeGroup. {@code namespace} is null for cluster-scoped
 * objects such as Nodes; {@code uid} may be null when unknown.
 */
public record InvolvedObject(String kind, String apiVersion, String namespace, String name, String uid) {

    public InvolvedObject {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(apiVersion, "apiVersion");
        Objects.requireNonNull(name, "name");
        if (namespace != null && namespace.isBlank()) {
            namespace = null;
        }
    }

    /** The reference to {@code resource}; kind and apiVersion come from its class when the object lacks them. */
    public static InvolvedObject of(HasMetadata resource) {
        ObjectMeta meta = Objects.requireNonNull(resource.getMetadata(), "metadata");
        String kind = resource.getKind() != null ? resource.getKind() : HasMetadata.getKind(resource.getClass());
        String apiVersion = resource.getApiVersion() != null ? resource.getApiVersion()
                : HasMetadata.getApiVersion(resource.getClass());
        return new InvolvedObject(kind, apiVersion, meta.getNamespace(), meta.getName(), meta.getUid());
    }

    public boolean clusterScoped() {
        return namespace == null;
    }

    /** "Kind/namespace/name", or "Kind/name" when cluster-scoped: identifies the object across uids. */
    public String key() {
        return clusterScoped() ? kind + "/" + name : kind + "/" + namespace + "/" + name;
    }
}
