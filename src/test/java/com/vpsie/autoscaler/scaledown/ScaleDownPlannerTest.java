package com.vpsie.autoscaler.scaledown;

import static com.vpsie.autoscaler.testing.GroupBuilder.group;
import static com.vpsie.autoscaler.testing.NodeBuilder.node;
import static com.vpsie.autoscaler.testing.PodBuilder.pending;
import static com.vpsie.autoscaler.testing.PodBuilder.pod;
import static org.assertj.core.api.Assertions.assertThat;

import com.vpsie.autoscaler.model.LabelSelector;
import com.vpsie.autoscaler.model.PdbInfo;
import com.vpsie.autoscaler.model.PodVolume;
import com.vpsie.autoscaler.model.ScaleDownPolicy;
import com.vpsie.autoscaler.model.TaintEffect;
import com.vpsie.autoscaler.model.VolumeKind;
import com.vpsie.autoscaler.model.WellKnown;
import com.vpsie.autoscaler.plan.AutoscalingPlanner;
import com.vpsie.autoscaler.plan.NodeReason;
import com.vpsie.autoscaler.plan.Plan;
import com.vpsie.autoscaler.plan.PlannerSettings;
import com.vpsie.autoscaler.testing.PodBuilder;
import com.vpsie.autoscaler.testing.Snapshots;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScaleDownPlannerTest {

    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

    private static Plan plan(Snapshots s) {
        return AutoscalingPlanner.plan(s.build(), NOW, PlannerSettings.defaults());
    }

    /** Three 4-cpu nodes in group g (min 0): n1 and n2 light, "big" with plenty of room. */
    private static Snapshots threeNodes() {
        return Snapshots.cluster().group(group("g").min(0))
                .node(node("n1").group("g"))
                .node(node("n2").group("g"))
                .node(node("big").group("g").cpu("16").memory("64Gi"))
                .pod(pod("default/anchor").cpu("9").memory("33Gi").replicaSet("anchor").on("big"));
    }

    private static Plan.Unremovable unremovable(Plan plan, String node) {
        return plan.unremovable().stream().filter(u -> u.node().equals(node)).findFirst().orElseThrow(
                () -> new AssertionError(node + " is not unremovable in " + plan));
    }

    private static Plan.ScaleDown removed(Plan plan, String node) {
        return plan.scaleDown().stream().filter(u -> u.node().equals(node)).findFirst().orElseThrow(
                () -> new AssertionError(node + " is not removed in " + plan));
    }

    @Test
    void anEmptyNodeIsRemovedAsEmpty() {
        Plan plan = plan(threeNodes().pod(pod("default/ds").cpu("100m").daemonSet("logs").on("n1")));
        assertThat(removed(plan, "n1").reason()).isEqualTo(Plan.ScaleDownKind.Empty);
        assertThat(removed(plan, "n1").nodeGroup()).isEqualTo("g");
    }

    @Test
    void anUnderutilizedNodeWhosePodsFitElsewhereIsRemoved() {
        Plan plan = plan(threeNodes().pod(pod("default/web-1").cpu("1").memory("1Gi").replicaSet("web").on("n1")));
        assertThat(removed(plan, "n1").reason()).isEqualTo(Plan.ScaleDownKind.Underutilized);
        assertThat(unremovable(plan, "big").reason()).isEqualTo(NodeReason.NOT_UNDERUTILIZED);
    }

    @Test
    void bothCpuAndMemoryMustBeBelowTheThreshold() {
        Plan plan = plan(threeNodes()
                .pod(pod("default/cpu-heavy").cpu("2400m").memory("100Mi").replicaSet("a").on("n1"))
                .pod(pod("default/mem-heavy").cpu("100m").memory("5Gi").replicaSet("b").on("n2")));
        assertThat(unremovable(plan, "n1").reason()).isEqualTo(NodeReason.NOT_UNDERUTILIZED);
        assertThat(unremovable(plan, "n2").reason()).isEqualTo(NodeReason.NOT_UNDERUTILIZED);
    }

    @Test
    void thresholdsComeFromTheGroupsPolicy() {
        Snapshots s = Snapshots.cluster().group(group("g").scaleDown(new ScaleDownPolicy(true, 70, 70, 600, 600)))
                .node(node("n1").group("g")).node(node("big").group("g").cpu("16").memory("64Gi"))
                .pod(pod("default/anchor").cpu("12").memory("48Gi").replicaSet("anchor").on("big"))
                .pod(pod("default/web").cpu("2400m").memory("1Gi").replicaSet("web").on("n1"));
        assertThat(removed(plan(s), "n1").reason()).isEqualTo(Plan.ScaleDownKind.Underutilized);
    }

    @Test
    void daemonSetPodsDoNotCountTowardsUtilizationByDefault() {
        Snapshots s = threeNodes().pod(pod("default/ds").cpu("3").daemonSet("heavy-agent").on("n1"));
        assertThat(removed(plan(s), "n1").reason()).isEqualTo(Plan.ScaleDownKind.Empty);
        PlannerSettings d = PlannerSettings.defaults();
        PlannerSettings counting = new PlannerSettings(d.nodeStartupTimeout(), false, true, d.expanders(), Map.of(), 0,
                1000, d.newNodeOverhead());
        Plan plan = AutoscalingPlanner.plan(s.build(), NOW, counting);
        assertThat(unremovable(plan, "n1").reason()).isEqualTo(NodeReason.NOT_UNDERUTILIZED);
    }

    @Test
    void nodesOutsideAnyGroupAreNotAutoscaled() {
        Plan plan = plan(threeNodes().node(node("control-plane")).node(node("stray").group("no-such-group")));
        assertThat(unremovable(plan, "control-plane").reason()).isEqualTo(NodeReason.NOT_AUTOSCALED);
        assertThat(unremovable(plan, "control-plane").nodeGroup()).isNull();
        assertThat(unremovable(plan, "stray").reason()).isEqualTo(NodeReason.NOT_AUTOSCALED);
    }

    @Test
    void scaleDownDisabledAnnotationsAndLabelKeepANode() {
        Plan plan = plan(Snapshots.cluster().group(group("g"))
                .node(node("ca").group("g").annotation(WellKnown.CA_SCALE_DOWN_DISABLED_ANNOTATION, "true"))
                .node(node("protected").group("g").annotation(WellKnown.PROTECTED_ANNOTATION, "true"))
                .node(node("labelled").group("g").label(WellKnown.SCALE_DOWN_DISABLED_LABEL, "true"))
                .node(node("false-value").group("g").annotation(WellKnown.PROTECTED_ANNOTATION, "false")));
        assertThat(unremovable(plan, "ca").reason()).isEqualTo(NodeReason.SCALE_DOWN_DISABLED_ANNOTATION);
        assertThat(unremovable(plan, "protected").reason()).isEqualTo(NodeReason.SCALE_DOWN_DISABLED_ANNOTATION);
        assertThat(unremovable(plan, "labelled").reason()).isEqualTo(NodeReason.SCALE_DOWN_DISABLED_ANNOTATION);
        assertThat(removed(plan, "false-value").reason()).isEqualTo(Plan.ScaleDownKind.Empty);
    }

    @Test
    void aGroupAtItsMinimumKeepsItsNodesCountingEarlierRemovals() {
        Plan plan = plan(Snapshots.cluster().group(group("g").min(1))
                .node(node("a").group("g")).node(node("b").group("g")).node(node("c").group("g")));
        assertThat(plan.scaleDown()).extracting(Plan.ScaleDown::node).containsExactly("a", "b");
        assertThat(unremovable(plan, "c").reason()).isEqualTo(NodeReason.NODE_GROUP_MIN_SIZE_REACHED);
    }

    @Test
    void theDesiredSizeCountsWhenItIsAboveTheRegisteredNodes() {
        // desired 3 with two registered: the group's size is 3, so one node may go with min 2
        Plan plan = plan(Snapshots.cluster().group(group("g").min(2).desired(3))
                .node(node("a").group("g")).node(node("b").group("g")));
        assertThat(plan.scaleDown()).extracting(Plan.ScaleDown::node).containsExactly("a");
        assertThat(unremovable(plan, "b").reason()).isEqualTo(NodeReason.NODE_GROUP_MIN_SIZE_REACHED);
    }

    @Test
    void eachPodRuleBlocksWithItsReason() {
        Map<String, PodBuilder> blockers = Map.of(
                "NotReplicated", pod("default/bare").cpu("100m").noOwner(),
                "UnmovableKubeSystemPod", pod("kube-system/dns").cpu("100m").replicaSet("dns")
                        .created("2026-11-22T11:30:00Z"),
                "LocalStorageRequested", pod("default/scratch").cpu("100m").replicaSet("s")
                        .volume(new PodVolume("cache", VolumeKind.EMPTY_DIR_DISK)),
                "NotSafeToEvictAnnotation", pod("default/precious").cpu("100m").replicaSet("p")
                        .annotation(WellKnown.SAFE_TO_EVICT_ANNOTATION, "false"));
        blockers.forEach((reason, blocker) -> {
            Plan plan = plan(threeNodes().pod(blocker.on("n1")));
            Plan.Unremovable u = unremovable(plan, "n1");
            assertThat(u.reason()).as(reason).isEqualTo(NodeReason.BLOCKED_BY_POD);
            assertThat(u.podReason()).as(reason).isEqualTo(reason);
            assertThat(u.pod()).as(reason).isEqualTo(blocker.build().key());
        });
    }

    @Test
    void doNotDisruptBlocksAndSafeToEvictTrueOverridesThePodRules() {
        Plan plan = plan(threeNodes()
                .pod(pod("default/karpenter").cpu("100m").replicaSet("k")
                        .annotation(WellKnown.DO_NOT_DISRUPT_ANNOTATION, "true").on("n1"))
                .pod(pod("default/bare-but-safe").cpu("100m").noOwner()
                        .annotation(WellKnown.SAFE_TO_EVICT_ANNOTATION, "true")
                        .volume(new PodVolume("data", VolumeKind.HOST_PATH)).on("n2")));
        assertThat(unremovable(plan, "n1").podReason()).isEqualTo("NotSafeToEvictAnnotation");
        assertThat(removed(plan, "n2").reason()).isEqualTo(Plan.ScaleDownKind.Underutilized);
    }

    @Test
    void localVolumesListedAsSafeDoNotBlock() {
        Plan plan = plan(threeNodes().pod(pod("default/scratch").cpu("100m").replicaSet("s")
                .volume(new PodVolume("cache", VolumeKind.EMPTY_DIR_DISK))
                .volume(new PodVolume("shm", VolumeKind.EMPTY_DIR_MEMORY))
                .annotation(WellKnown.SAFE_TO_EVICT_LOCAL_VOLUMES_ANNOTATION, "cache").on("n1")));
        assertThat(removed(plan, "n1").reason()).isEqualTo(Plan.ScaleDownKind.Underutilized);
    }

    @Test
    void aKubeSystemPodWithAPdbMayMove() {
        Plan plan = plan(threeNodes()
                .pod(pod("kube-system/dns-1").cpu("100m").label("k8s-app", "dns").replicaSet("dns").on("n1"))
                .pdb(new PdbInfo("kube-system", "dns", LabelSelector.of(Map.of("k8s-app", "dns")), 1)));
        assertThat(removed(plan, "n1").reason()).isEqualTo(Plan.ScaleDownKind.Underutilized);
    }

    @Test
    void pdbBudgetsAreSpentAcrossTheNodesOfOnePass() {
        // "big" comes first, so web-1 moves there and n2 still holds only web-2: only the spent budget blocks it
        Plan plan = plan(Snapshots.cluster().group(group("g").min(0))
                .node(node("big").group("g").cpu("16").memory("64Gi"))
                .node(node("n1").group("g"))
                .node(node("n2").group("g"))
                .pod(pod("default/anchor").cpu("9").memory("33Gi").replicaSet("anchor").on("big"))
                .pod(pod("default/web-1").cpu("100m").label("app", "web").replicaSet("web").on("n1"))
                .pod(pod("default/web-2").cpu("100m").label("app", "web").replicaSet("web").on("n2"))
                .pdb(new PdbInfo("default", "web", LabelSelector.of(Map.of("app", "web")), 1)));
        assertThat(removed(plan, "n1").reason()).isEqualTo(Plan.ScaleDownKind.Underutilized);
        Plan.Unremovable second = unremovable(plan, "n2");
        assertThat(second.reason()).isEqualTo(NodeReason.BLOCKED_BY_POD);
        assertThat(second.podReason()).isEqualTo("NotEnoughPdb");
        assertThat(second.pod()).isEqualTo("default/web-2");
    }

    @Test
    void aPdbAllowingFewerDisruptionsThanPodsOnTheNodeBlocks() {
        Plan plan = plan(threeNodes()
                .pod(pod("default/web-1").cpu("100m").label("app", "web").replicaSet("web").on("n1"))
                .pod(pod("default/web-2").cpu("100m").label("app", "web").replicaSet("web").on("n1"))
                .pdb(new PdbInfo("default", "web", LabelSelector.of(Map.of("app", "web")), 1)));
        assertThat(unremovable(plan, "n1").podReason()).isEqualTo("NotEnoughPdb");
    }

    @Test
    void podsThatFitNowhereElseKeepTheNode() {
        Snapshots s = Snapshots.cluster().group(group("g"))
                .node(node("n1").group("g").cpu("4"))
                .node(node("n2").group("g").cpu("4"))
                .pod(pod("default/a").cpu("1800m").replicaSet("a").on("n1"))
                .pod(pod("default/b").cpu("1800m").replicaSet("b").on("n2"))
                .pod(pod("default/c").cpu("1500m").replicaSet("c").on("n2"));
        Plan plan = plan(s);
        // n1 (45%) goes first: its 1800m fits n2's 700m free? no → kept; n2 (82%) is not underutilized
        Plan.Unremovable n1 = unremovable(plan, "n1");
        assertThat(n1.reason()).isEqualTo(NodeReason.NO_PLACE_TO_MOVE_PODS);
        assertThat(n1.pod()).isEqualTo("default/a");
    }

    @Test
    void laterCandidatesAreJudgedWithEarlierRemovalsApplied() {
        // n1 (25%) goes first and its pod lands on n2, which is then no longer underutilized
        Snapshots s = Snapshots.cluster().group(group("g"))
                .node(node("n1").group("g")).node(node("n2").group("g"))
                .node(node("full").group("g").cpu("4").memory("8Gi"))
                .pod(pod("default/full").cpu("4").replicaSet("f").on("full"))
                .pod(pod("default/a").cpu("1").replicaSet("a").on("n1"))
                .pod(pod("default/b").cpu("1200m").replicaSet("b").on("n2"));
        Plan plan = plan(s);
        assertThat(removed(plan, "n1").reason()).isEqualTo(Plan.ScaleDownKind.Underutilized);
        assertThat(unremovable(plan, "n2").reason()).isEqualTo(NodeReason.NOT_UNDERUTILIZED);
    }

    @Test
    void podsAreNeverMovedOntoANodeThatIsItselfBeingRemoved() {
        Snapshots s = Snapshots.cluster().group(group("g"))
                .node(node("n1").group("g")).node(node("n2").group("g"))
                .pod(pod("default/a").cpu("100m").replicaSet("a").on("n1"))
                .pod(pod("default/b").cpu("200m").replicaSet("b").on("n2"));
        Plan plan = plan(s);
        assertThat(plan.scaleDown()).extracting(Plan.ScaleDown::node).containsExactly("n1");
        assertThat(unremovable(plan, "n2").reason()).isEqualTo(NodeReason.NO_PLACE_TO_MOVE_PODS);
    }

    @Test
    void podsMoveOnlyToNodesThePredicatesAllow() {
        Snapshots s = Snapshots.cluster().group(group("g"))
                .node(node("n1").group("g"))
                .node(node("tainted").group("g").taint("dedicated", "db", TaintEffect.NO_SCHEDULE))
                .pod(pod("default/a").cpu("100m").replicaSet("a").on("n1"))
                .pod(pod("default/db").cpu("2100m").replicaSet("db").on("tainted"));
        Plan plan = plan(s);
        assertThat(unremovable(plan, "n1").reason()).isEqualTo(NodeReason.NO_PLACE_TO_MOVE_PODS);
    }

    @Test
    void pendingPodsHeadingForANodeKeepItBusy() {
        Snapshots s = threeNodes().pod(pending("default/incoming").cpu("2500m").nodeSelector("kubernetes.io/hostname", "n1"));
        Plan plan = plan(s);
        assertThat(unremovable(plan, "n1").reason()).isEqualTo(NodeReason.NOT_UNDERUTILIZED);
    }

    @Test
    void nodesInTransitionAreReportedForWhatTheyAre() {
        Plan plan = plan(Snapshots.cluster()
                .group(group("g"))
                .group(group("frozen").scaleDown(new ScaleDownPolicy(false, 50, 50, 600, 600)))
                .node(node("booting").group("g").notReady().created("2026-11-22T11:55:00Z"))
                .node(node("dead").group("g").notReady().created("2026-11-20T00:00:00Z"))
                .node(node("going").group("g").taint(WellKnown.TO_BE_DELETED_TAINT, "1", TaintEffect.NO_SCHEDULE))
                .node(node("frozen-1").group("frozen")));
        assertThat(unremovable(plan, "booting").reason()).isEqualTo(NodeReason.NOT_UNREADY_LONG_ENOUGH);
        assertThat(unremovable(plan, "going").reason()).isEqualTo(NodeReason.CURRENTLY_BEING_DELETED);
        assertThat(unremovable(plan, "frozen-1").reason()).isEqualTo(NodeReason.SCALE_DOWN_DISABLED);
        assertThat(removed(plan, "dead").reason()).isEqualTo(Plan.ScaleDownKind.Empty);
    }

    @Test
    void aGroupThatScalesUpInThisPlanDoesNotAlsoShrink() {
        Snapshots s = Snapshots.cluster().offering("small", "2", "4Gi", 0.01)
                .group(group("g").offerings("small"))
                .node(node("n1").group("g").cpu("2").memory("4Gi"))
                .node(node("other").group("h").cpu("2").memory("4Gi"))
                .group(group("h").offerings("small"))
                .pod(pod("default/light").cpu("200m").replicaSet("x").on("n1"))
                .pod(pending("default/needs-room").cpu("1900m").nodeSelector(WellKnown.NODEGROUP_LABEL, "g"));
        Plan plan = plan(s);
        assertThat(plan.scaleUp()).extracting(Plan.ScaleUp::nodeGroup).containsExactly("g");
        assertThat(unremovable(plan, "n1").reason()).isEqualTo(NodeReason.NODE_GROUP_SCALING_UP);
        assertThat(removed(plan, "other").reason()).isEqualTo(Plan.ScaleDownKind.Empty);
    }

    @Test
    void everyNodeAppearsExactlyOnce() {
        Plan plan = plan(threeNodes().node(node("control-plane"))
                .pod(pod("default/web").cpu("1").replicaSet("web").on("n1")));
        List<String> all = new java.util.ArrayList<>();
        plan.scaleDown().forEach(d -> all.add(d.node()));
        plan.unremovable().forEach(u -> all.add(u.node()));
        assertThat(all).containsExactlyInAnyOrder("n1", "n2", "big", "control-plane");
    }

    // ---- a NodeGroup being deleted ----

    /** Group "gone" (being deleted, min 2) with a busy node and an idle one; group "stay" with room for both. */
    private static Snapshots deletingGroup() {
        return Snapshots.cluster()
                .group(group("gone").min(2).scaleDown(new ScaleDownPolicy(false, 50, 50, 600, 600)).deleting())
                .group(group("stay").min(0))
                .node(node("gone-busy").group("gone"))
                .node(node("gone-idle").group("gone"))
                .node(node("stay-1").group("stay").cpu("16").memory("64Gi"))
                .pod(pod("default/anchor").cpu("12").memory("48Gi").replicaSet("anchor").on("stay-1"))
                .pod(pod("default/busy").cpu("3").memory("1Gi").replicaSet("busy").on("gone-busy"));
    }

    @Test
    void everyNodeOfAGroupBeingDeletedGoesWhateverItsUtilizationMinimumAndPolicy() {
        Plan plan = plan(deletingGroup());
        assertThat(removed(plan, "gone-busy").reason()).isEqualTo(Plan.ScaleDownKind.Underutilized);
        assertThat(removed(plan, "gone-idle").reason()).isEqualTo(Plan.ScaleDownKind.Empty);
        assertThat(unremovable(plan, "stay-1").reason()).isEqualTo(NodeReason.NOT_UNDERUTILIZED);
    }

    @Test
    void aGroupBeingDeletedTakesNoScaleUpAndItsNodesTakeNoEvictedPods() {
        // the busy pod fits only on gone-idle, a sibling that is going too: it is evicted to wait as a pending pod
        Snapshots s = deletingGroup().pod(pod("default/filler").cpu("3500m").memory("10Gi").replicaSet("f")
                .on("stay-1"));
        Plan plan = plan(s);
        assertThat(removed(plan, "gone-busy")).isNotNull();
        assertThat(removed(plan, "gone-idle")).isNotNull();
        // a pending pod that only an idle node of the deleted group would fit scales up the other group
        Plan pending = plan(s.offering("small", "4", "8Gi", 0.01)
                .pod(pending("default/new").cpu("3").memory("1Gi").replicaSet("new")));
        assertThat(pending.scaleUp()).extracting(Plan.ScaleUp::nodeGroup).containsExactly("stay");
    }

    @Test
    void aPdbStillKeepsANodeOfAGroupBeingDeleted() {
        Plan plan = plan(deletingGroup()
                .pod(pod("default/web-1").cpu("100m").label("app", "web").replicaSet("web").on("gone-idle"))
                .pdb(new PdbInfo("default", "web", LabelSelector.of(Map.of("app", "web")), 0)));
        Plan.Unremovable kept = unremovable(plan, "gone-idle");
        assertThat(kept.reason()).isEqualTo(NodeReason.BLOCKED_BY_POD);
        assertThat(kept.podReason()).isEqualTo("NotEnoughPdb");
        assertThat(removed(plan, "gone-busy")).isNotNull();
    }
}
