package com.vpsie.autoscaler.scaleup;

import static com.vpsie.autoscaler.testing.GroupBuilder.group;
import static com.vpsie.autoscaler.testing.NodeBuilder.node;
import static com.vpsie.autoscaler.testing.PodBuilder.pending;
import static com.vpsie.autoscaler.testing.PodBuilder.pod;
import static org.assertj.core.api.Assertions.assertThat;

import com.vpsie.autoscaler.model.LabelSelector;
import com.vpsie.autoscaler.model.PodAffinityTerm;
import com.vpsie.autoscaler.model.Taint;
import com.vpsie.autoscaler.model.TaintEffect;
import com.vpsie.autoscaler.model.Toleration;
import com.vpsie.autoscaler.model.WellKnown;
import com.vpsie.autoscaler.plan.AutoscalingPlanner;
import com.vpsie.autoscaler.plan.NoScaleUpReason;
import com.vpsie.autoscaler.plan.Plan;
import com.vpsie.autoscaler.plan.PlannerSettings;
import com.vpsie.autoscaler.testing.Snapshots;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScaleUpPlannerTest {

    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

    /** 2 cpu / 4Gi; with the default overhead a new node offers 1900m / 3840Mi. */
    private static Snapshots withSmallOffering() {
        return Snapshots.cluster().offering("small", "2", "4Gi", 0.01).offering("large", "8", "16Gi", 0.05);
    }

    private static Plan plan(Snapshots s) {
        return AutoscalingPlanner.plan(s.build(), NOW, PlannerSettings.defaults());
    }

    private static Plan plan(Snapshots s, PlannerSettings settings) {
        return AutoscalingPlanner.plan(s.build(), NOW, settings);
    }

    private static Map<String, String> reasons(Plan plan) {
        return plan.noScaleUp().stream().collect(java.util.stream.Collectors.toMap(Plan.NoScaleUp::pod,
                Plan.NoScaleUp::reason));
    }

    @Test
    void podsThatFitFreeRoomOnAReadyNodeTriggerNothing() {
        Plan plan = plan(withSmallOffering().group(group("g").offerings("small"))
                .node(node("n1").group("g").cpu("2").memory("4Gi"))
                .pod(pending("default/p1").cpu("1").memory("1Gi"))
                .pod(pending("default/p2").cpu("1").memory("1Gi")));
        assertThat(plan.scaleUp()).isEmpty();
        assertThat(reasons(plan)).containsEntry("default/p1", NoScaleUpReason.SCHEDULABLE_ON_EXISTING_NODE)
                .containsEntry("default/p2", NoScaleUpReason.SCHEDULABLE_ON_EXISTING_NODE);
    }

    @Test
    void existingRoomIsUsedUpBeforeNewNodesAreCounted() {
        // room for one pod on n1; the other two need one new 1900m node (900m each)
        Plan plan = plan(withSmallOffering().group(group("g").offerings("small"))
                .node(node("unmanaged").cpu("1"))
                .pod(pending("default/p1").cpu("900m"))
                .pod(pending("default/p2").cpu("900m"))
                .pod(pending("default/p3").cpu("900m")));
        assertThat(plan.scaleUp()).singleElement().satisfies(s -> {
            assertThat(s.nodeGroup()).isEqualTo("g");
            assertThat(s.offering()).isEqualTo("small");
            assertThat(s.count()).isEqualTo(1);
            assertThat(s.pods()).hasSize(2);
        });
    }

    @Test
    void firstFitDecreasingPacksLargePodsFirst() {
        // 1200m, 1200m, 700m, 700m on 1900m nodes: FFD pairs each 1200 with a 700 → 2 nodes
        Plan plan = plan(withSmallOffering().group(group("g").offerings("small"))
                .pod(pending("default/s1").cpu("700m"))
                .pod(pending("default/s2").cpu("700m"))
                .pod(pending("default/l1").cpu("1200m"))
                .pod(pending("default/l2").cpu("1200m")));
        assertThat(plan.scaleUp()).singleElement().satisfies(s -> assertThat(s.count()).isEqualTo(2));
    }

    @Test
    void aBootingNodeAbsorbsPendingPodsAndCausesNoSecondScaleUp() {
        Plan plan = plan(withSmallOffering().group(group("g").offerings("small"))
                .node(node("new-1").group("g").cpu("2").notReady().created("2026-11-22T11:58:00Z")
                        .taint("node.kubernetes.io/not-ready", "", TaintEffect.NO_SCHEDULE))
                .pod(pending("default/p1").cpu("900m"))
                .pod(pending("default/p2").cpu("900m")));
        assertThat(plan.scaleUp()).isEmpty();
        assertThat(reasons(plan)).containsEntry("default/p1", NoScaleUpReason.WAITING_FOR_UPCOMING_NODE);
    }

    @Test
    void aJustReadyNodeStillCarryingTheNotReadyTaintIsOnItsWayNotFull() {
        // the node lifecycle controller removes the taint a moment after Ready: no second node for that moment
        Plan plan = plan(withSmallOffering().group(group("g").offerings("small"))
                .node(node("new-1").group("g").cpu("2").created("2026-11-22T11:58:00Z")
                        .taint("node.kubernetes.io/not-ready", "", TaintEffect.NO_SCHEDULE))
                .pod(pending("default/p1").cpu("900m")));
        assertThat(plan.scaleUp()).isEmpty();
        assertThat(reasons(plan)).containsEntry("default/p1", NoScaleUpReason.WAITING_FOR_UPCOMING_NODE);
    }

    @Test
    void aNodeNotReadyForLongerThanTheStartupTimeoutTakesNoPods() {
        Plan plan = plan(withSmallOffering().group(group("g").offerings("small"))
                .node(node("old").group("g").cpu("2").notReady().created("2026-11-22T11:00:00Z"))
                .pod(pending("default/p1").cpu("900m")));
        assertThat(plan.scaleUp()).singleElement().satisfies(s -> assertThat(s.count()).isEqualTo(1));
    }

    @Test
    void requestedButUnregisteredNodesCountAsUpcoming() {
        Plan plan = plan(withSmallOffering().group(group("g").offerings("small").desired(2))
                .node(node("n1").group("g").cpu("2").memory("4Gi"))
                .pod(pod("default/busy").cpu("2").replicaSet("x").on("n1"))
                .pod(pending("default/p1").cpu("900m"))
                .pod(pending("default/p2").cpu("900m"))
                .pod(pending("default/p3").cpu("900m")));
        // one upcoming node (desired 2, registered 1) takes two pods; the third needs one more node
        assertThat(plan.scaleUp()).singleElement().satisfies(s -> {
            assertThat(s.count()).isEqualTo(1);
            assertThat(s.pods()).hasSize(1);
        });
        assertThat(reasons(plan).values()).filteredOn(NoScaleUpReason.WAITING_FOR_UPCOMING_NODE::equals).hasSize(2);
    }

    @Test
    void anUpcomingNodeHasTheOfferingItWasAskedForNotTheGroupsFirst() {
        // the group's first offering is small; the node on its way was asked for as large, for this very pod
        Plan plan = plan(withSmallOffering().group(group("g").offerings("small", "large").desired(1).upcoming("large"))
                .pod(pending("default/big").cpu("6").memory("8Gi")));
        assertThat(plan.scaleUp()).as("the pod waits for the large node, not a second one").isEmpty();
        assertThat(reasons(plan)).containsEntry("default/big", NoScaleUpReason.WAITING_FOR_UPCOMING_NODE);
    }

    @Test
    void upcomingNodesBeyondTheKnownOfferingsAreOfTheFirstOffering() {
        Plan plan = plan(withSmallOffering().group(group("g").offerings("small", "large").desired(2).upcoming("small"))
                .pod(pending("default/big").cpu("6").memory("8Gi")));
        assertThat(plan.scaleUp()).singleElement().satisfies(s -> assertThat(s.offering()).isEqualTo("large"));
    }

    @Test
    void aNodeBeingDeletedIsNeitherPartOfTheSizeNorHidesAnUpcomingNode() {
        // n2 was released from the desired size (3 -> 2 after it, then a scale-up to 3) and is being deleted: the
        // group has one Ready node kept and one upcoming node, which the pending pod fits on
        Plan plan = plan(withSmallOffering().group(group("g").offerings("small").desired(2))
                .node(node("n1").group("g").cpu("2").memory("4Gi"))
                .node(node("n2").group("g").cpu("2").memory("4Gi").deleting())
                .pod(pod("default/busy").cpu("2").replicaSet("x").on("n1"))
                .pod(pending("default/p1").cpu("900m")));
        assertThat(plan.scaleUp()).as("the pod waits for the upcoming node").isEmpty();
        assertThat(reasons(plan)).containsEntry("default/p1", NoScaleUpReason.WAITING_FOR_UPCOMING_NODE);
    }

    @Test
    void aNodeBeingDeletedLeavesRoomUnderMaxNodes() {
        // max 2: n2 is going away, so the group has room for one new node
        Plan plan = plan(withSmallOffering().group(group("g").offerings("small").max(2).desired(1))
                .node(node("n1").group("g").cpu("2").memory("4Gi"))
                .node(node("n2").group("g").cpu("2").memory("4Gi").deleting())
                .pod(pod("default/busy").cpu("2").replicaSet("x").on("n1"))
                .pod(pending("default/p1").cpu("900m")));
        assertThat(plan.scaleUp()).singleElement().satisfies(s -> assertThat(s.count()).isEqualTo(1));
    }

    @Test
    void maxNodesCapsTheScaleUpAndTheRestIsReported() {
        Plan plan = plan(withSmallOffering().group(group("g").offerings("small").max(3).desired(2))
                .node(node("n1").group("g").cpu("2"))
                .pod(pod("default/busy").cpu("2").replicaSet("x").on("n1"))
                .pod(pending("default/p1").cpu("1500m"))
                .pod(pending("default/p2").cpu("1500m"))
                .pod(pending("default/p3").cpu("1500m")));
        // size = max(desired 2, registered 1) = 2; max 3 leaves one node; the upcoming node takes one pod
        assertThat(plan.scaleUp()).singleElement().satisfies(s -> assertThat(s.count()).isEqualTo(1));
        assertThat(plan.noScaleUp()).filteredOn(n -> n.reason().equals(NoScaleUpReason.NODE_GROUP_MAX_SIZE_REACHED))
                .singleElement().satisfies(n -> assertThat(n.message()).contains("g/small: max size reached (3)"));
    }

    @Test
    void aReadyNodeOfTheGroupIsTheTemplateWithoutItsIdentity() {
        // the real node offers 3 cpu although the offering says 2: the node is trusted
        Snapshots s = withSmallOffering().group(group("g").offerings("small"))
                .node(node("n1").group("g").cpu("3").label("team", "a"))
                .pod(pod("default/busy").cpu("3").replicaSet("x").on("n1"))
                .pod(pending("default/big").cpu("2500m").nodeSelector("team", "a"))
                .pod(pending("default/pinned").cpu("100m").nodeSelector(WellKnown.HOSTNAME_LABEL, "n1"));
        Plan plan = plan(s);
        assertThat(plan.scaleUp()).singleElement().satisfies(u -> assertThat(u.pods()).containsExactly("default/big"));
        assertThat(reasons(plan)).containsEntry("default/pinned", NoScaleUpReason.NO_NODE_GROUP_FITS);
    }

    @Test
    void aTemplateFromTheOfferingCarriesTheGroupsLabelsAndTaints() {
        Taint gpu = new Taint("gpu", "true", TaintEffect.NO_SCHEDULE);
        Snapshots s = withSmallOffering()
                .group(group("general").offerings("small"))
                .group(group("gpu").offerings("small").label("accelerator", "yes").taint(gpu))
                .pod(pending("default/plain").cpu("500m"))
                .pod(pending("default/wants-gpu").cpu("500m").nodeSelector("accelerator", "yes")
                        .tolerate(new Toleration("gpu", Toleration.Operator.EXISTS, null, null)))
                .pod(pending("default/wants-gpu-no-toleration").cpu("500m").nodeSelector("accelerator", "yes"));
        Plan plan = plan(s);
        assertThat(plan.scaleUp()).extracting(Plan.ScaleUp::nodeGroup, Plan.ScaleUp::pods).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("general", List.of("default/plain")),
                org.assertj.core.groups.Tuple.tuple("gpu", List.of("default/wants-gpu")));
        assertThat(plan.noScaleUp()).filteredOn(n -> n.pod().equals("default/wants-gpu-no-toleration")).singleElement()
                .satisfies(n -> {
                    assertThat(n.reason()).isEqualTo(NoScaleUpReason.NO_NODE_GROUP_FITS);
                    assertThat(n.message()).contains("gpu/small: node(s) had untolerated taint")
                            .contains("general/small: node(s) didn't match Pod's node affinity/selector");
                });
    }

    @Test
    void leastWastePicksTheOfferingThatFitsBest() {
        // 3 pods of 1800m: three small nodes (1900m each) waste little; one large node (7900m) wastes more
        Plan plan = plan(withSmallOffering().group(group("g").offerings("small", "large"))
                .pod(pending("default/p1").cpu("1800m").memory("1Gi"))
                .pod(pending("default/p2").cpu("1800m").memory("1Gi"))
                .pod(pending("default/p3").cpu("1800m").memory("1Gi")));
        assertThat(plan.scaleUp()).singleElement().satisfies(s -> {
            assertThat(s.offering()).isEqualTo("small");
            assertThat(s.count()).isEqualTo(3);
        });
    }

    @Test
    void withoutMixingOnlyThePreferredOfferingIsUsed() {
        Plan plan = plan(withSmallOffering().group(group("g").offerings("small", "large").preferred("large").noMixing())
                .pod(pending("default/p1").cpu("1800m")));
        assertThat(plan.scaleUp()).singleElement().satisfies(s -> assertThat(s.offering()).isEqualTo("large"));
    }

    @Test
    void podsTheChosenGroupCannotTakeGoToTheNextBestGroup() {
        // a and b waste alike; a wins the tie by name but has room for one node, b takes the rest
        Plan split = plan(withSmallOffering()
                .group(group("a").offerings("small").max(1))
                .group(group("b").offerings("small").max(5))
                .pod(pending("default/p1").cpu("1800m"))
                .pod(pending("default/p2").cpu("1800m")));
        assertThat(split.scaleUp()).extracting(Plan.ScaleUp::nodeGroup, Plan.ScaleUp::count).containsExactly(
                org.assertj.core.groups.Tuple.tuple("a", 1), org.assertj.core.groups.Tuple.tuple("b", 1));
    }

    @Test
    void priorityExpanderOverridesLeastWaste() {
        PlannerSettings d = PlannerSettings.defaults();
        PlannerSettings settings = new PlannerSettings(d.nodeStartupTimeout(), true, true,
                List.of("priority", "least-waste"), Map.of(10, List.of("cheap-.*"), 1, List.of(".*")), 0, 1000,
                d.newNodeOverhead());
        Plan plan = plan(withSmallOffering()
                .group(group("best-fit").offerings("small"))
                .group(group("cheap-pool").offerings("large"))
                .pod(pending("default/p1").cpu("1800m")), settings);
        assertThat(plan.scaleUp()).singleElement().satisfies(s -> assertThat(s.nodeGroup()).isEqualTo("cheap-pool"));
    }

    @Test
    void antiAffinityPendingPodsEachGetTheirOwnNode() {
        PodAffinityTerm apart = new PodAffinityTerm(LabelSelector.of(Map.of("app", "web")), Set.of(), false,
                WellKnown.HOSTNAME_LABEL);
        Snapshots s = withSmallOffering().group(group("g").offerings("large"));
        for (int i = 1; i <= 3; i++) {
            s.pod(pending("default/web-" + i).cpu("100m").label("app", "web").antiAffinity(apart));
        }
        assertThat(plan(s).scaleUp()).singleElement().satisfies(u -> assertThat(u.count()).isEqualTo(3));
    }

    @Test
    void expendablePodsNeverTriggerScaleUp() {
        Plan plan = plan(withSmallOffering().group(group("g").offerings("small"))
                .pod(pending("default/low").cpu("1").priority(-11))
                .pod(pending("default/edge").cpu("1").priority(-10)));
        assertThat(reasons(plan)).containsEntry("default/low", NoScaleUpReason.EXPENDABLE_POD);
        assertThat(plan.scaleUp()).singleElement().satisfies(u -> assertThat(u.pods()).containsExactly("default/edge"));
    }

    @Test
    void onlyUnschedulablePendingPodsCount() {
        Plan plan = plan(withSmallOffering().group(group("g").offerings("small"))
                .pod(pod("default/not-yet-tried").cpu("1").replicaSet("x").phase("Pending"))
                .pod(pending("default/done").cpu("1").phase("Succeeded")));
        assertThat(plan.scaleUp()).isEmpty();
        assertThat(plan.noScaleUp()).isEmpty();
    }

    @Test
    void aPodTooLargeForEveryGroupIsReportedWithEachGroupsReason() {
        Plan plan = plan(withSmallOffering().group(group("g").offerings("small", "large"))
                .pod(pending("default/huge").cpu("16").memory("1Gi")));
        assertThat(plan.scaleUp()).isEmpty();
        assertThat(plan.noScaleUp()).singleElement().satisfies(n -> {
            assertThat(n.reason()).isEqualTo(NoScaleUpReason.NO_NODE_GROUP_FITS);
            assertThat(n.message()).isEqualTo("g/small: Insufficient cpu; g/large: Insufficient cpu");
        });
    }

    @Test
    void groupsWithScaleUpDisabledAreNotGrown() {
        Plan plan = plan(withSmallOffering().group(group("g").offerings("small").scaleUpDisabled())
                .pod(pending("default/p").cpu("1")));
        assertThat(plan.scaleUp()).isEmpty();
        assertThat(plan.noScaleUp()).singleElement().satisfies(n -> assertThat(n.message()).contains("scale-up disabled"));
    }

    @Test
    void anUnknownOfferingWithoutANodeToCopyIsReported() {
        Plan plan = plan(withSmallOffering().group(group("g").offerings("mystery"))
                .pod(pending("default/p").cpu("1")));
        assertThat(plan.noScaleUp()).singleElement().satisfies(n ->
                assertThat(n.message()).contains("offering mystery is unknown"));
    }

    @Test
    void withoutNodeGroupsPendingPodsSaySo() {
        Plan plan = plan(withSmallOffering().pod(pending("default/p").cpu("1")));
        assertThat(plan.noScaleUp()).singleElement().satisfies(n ->
                assertThat(n.reason()).isEqualTo(NoScaleUpReason.NO_NODE_GROUPS));
    }

    @Test
    void oneScaleUpIsCappedAtMaxNodesPerScaleUp() {
        PlannerSettings d = PlannerSettings.defaults();
        PlannerSettings settings = new PlannerSettings(d.nodeStartupTimeout(), true, true, d.expanders(), Map.of(), 0,
                2, d.newNodeOverhead());
        Snapshots s = withSmallOffering().group(group("g").offerings("small").max(100));
        for (int i = 0; i < 5; i++) {
            s.pod(pending("default/p" + i).cpu("1800m"));
        }
        Plan plan = plan(s, settings);
        assertThat(plan.scaleUp()).singleElement().satisfies(u -> assertThat(u.count()).isEqualTo(2));
    }

    // ---- offerings the cloud refused for lack of capacity ----

    private static Plan planWithUnavailable(Snapshots s, Map<String, Map<String, Instant>> unavailable) {
        return AutoscalingPlanner.plan(s.build().withUnavailableOfferings(unavailable), NOW, PlannerSettings.defaults());
    }

    @Test
    void anOfferingOutOfCapacityIsSkippedForAnotherGroup() {
        Snapshots s = withSmallOffering().group(group("cheap").offerings("small"))
                .group(group("big").offerings("large")).pod(pending("default/p").cpu("1"));
        assertThat(plan(s).scaleUp()).singleElement().satisfies(u -> assertThat(u.nodeGroup()).isEqualTo("cheap"));

        Plan plan = planWithUnavailable(s, Map.of("cheap", Map.of("small", NOW.plusSeconds(180))));

        assertThat(plan.scaleUp()).singleElement().satisfies(u -> {
            assertThat(u.nodeGroup()).isEqualTo("big");
            assertThat(u.offering()).isEqualTo("large");
            assertThat(u.count()).isEqualTo(1);
        });
    }

    @Test
    void anOfferingOutOfCapacityIsSkippedForAnotherOfferingOfTheSameGroup() {
        Snapshots s = withSmallOffering().group(group("g").offerings("small", "large"))
                .pod(pending("default/p").cpu("1"));
        assertThat(plan(s).scaleUp()).singleElement().satisfies(u -> assertThat(u.offering()).isEqualTo("small"));

        Plan plan = planWithUnavailable(s, Map.of("g", Map.of("small", NOW.plusSeconds(180))));

        assertThat(plan.scaleUp()).singleElement().satisfies(u -> {
            assertThat(u.nodeGroup()).isEqualTo("g");
            assertThat(u.offering()).isEqualTo("large");
        });
    }

    @Test
    void withEveryOptionOutOfCapacityThePodSaysWhyAndNothingIsPlanned() {
        Snapshots s = withSmallOffering().group(group("g").offerings("small")).pod(pending("default/p").cpu("1"));

        Plan plan = planWithUnavailable(s, Map.of("g", Map.of("small", NOW.plusSeconds(180))));

        assertThat(plan.scaleUp()).isEmpty();
        assertThat(plan.noScaleUp()).singleElement().satisfies(n -> {
            assertThat(n.reason()).isEqualTo(NoScaleUpReason.NO_NODE_GROUP_FITS);
            assertThat(n.message()).contains("g/small: out of capacity in its datacenter until 2026-11-22T12:03:00Z");
        });
    }
}
