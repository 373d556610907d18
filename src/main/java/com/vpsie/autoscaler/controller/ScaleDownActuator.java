package com.vpsie.autoscaler.controller;

import com.vpsie.autoscaler.model.ClusterSnapshot;
import com.vpsie.autoscaler.plan.Plan;
import java.util.List;

/** Carries out scale-down: takes nodes that have been unneeded long enough and drains them. */
public interface ScaleDownActuator {

    /** Hands over this pass's eligible nodes, least utilized first. Must not block the pass. */
    void submit(List<Plan.ScaleDown> nodes, ClusterSnapshot snapshot);

    /** Whether a group failed a scale-down recently and must wait (cluster-autoscaler: 3 min). */
    boolean inFailureCooldown(String nodeGroup, java.time.Instant now);

    /** This replica starts leading: pick up drains a previous leader (or this process before a crash) left. */
    default void resume() {
    }

    /** Lease lost: stop at once; undoing what was started runs on its own. */
    default void stop() {
    }

    /** Process ending: stop, and give work in flight up to {@code grace} to finish or be undone. */
    default void shutdown(java.time.Duration grace) {
    }
}
