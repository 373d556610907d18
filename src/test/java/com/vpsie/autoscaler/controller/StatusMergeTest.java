package com.vpsie.autoscaler.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroupCondition;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusMergeTest {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final Instant T1 = Instant.parse("2026-11-22T11:00:00Z");

    private static NodeGroupStatus withCondition(String status, String reason) {
        NodeGroupStatus s = new NodeGroupStatus();
        s.setConditions(List.of(new NodeGroupCondition("Ready", status, reason, "m")));
        return s;
    }

    @Test
    void scaleTimesNeverGoBackwards() {
        NodeGroupStatus old = new NodeGroupStatus();
        old.setLastScaleUpTime("2026-11-22T11:00:00Z");
        NodeGroupStatus proposed = new NodeGroupStatus();
        proposed.setLastScaleUpTime("2026-11-22T09:00:00Z");
        proposed.setLastScaleDownTime("2026-11-22T09:30:00+02:00");
        NodeGroupStatus merged = StatusMerge.merge(old, proposed, T1);
        assertThat(merged.getLastScaleUpTime()).isEqualTo("2026-11-22T11:00:00Z");
        assertThat(merged.getLastScaleDownTime()).as("normalised to UTC").isEqualTo("2026-11-22T07:30:00Z");
    }

    @Test
    void transitionTimeMovesOnlyWhenTheStatusFlips() {
        NodeGroupStatus first = StatusMerge.merge(null, withCondition("True", "Reconciled"), T0);
        assertThat(first.getConditions().get(0).getLastTransitionTime()).isEqualTo("2026-11-22T10:00:00Z");

        NodeGroupStatus same = StatusMerge.merge(first, withCondition("True", "Reconciled"), T1);
        assertThat(same).isEqualTo(first);

        NodeGroupStatus reworded = StatusMerge.merge(first, withCondition("True", "StillFine"), T1);
        assertThat(reworded.getConditions().get(0).getLastTransitionTime()).isEqualTo("2026-11-22T10:00:00Z");
        assertThat(reworded.getConditions().get(0).getLastUpdateTime()).isEqualTo("2026-11-22T11:00:00Z");

        NodeGroupStatus flipped = StatusMerge.merge(first, withCondition("False", "InvalidSpec"), T1);
        assertThat(flipped.getConditions().get(0).getLastTransitionTime()).isEqualTo("2026-11-22T11:00:00Z");
    }

    @Test
    void observedGenerationNeverGoesBack() {
        NodeGroupStatus old = new NodeGroupStatus();
        old.setObservedGeneration(5L);
        NodeGroupStatus proposed = new NodeGroupStatus();
        proposed.setObservedGeneration(3L);
        assertThat(StatusMerge.merge(old, proposed, T1).getObservedGeneration()).isEqualTo(5L);
        proposed.setObservedGeneration(6L);
        assertThat(StatusMerge.merge(old, proposed, T1).getObservedGeneration()).isEqualTo(6L);
    }
}
