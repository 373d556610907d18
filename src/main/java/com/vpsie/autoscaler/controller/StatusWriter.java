package com.vpsie.autoscaler.controller;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only writer of {@code NodeGroup.status}. A change is a function of the current status, so after
 * a conflict (409) it is re-applied to a freshly read object instead of overwriting someone else's
 * write. Each write is a JSON merge patch of only what changed, locked on the resourceVersion it was
 * computed from; nothing is sent when nothing changed. {@link StatusMerge} keeps times monotonic.
 */
public final class StatusWriter {

    private static final Logger LOG = LoggerFactory.getLogger(StatusWriter.class);

    private final KubernetesClient client;
    private final Clock clock;
    private final int maxAttempts;
    private final ObjectMapper mapper = new ObjectMapper();

    /** {@code group} is the object after the write (or as read when nothing was written); null when it is gone. */
    public record Outcome(boolean written, int attempts, NodeGroup group) {
    }

    /** The conflicts did not stop within the allowed attempts. */
    public static final class ConflictException extends RuntimeException {
        ConflictException(String message) {
            super(message);
        }
    }

    public StatusWriter(KubernetesClient client, Clock clock, int maxAttempts) {
        this.client = client;
        this.clock = clock;
        this.maxAttempts = maxAttempts;
    }

    public StatusWriter(KubernetesClient client, Clock clock) {
        this(client, clock, 8);
    }

    /**
     * Applies {@code change} to the status of {@code namespace/name}. {@code known} is the caller's copy
     * (e.g. from the informer cache) to start from, or null to read it first.
     */
    public Outcome update(String namespace, String name, NodeGroup known, UnaryOperator<NodeGroupStatus> change) {
        NodeGroup current = known != null ? known : read(namespace, name);
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            if (current == null) {
                return new Outcome(false, attempt, null);
            }
            NodeGroupStatus old = current.getStatus();
            NodeGroupStatus merged = StatusMerge.merge(old, change.apply(StatusCopy.of(old)), clock.instant());
            if (Objects.equals(old == null ? new NodeGroupStatus() : old, merged)) {
                return new Outcome(false, attempt, current);
            }
            try {
                NodeGroup stored = client.resources(NodeGroup.class).inNamespace(namespace).withName(name)
                        .subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), patch(current, merged));
                return new Outcome(true, attempt, stored);
            } catch (KubernetesClientException e) {
                if (e.getCode() == 404) {
                    return new Outcome(false, attempt, null);
                }
                if (e.getCode() != 409) {
                    throw e;
                }
                LOG.debug("status of NodeGroup {}/{} changed underneath (attempt {}), re-reading", namespace, name,
                        attempt);
                pause(attempt);
                current = read(namespace, name);
            }
        }
        throw new ConflictException("status of NodeGroup " + namespace + "/" + name + " kept conflicting after "
                + maxAttempts + " attempts");
    }

    private String patch(NodeGroup current, NodeGroupStatus merged) {
        ObjectNode body = mapper.createObjectNode();
        body.putObject("metadata").put("resourceVersion", current.getMetadata().getResourceVersion());
        JsonNode before = current.getStatus() == null ? null : mapper.valueToTree(current.getStatus());
        body.set("status", JsonMergePatch.diff(before, mapper.valueToTree(merged)));
        try {
            return mapper.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("status of NodeGroup cannot be serialized", e);
        }
    }

    private NodeGroup read(String namespace, String name) {
        return client.resources(NodeGroup.class).inNamespace(namespace).withName(name).get();
    }

    /** A short random pause so writers that collided do not collide again in lockstep. */
    private static void pause(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(5, 20L * Math.min(attempt, 5)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConflictException("interrupted while retrying a status write");
        }
    }
}
