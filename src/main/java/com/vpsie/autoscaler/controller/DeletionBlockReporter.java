package com.vpsie.autoscaler.controller;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupCondition;
import com.vpsie.autoscaler.model.ClusterSnapshot;
import com.vpsie.autoscaler.model.NodeGroupInfo;
import com.vpsie.autoscaler.plan.NodeReason;
import com.vpsie.autoscaler.plan.Plan;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells, for every NodeGroup being deleted, which of its nodes the pass could not let go and why (a PDB, a pod no
 * drain rule lets go, a protected node): the {@code Deleting} condition says {@code DeletionBlocked} with the
 * reasons, and a {@code DeletionBlocked} Event is sent when they change. Once nothing blocks, the condition goes
 * back to {@code Draining}.
 */
final class DeletionBlockReporter {

    private static final Logger LOG = LoggerFactory.getLogger(DeletionBlockReporter.class);
    static final String BLOCKED = "DeletionBlocked";
    static final String DRAINING = "Draining";
    /** Nodes named in the message; the rest are counted, so the status stays small. */
    private static final int NAMED = 3;

    private final ClusterCache cache;
    private final StatusWriter statusWriter;
    private final EventRecorder events;

    DeletionBlockReporter(ClusterCache cache, StatusWriter statusWriter, EventRecorder events) {
        this.cache = cache;
        this.statusWriter = statusWriter;
        this.events = events;
    }

    void report(Plan plan, ClusterSnapshot snapshot) {
        for (NodeGroupInfo group : snapshot.nodeGroups().values()) {
            if (!group.deleting()) {
                continue;
            }
            NodeGroup cached = cache.nodeGroup(group.namespace(), group.name());
            if (cached == null) {
                continue;
            }
            List<String> blocked = new ArrayList<>();
            for (Plan.Unremovable u : plan.unremovable()) {
                // a node being drained or deleted is progress, not a block
                if (group.name().equals(u.nodeGroup()) && !NodeReason.CURRENTLY_BEING_DELETED.equals(u.reason())) {
                    blocked.add(u.node() + ": " + u.reason() + (u.pod() == null ? "" : " (" + u.pod()
                            + (u.podReason() == null ? "" : ": " + u.podReason()) + ")"));
                }
            }
            NodeGroupCondition current = condition(cached);
            if (!blocked.isEmpty()) {
                String message = message(blocked);
                if (current == null || !BLOCKED.equals(current.getReason()) || !message.equals(current.getMessage())) {
                    LOG.warn("NodeGroup {}/{} is being deleted but {}", group.namespace(), group.name(), message);
                    events.warning(NodeGroupReconciler.ref(cached), BLOCKED, message);
                    write(cached, BLOCKED, message);
                }
            } else if (current != null && BLOCKED.equals(current.getReason())) {
                write(cached, DRAINING, "no node is blocked now; draining");
            }
        }
    }

    private static String message(List<String> blocked) {
        String named = String.join("; ", blocked.subList(0, Math.min(NAMED, blocked.size())));
        return blocked.size() + " node(s) cannot be drained yet: " + named
                + (blocked.size() > NAMED ? "; and " + (blocked.size() - NAMED) + " more" : "");
    }

    private void write(NodeGroup cached, String reason, String message) {
        statusWriter.update(cached.getMetadata().getNamespace(), cached.getMetadata().getName(), cached, s -> {
            s.setConditions(NodeGroupReconciler.replaceCondition(s.getConditions(), new NodeGroupCondition(
                    NodeGroupCondition.TYPE_DELETING, NodeGroupCondition.STATUS_TRUE, reason, message)));
            return s;
        });
    }

    static NodeGroupCondition condition(NodeGroup group) {
        if (group.getStatus() == null || group.getStatus().getConditions() == null) {
            return null;
        }
        return group.getStatus().getConditions().stream()
                .filter(c -> NodeGroupCondition.TYPE_DELETING.equals(c.getType())).findFirst().orElse(null);
    }
}
