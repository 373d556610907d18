package com.vpsie.autoscaler.scaledown;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.vpsie.autoscaler.model.WellKnown;
import com.vpsie.autoscaler.plan.Plan;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes and removes the scale-down marks on a Node through the API. Each write is a JSON merge patch of only
 * our fields, locked on the resourceVersion it was computed from: a 409 re-reads the Node and decides again, so a
 * concurrent change (the node controller's taints, an operator's cordon, another drain) is never overwritten.
 * Calls take the client's request timeout as their deadline.
 */
final class NodeMarkExecutor {

    enum MarkOutcome { MARKED, GONE, ALREADY_MARKED }

    enum DrainedOutcome { DRAINED, GONE, NOT_OURS }

    enum UndoOutcome {
        UNDONE, NOTHING_TO_UNDO, GONE,
        /** Drained: the reconciler owns it, an undo would let pods land on a node about to go. */
        LEFT_DRAINED,
        /** Marks of a different drain: not ours to remove. */
        NOT_OURS,
        /** The API kept failing until the undo's deadline; the next sweep of leftover marks tries again. */
        GAVE_UP
    }

    /** The node changed more often than we could re-read it. */
    static final class ConflictException extends RuntimeException {
        ConflictException(String message) {
            super(message);
        }
    }

    private static final int ATTEMPTS = 5;
    private static final ObjectMapper MAPPER = Serialization.jsonMapper();

    private final KubernetesClient client;

    NodeMarkExecutor(KubernetesClient client) {
        this.client = client;
    }

    /** The node as the API server has it now, or null. */
    Node get(String name) {
        return client.nodes().withName(name).get();
    }

    static NodeMarks marksOf(Node node) {
        if (node == null) {
            return NodeMarks.NONE;
        }
        boolean tainted = node.getSpec() != null && node.getSpec().getTaints() != null
                && node.getSpec().getTaints().stream().anyMatch(t -> WellKnown.TO_BE_DELETED_TAINT.equals(t.getKey()));
        return NodeMarks.read(node.getMetadata().getAnnotations(), tainted);
    }

    /**
     * Taints, cordons and annotates the node as draining since {@code startedAt} for the NodeGroup {@code owner}
     * ("namespace/name"; null writes no owner).
     */
    MarkOutcome mark(String name, Instant startedAt, Plan.ScaleDownKind kind, String owner) {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Node node = get(name);
            if (node == null || node.getMetadata().getDeletionTimestamp() != null) {
                return MarkOutcome.GONE;
            }
            if (marksOf(node).any() || hasTaint(node, WellKnown.CA_TO_BE_DELETED_TAINT)) {
                return MarkOutcome.ALREADY_MARKED;
            }
            boolean wasCordoned = node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable());
            List<Taint> taints = taintsWithout(node, WellKnown.TO_BE_DELETED_TAINT);
            com.vpsie.autoscaler.model.Taint ours = NodeMarks.taint(startedAt);
            taints.add(new TaintBuilder().withKey(ours.key()).withValue(ours.value())
                    .withEffect(ours.effect().wireName()).build());
            ObjectNode patch = lockedPatch(node);
            ObjectNode annotations = ((ObjectNode) patch.get("metadata")).putObject("annotations");
            NodeMarks.drainingAnnotations(startedAt, kind, wasCordoned, owner).forEach(annotations::put);
            ObjectNode spec = patch.putObject("spec");
            spec.set("taints", MAPPER.valueToTree(taints));
            spec.put("unschedulable", true);
            if (apply(name, patch)) {
                return MarkOutcome.MARKED;
            }
        }
        throw new ConflictException("node " + name + " kept changing while it was being marked");
    }

    /** Turns the draining mark of the drain that started at {@code startedAt} into drained. */
    DrainedOutcome markDrained(String name, Instant startedAt, Instant at) {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Node node = get(name);
            if (node == null) {
                return DrainedOutcome.GONE;
            }
            NodeMarks marks = marksOf(node);
            if (!marks.draining() || !marks.sameDrain(startedAt)) {
                return DrainedOutcome.NOT_OURS;
            }
            ObjectNode patch = lockedPatch(node);
            ObjectNode annotations = ((ObjectNode) patch.get("metadata")).putObject("annotations");
            NodeMarks.drainedAnnotations(at).forEach(annotations::put);
            if (apply(name, patch)) {
                return DrainedOutcome.DRAINED;
            }
        }
        throw new ConflictException("node " + name + " kept changing while it was being marked drained");
    }

    /**
     * Removes our taint and annotations and, unless the node was cordoned before the drain, the cordon.
     * {@code startedAt} names the drain being undone; null undoes whatever draining marks are there. A drained
     * node is left to the reconciler unless {@code evenDrained} (its NodeGroup is gone). A taint without our
     * annotations (edited by hand) loses the taint but keeps its cordon, since nothing says the cordon was ours.
     */
    UndoOutcome unmark(String name, Instant startedAt, boolean evenDrained) {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Node node = get(name);
            if (node == null) {
                return UndoOutcome.GONE;
            }
            NodeMarks marks = marksOf(node);
            if (!marks.any()) {
                return UndoOutcome.NOTHING_TO_UNDO;
            }
            if (marks.drained() && !evenDrained) {
                return UndoOutcome.LEFT_DRAINED;
            }
            if (startedAt != null && marks.startedAt() != null && !marks.sameDrain(startedAt)) {
                return UndoOutcome.NOT_OURS;
            }
            ObjectNode patch = lockedPatch(node);
            ObjectNode annotations = ((ObjectNode) patch.get("metadata")).putObject("annotations");
            Map<String, String> present = node.getMetadata().getAnnotations() == null ? Map.of()
                    : node.getMetadata().getAnnotations();
            for (String key : NodeMarks.ANNOTATIONS) {
                if (present.containsKey(key)) {
                    annotations.putNull(key);
                }
            }
            ObjectNode spec = patch.putObject("spec");
            if (marks.tainted()) {
                spec.set("taints", MAPPER.valueToTree(taintsWithout(node, WellKnown.TO_BE_DELETED_TAINT)));
            }
            if (marks.state() != null && !marks.wasCordoned() && node.getSpec() != null
                    && Boolean.TRUE.equals(node.getSpec().getUnschedulable())) {
                spec.putNull("unschedulable");
            }
            if (apply(name, patch)) {
                return UndoOutcome.UNDONE;
            }
        }
        throw new ConflictException("node " + name + " kept changing while its marks were being removed");
    }

    private static ObjectNode lockedPatch(Node node) {
        ObjectNode patch = MAPPER.createObjectNode();
        patch.putObject("metadata").put("resourceVersion", node.getMetadata().getResourceVersion());
        return patch;
    }

    /**
     * False on a conflict (the node changed since it was read) or a 404 (it went meanwhile), so the caller
     * re-reads and decides again.
     */
    private boolean apply(String name, ObjectNode patch) {
        try {
            client.nodes().withName(name).patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409 || e.getCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    private static boolean hasTaint(Node node, String key) {
        return node.getSpec() != null && node.getSpec().getTaints() != null
                && node.getSpec().getTaints().stream().anyMatch(t -> key.equals(t.getKey()));
    }

    private static List<Taint> taintsWithout(Node node, String key) {
        List<Taint> out = new ArrayList<>();
        if (node.getSpec() != null && node.getSpec().getTaints() != null) {
            for (Taint t : node.getSpec().getTaints()) {
                if (!key.equals(t.getKey())) {
                    out.add(t);
                }
            }
        }
        return out;
    }
}
