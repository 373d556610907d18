package com.vpsie.autoscaler.plan;

import static com.vpsie.autoscaler.testing.GroupBuilder.group;
import static com.vpsie.autoscaler.testing.NodeBuilder.node;
import static com.vpsie.autoscaler.testing.PodBuilder.pending;
import static com.vpsie.autoscaler.testing.PodBuilder.pod;
import static org.assertj.core.api.Assertions.assertThat;

import com.vpsie.autoscaler.model.LabelSelector;
import com.vpsie.autoscaler.model.PdbInfo;
import com.vpsie.autoscaler.model.PodVolume;
import com.vpsie.autoscaler.model.Taint;
import com.vpsie.autoscaler.model.TaintEffect;
import com.vpsie.autoscaler.model.Toleration;
import com.vpsie.autoscaler.model.TopologySpreadConstraint;
import com.vpsie.autoscaler.model.VolumeKind;
import com.vpsie.autoscaler.model.WellKnown;
import com.vpsie.autoscaler.testing.Snapshots;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The points where cluster-autoscaler 1.37 is the reference for the planner, each on a small snapshot, and
 * the deliberate differences, each pinned so that a change to them is a decision and not an accident.
 */
class ClusterAutoscalerParityTest {

    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
    private static final String RECENT = "2026-11-22T11:30:00Z";
    private static final String ZONE = "topology.kubernetes.io/zone";

    static Plan plan(Snapshots s) {
        return plan(s, PlannerSettings.defaults());
    }

    static Plan plan(Snapshots s, PlannerSettings settings) {
        return AutoscalingPlanner.plan(s.build(), NOW, settings);
    }

    static Plan.Unremovable unremovable(Plan plan, String node) {
        return plan.unremovable().stream().filter(u -> u.node().equals(node)).findFirst().orElseThrow(
                () -> new AssertionError(node + " is not unremovable in " + plan));
    }

    static Plan.ScaleDown removed(Plan plan, String node) {
        return plan.scaleDown().stream().filter(u -> u.node().equals(node)).findFirst().orElseThrow(
                () -> new AssertionError(node + " is not removed in " + plan));
    }

    /** n1 and n2 (4 cpu) are light; "big" (16 cpu) has room for anything moved off them. */
    static Snapshots threeNodes() {
        return Snapshots.cluster().group(group("g").min(0))
                .node(node("n1").group("g"))
                .node(node("n2").group("g"))
                .node(node("big").group("g").cpu("16").memory("64Gi"))
                .pod(pod("default/anchor").cpu("9").memory("33Gi").replicaSet("anchor").on("big"));
    }

    @Nested
    class DaemonSetPodsOnNewNodes {

        /** n1 is full; its DaemonSet and mirror pods take 1 cpu of 4 on every node of the group. */
        private Snapshots fullNodeWithAgents() {
            return Snapshots.cluster().group(group("g").max(10))
                    .node(node("n1").group("g"))
                    .pod(pod("kube-system/agent-n1").cpu("700m").daemonSet("agent").on("n1"))
                    .pod(pod("kube-system/proxy-n1").cpu("300m").annotation(WellKnown.MIRROR_POD_ANNOTATION, "x")
                            .on("n1"))
                    .pod(pod("default/filler").cpu("3").replicaSet("filler").on("n1"));
        }

        @Test
        void aTemplateCopiedFromAReadyNodeKeepsItsDaemonSetAndMirrorPods() {
            // 2 x 1.6 cpu fit one empty 4-cpu node, but not the 3 cpu the agents leave free
            Plan plan = plan(fullNodeWithAgents()
                    .pod(pending("default/a").cpu("1600m"))
                    .pod(pending("default/b").cpu("1600m")));
            assertThat(plan.scaleUp()).hasSize(1);
            assertThat(plan.scaleUp().get(0).count()).isEqualTo(2);
        }

        @Test
        void aGroupWithoutNodesRunsTheDaemonSetsWhoseSelectorsAndTolerationsMatch() {
            // 3.9 cpu per new node: the agent leaves 2.9, room for one 1.6-cpu pod; the GPU agent selects other
            // nodes and the edge agent does not tolerate the group's taint, so neither takes room here
            Plan plan = plan(Snapshots.cluster().group(group("g").max(10)
                            .taint(new Taint("dedicated", "batch", TaintEffect.NO_SCHEDULE)))
                    .offering("small", "4", "8Gi", 0.01)
                    .daemonSet("kube-system/agent", pod("x").cpu("1")
                            .tolerate(new Toleration(null, Toleration.Operator.EXISTS, null, null)))
                    .daemonSet("kube-system/gpu-agent", pod("x").cpu("3").nodeSelector("gpu", "true")
                            .tolerate(new Toleration(null, Toleration.Operator.EXISTS, null, null)))
                    .daemonSet("kube-system/edge-agent", pod("x").cpu("3"))
                    .pod(pending("default/a").cpu("1600m").tolerate(new Toleration("dedicated",
                            Toleration.Operator.EQUAL, "batch", TaintEffect.NO_SCHEDULE)))
                    .pod(pending("default/b").cpu("1600m").tolerate(new Toleration("dedicated",
                            Toleration.Operator.EQUAL, "batch", TaintEffect.NO_SCHEDULE))));
            assertThat(plan.scaleUp()).singleElement().satisfies(s -> assertThat(s.count()).isEqualTo(2));
        }

        @Test
        void aPodThatFitsOnlyAnEmptyNodeGetsNoScaleUp() {
            Plan plan = plan(fullNodeWithAgents().pod(pending("default/wide").cpu("3500m")));
            assertThat(plan.scaleUp()).isEmpty();
            assertThat(plan.noScaleUp()).singleElement()
                    .satisfies(n -> assertThat(n.reason()).isEqualTo(NoScaleUpReason.NO_NODE_GROUP_FITS));
        }
    }

    @Nested
    class CustomControllers {

        @Test
        void aPodOwnedByACustomControllerBlocksItsNode() {
            Plan plan = plan(threeNodes().pod(pod("default/db-0").cpu("100m").owner("EtcdCluster", "db").on("n1")));
            assertThat(unremovable(plan, "n1").reason()).isEqualTo(NodeReason.BLOCKED_BY_POD);
            assertThat(unremovable(plan, "n1").podReason()).isEqualTo("NotReplicated");
            assertThat(unremovable(plan, "n1").pod()).isEqualTo("default/db-0");
        }

        @Test
        void jobAndStatefulSetAndReplicationControllerPodsAreReplicated() {
            Plan plan = plan(threeNodes()
                    .pod(pod("default/job-1").cpu("100m").owner("Job", "job").on("n1"))
                    .pod(pod("default/sts-0").cpu("100m").owner("StatefulSet", "sts").on("n1"))
                    .pod(pod("default/rc-1").cpu("100m").owner("ReplicationController", "rc").on("n1")));
            assertThat(removed(plan, "n1").reason()).isEqualTo(Plan.ScaleDownKind.Underutilized);
        }
    }

    @Nested
    class KubeSystemPods {

        @Test
        void aKubeSystemPodWithoutPdbBlocksOnlyUntilTheTimeoutAfterItsCreation() {
            Plan plan = plan(threeNodes()
                    .pod(pod("kube-system/old-dns").cpu("100m").replicaSet("dns").created("2026-11-01T00:00:00Z")
                            .on("n1"))
                    .pod(pod("kube-system/new-dns").cpu("100m").replicaSet("dns").created(RECENT).on("n2")));
            assertThat(removed(plan, "n1").reason()).isEqualTo(Plan.ScaleDownKind.Underutilized);
            assertThat(unremovable(plan, "n2").podReason()).isEqualTo("UnmovableKubeSystemPod");
        }
    }

    @Nested
    class RuleOrder {

        @Test
        void notReplicatedIsCheckedBeforeTheSafeToEvictFalseAnnotation() {
            Plan plan = plan(threeNodes().pod(pod("default/bare").cpu("100m").noOwner()
                    .annotation(WellKnown.SAFE_TO_EVICT_ANNOTATION, "false").on("n1")));
            assertThat(unremovable(plan, "n1").podReason()).isEqualTo("NotReplicated");
        }

        @Test
        void theKubeSystemRuleAnswersBeforeTheSafeToEvictFalseAnnotation() {
            Plan plan = plan(threeNodes().pod(pod("kube-system/young").cpu("100m").replicaSet("x").created(RECENT)
                    .annotation(WellKnown.SAFE_TO_EVICT_ANNOTATION, "false").on("n1")));
            assertThat(unremovable(plan, "n1").podReason()).isEqualTo("UnmovableKubeSystemPod");
        }

        @Test
        void theFirstBlockingPodIsNamedEvenWhenItsRuleIsThePdb() {
            Plan plan = plan(threeNodes()
                    .pod(pod("default/web-1").cpu("100m").label("app", "web").replicaSet("web").on("n1"))
                    .pod(pod("default/cache").cpu("100m").replicaSet("cache")
                            .volume(new PodVolume("scratch", VolumeKind.EMPTY_DIR_DISK)).on("n1"))
                    .pdb(new PdbInfo("default", "web", LabelSelector.of(Map.of("app", "web")), 0)));
            assertThat(unremovable(plan, "n1").pod()).isEqualTo("default/web-1");
            assertThat(unremovable(plan, "n1").podReason()).isEqualTo("NotEnoughPdb");
        }
    }

    @Nested
    class TopologySpreadAndTheRemovedNode {

        @Test
        void theNodeBeingRemovedStillCountsAsATopologyDomain() {
            TopologySpreadConstraint byZone = new TopologySpreadConstraint(1, ZONE,
                    LabelSelector.of(Map.of("app", "web")));
            Plan plan = plan(Snapshots.cluster().group(group("g").min(0))
                    .node(node("a-big").group("g").cpu("16").memory("64Gi").label(ZONE, "a"))
                    .node(node("b-small").group("g").label(ZONE, "b"))
                    .pod(pod("default/anchor").cpu("9").memory("33Gi").replicaSet("anchor").on("a-big"))
                    .pod(pod("default/web-a").cpu("100m").label("app", "web").spread(byZone).replicaSet("web")
                            .on("a-big"))
                    .pod(pod("default/web-b").cpu("100m").label("app", "web").spread(byZone).replicaSet("web")
                            .on("b-small")));
            // moving web-b to zone a makes the skew 2 against zone b, which has a node until it is deleted
            assertThat(unremovable(plan, "b-small").reason()).isEqualTo(NodeReason.NO_PLACE_TO_MOVE_PODS);
            assertThat(unremovable(plan, "b-small").pod()).isEqualTo("default/web-b");
        }
    }

    @Nested
    class UtilizationWithoutDaemonSets {

        @Test
        void ignoredDaemonSetRequestsLeaveTheDenominatorToo() {
            // 1.1 cpu of the 2 cpu the agent leaves is 55%: not below 50%, although it is 27.5% of 4 cpu
            Plan plan = plan(threeNodes()
                    .pod(pod("default/agent-n1").cpu("2").daemonSet("agent").on("n1"))
                    .pod(pod("default/web").cpu("1100m").replicaSet("web").on("n1")));
            assertThat(unremovable(plan, "n1").reason()).isEqualTo(NodeReason.NOT_UNDERUTILIZED);
        }
    }

    /** Where the planner differs from cluster-autoscaler on purpose (README, "How a plan is made"). */
    @Nested
    class DeliberateDifferences {

        @Test
        void aNodeExactlyAtTheThresholdIsNotUnderutilized() {
            // the Go VPSie autoscaler's fields mean "below"; cluster-autoscaler's flag would take 50% as underused
            Plan plan = plan(threeNodes().pod(pod("default/web").cpu("2").memory("1Gi").replicaSet("web").on("n1")));
            assertThat(unremovable(plan, "n1").reason()).isEqualTo(NodeReason.NOT_UNDERUTILIZED);
        }

        @Test
        void safeToEvictPodsStillSpendTheirPdbBudget() {
            Plan plan = plan(threeNodes()
                    .pod(pod("default/web-1").cpu("100m").label("app", "web").replicaSet("web")
                            .annotation(WellKnown.SAFE_TO_EVICT_ANNOTATION, "true").on("n1"))
                    .pdb(new PdbInfo("default", "web", LabelSelector.of(Map.of("app", "web")), 0)));
            assertThat(unremovable(plan, "n1").podReason()).isEqualTo("NotEnoughPdb");
        }

        @Test
        void severalPodsOfOnePdbOnANodeMustAllFitItsBudget() {
            Plan plan = plan(threeNodes()
                    .pod(pod("default/web-1").cpu("100m").label("app", "web").replicaSet("web").on("n1"))
                    .pod(pod("default/web-2").cpu("100m").label("app", "web").replicaSet("web").on("n1"))
                    .pdb(new PdbInfo("default", "web", LabelSelector.of(Map.of("app", "web")), 1)));
            assertThat(unremovable(plan, "n1").podReason()).isEqualTo("NotEnoughPdb");
            assertThat(unremovable(plan, "n1").pod()).isEqualTo("default/web-1");
        }

        @Test
        void aKubeSystemPodMarkedNotSafeToEvictKeepsItsNodePastTheTimeout() {
            Plan plan = plan(threeNodes().pod(pod("kube-system/dns").cpu("100m").replicaSet("dns")
                    .created("2026-11-01T00:00:00Z").annotation(WellKnown.SAFE_TO_EVICT_ANNOTATION, "false")
                    .on("n1")));
            assertThat(unremovable(plan, "n1").podReason()).isEqualTo("NotSafeToEvictAnnotation");
        }

        @Test
        void utilizationIsCheckedAgainAfterEarlierRemovalsOfThePass() {
            // n1 goes first (same utilization, name order); its pod lands on n2, which is then 75% used and stays,
            // where cluster-autoscaler, having found n2 underutilized before the loop, would move all of it again
            Plan plan = plan(threeNodes()
                    .pod(pod("default/a").cpu("1500m").replicaSet("a").on("n1"))
                    .pod(pod("default/b").cpu("1500m").replicaSet("b").on("n2")));
            assertThat(removed(plan, "n1").reason()).isEqualTo(Plan.ScaleDownKind.Underutilized);
            assertThat(unremovable(plan, "n2").reason()).isEqualTo(NodeReason.NOT_UNDERUTILIZED);
        }

        @Test
        void settingsChangeTheTwoNewRules() {
            Snapshots s = threeNodes()
                    .pod(pod("default/db-0").cpu("100m").owner("EtcdCluster", "db").on("n1"))
                    .pod(pod("kube-system/dns").cpu("100m").replicaSet("dns").created(RECENT).on("n2"));
            PlannerSettings lenient = PlannerSettings.defaults().withSkipNodesWithCustomControllerPods(false)
                    .withBlockingSystemPodDisruptionTimeout(java.time.Duration.ofMinutes(10));
            Plan plan = plan(s, lenient);
            assertThat(removed(plan, "n1").reason()).isEqualTo(Plan.ScaleDownKind.Underutilized);
            assertThat(removed(plan, "n2").reason()).isEqualTo(Plan.ScaleDownKind.Underutilized);
        }
    }
}
