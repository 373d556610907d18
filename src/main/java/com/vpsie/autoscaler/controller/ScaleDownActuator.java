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
}
