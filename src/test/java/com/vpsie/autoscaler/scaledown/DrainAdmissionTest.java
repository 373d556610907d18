package com.vpsie.autoscaler.scaledown;

import static org.assertj.core.api.Assertions.assertThat;

import com.vpsie.autoscaler.scaledown.DrainAdmission.Candidate;
import com.vpsie.autoscaler.scaledown.DrainAdmission.Decision;
import com.vpsie.autoscaler.scaledown.DrainAdmission.GroupSize;
import com.vpsie.autoscaler.scaledown.DrainAdmission.Held;
import com.vpsie.autoscaler.scaledown.DrainAdmission.Running;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DrainAdmissionTest {

    private static Candidate empty(String node) {
        return new Candidate(node, "g", true, false);
    }

    private static Candidate busy(String node) {
        return new Candidate(node, "g", false, false);
    }

    private static List<String> admitted(Decision d) {
        return d.admitted().stream().map(Candidate::node).toList();
    }

    private static List<String> held(Decision d) {
        return d.held().stream().map(h -> h.candidate().node() + ":" + h.reason()).toList();
    }

    @Test
    void emptyNodesGoUpToTheBulkLimitInTheOrderGiven() {
        Decision d = DrainAdmission.admit(List.of(empty("a"), empty("b"), empty("c")), Map.of("g", new GroupSize(0, 5)),
                List.of(), 2, 1);

        assertThat(admitted(d)).containsExactly("a", "b");
        assertThat(held(d)).containsExactly("c:" + DrainAdmission.MAX_EMPTY);
    }

    @Test
    void drainsInFlightUseUpTheLimits() {
        Decision d = DrainAdmission.admit(List.of(busy("a"), empty("b"), empty("c")), Map.of("g", new GroupSize(0, 5)),
                List.of(new Running("x", "g", false), new Running("y", "g", true)), 2, 1);

        assertThat(admitted(d)).containsExactly("b");
        assertThat(held(d)).containsExactly("a:" + DrainAdmission.MAX_PARALLEL, "c:" + DrainAdmission.MAX_EMPTY);
    }

    @Test
    void aGroupStaysAtItsMinimum() {
        // 3 nodes stay, minimum 2: one may go
        Decision d = DrainAdmission.admit(List.of(empty("a"), empty("b")), Map.of("g", new GroupSize(2, 3)), List.of(),
                10, 1);

        assertThat(admitted(d)).containsExactly("a");
        assertThat(held(d)).containsExactly("b:" + DrainAdmission.MIN_SIZE);
    }

    @Test
    void aResumedDrainIsAlreadyOutsideTheRemainingNodes() {
        // 2 nodes stay besides the marked one, minimum 2: the marked one may finish, nothing else may start
        Decision d = DrainAdmission.admit(List.of(new Candidate("m", "g", false, true), empty("a")),
                Map.of("g", new GroupSize(2, 2)), List.of(), 10, 1);

        assertThat(admitted(d)).containsExactly("m");
        assertThat(held(d)).containsExactly("a:" + DrainAdmission.MIN_SIZE);
    }

    @Test
    void aNodeAlreadyDrainingOrOfAnUnknownGroupIsNotStartedAgain() {
        Decision d = DrainAdmission.admit(List.of(empty("x"), new Candidate("o", "other", true, false), empty("x")),
                Map.of("g", new GroupSize(0, 5)), List.of(new Running("x", "g", true)), 10, 1);

        assertThat(d.admitted()).isEmpty();
        assertThat(d.held()).extracting(Held::reason).containsExactly(DrainAdmission.ALREADY_DRAINING,
                DrainAdmission.UNKNOWN_GROUP, DrainAdmission.ALREADY_DRAINING);
    }

    @Test
    void aHeldCandidateDoesNotSpendTheGroupsRoom() {
        Decision d = DrainAdmission.admit(List.of(busy("a"), busy("b"), empty("c")), Map.of("g", new GroupSize(1, 2)),
                List.of(), 10, 1);

        assertThat(admitted(d)).containsExactly("a");
        assertThat(held(d)).containsExactly("b:" + DrainAdmission.MIN_SIZE, "c:" + DrainAdmission.MIN_SIZE);
    }
}
