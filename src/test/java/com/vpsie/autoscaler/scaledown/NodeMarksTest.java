package com.vpsie.autoscaler.scaledown;

import static org.assertj.core.api.Assertions.assertThat;

import com.vpsie.autoscaler.model.Taint;
import com.vpsie.autoscaler.model.TaintEffect;
import com.vpsie.autoscaler.model.WellKnown;
import com.vpsie.autoscaler.plan.Plan;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeMarksTest {

    private static final Instant STARTED = Instant.parse("2026-11-22T10:00:00.123456Z");

    @Test
    void drainingAnnotationsReadBackAsTheSameDrain() {
        Map<String, String> a = NodeMarks.drainingAnnotations(STARTED, Plan.ScaleDownKind.Underutilized, false);

        NodeMarks marks = NodeMarks.read(a, List.of(NodeMarks.taint(STARTED)));

        assertThat(a).containsEntry(WellKnown.DRAIN_STATE_ANNOTATION, "draining")
                .containsEntry(WellKnown.DRAIN_STARTED_ANNOTATION, "2026-11-22T10:00:00.123Z")
                .containsEntry(WellKnown.DRAIN_REASON_ANNOTATION, "Underutilized")
                .doesNotContainKey(NodeMarks.WAS_CORDONED_ANNOTATION);
        assertThat(marks.draining()).isTrue();
        assertThat(marks.tainted()).isTrue();
        assertThat(marks.kind()).isEqualTo(Plan.ScaleDownKind.Underutilized);
        assertThat(marks.sameDrain(NodeMarks.startedAtPrecision(STARTED))).isTrue();
        assertThat(marks.sameDrain(NodeMarks.startedAtPrecision(STARTED.plusMillis(1)))).isFalse();
    }

    @Test
    void theOwningNodeGroupIsWrittenReadBackAndRemovedByAnUndo() {
        Map<String, String> a = NodeMarks.drainingAnnotations(STARTED, Plan.ScaleDownKind.Empty, false, "team-a/web");

        assertThat(a).containsEntry(WellKnown.DRAIN_OWNER_ANNOTATION, "team-a/web");
        assertThat(NodeMarks.read(a, false).owner()).isEqualTo("team-a/web");
        assertThat(NodeMarks.ANNOTATIONS).contains(WellKnown.DRAIN_OWNER_ANNOTATION);
        assertThat(NodeMarks.read(NodeMarks.drainingAnnotations(STARTED, Plan.ScaleDownKind.Empty, false), false)
                .owner()).as("marks written before owners were recorded").isNull();
        assertThat(NodeMarks.read(Map.of(WellKnown.DRAIN_OWNER_ANNOTATION, "web"), false).owner())
                .as("not namespace/name: edited by hand, read as no owner").isNull();
    }

    @Test
    void theTaintCarriesUnixSecondsAsClusterAutoscalersDoes() {
        assertThat(NodeMarks.taint(STARTED)).isEqualTo(new Taint(WellKnown.TO_BE_DELETED_TAINT,
                Long.toString(STARTED.getEpochSecond()), TaintEffect.NO_SCHEDULE));
    }

    @Test
    void drainedMarksHandTheNodeOver() {
        Map<String, String> a = new HashMap<>(NodeMarks.drainingAnnotations(STARTED, Plan.ScaleDownKind.Empty, true));
        a.putAll(NodeMarks.drainedAnnotations(STARTED.plusSeconds(40)));

        NodeMarks marks = NodeMarks.read(a, List.of());

        assertThat(marks.drained()).isTrue();
        assertThat(marks.draining()).isFalse();
        assertThat(marks.wasCordoned()).isTrue();
        assertThat(a).containsEntry(WellKnown.DRAINED_AT_ANNOTATION, "2026-11-22T10:00:40Z");
    }

    @Test
    void aDrainIsExpiredOnceOlderThanTheLongestDrainOrUndated() {
        NodeMarks marks = NodeMarks.read(NodeMarks.drainingAnnotations(STARTED, Plan.ScaleDownKind.Empty, false), false);
        Duration deadline = Duration.ofMinutes(25);

        assertThat(marks.expired(STARTED.plus(deadline).minusSeconds(1), deadline)).isFalse();
        assertThat(marks.expired(STARTED.plus(deadline), deadline)).isTrue();
        assertThat(NodeMarks.read(Map.of(WellKnown.DRAIN_STATE_ANNOTATION, "draining"), false)
                .expired(STARTED, deadline)).isTrue();
    }

    @Test
    void unknownValuesAndForeignTaintsAreNotOurs() {
        NodeMarks marks = NodeMarks.read(Map.of(WellKnown.DRAIN_STATE_ANNOTATION, "paused"),
                List.of(new Taint(WellKnown.CA_TO_BE_DELETED_TAINT, "1", TaintEffect.NO_SCHEDULE)));

        assertThat(marks.any()).isFalse();
        assertThat(NodeMarks.read(null, (List<Taint>) null)).isEqualTo(NodeMarks.NONE);
    }

}
