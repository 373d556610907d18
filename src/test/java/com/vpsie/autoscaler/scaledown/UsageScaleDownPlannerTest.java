package com.vpsie.autoscaler.scaledown;

import static com.vpsie.autoscaler.testing.GroupBuilder.group;
import static com.vpsie.autoscaler.testing.NodeBuilder.node;
import static com.vpsie.autoscaler.testing.PodBuilder.pod;
import static org.assertj.core.api.Assertions.assertThat;

import com.vpsie.autoscaler.model.ClusterSnapshot;
import com.vpsie.autoscaler.model.NodeUsage;
import com.vpsie.autoscaler.model.ScaleDownPolicy;
import com.vpsie.autoscaler.model.UtilizationSource;
import com.vpsie.autoscaler.plan.AutoscalingPlanner;
import com.vpsie.autoscaler.plan.NodeReason;
import com.vpsie.autoscaler.plan.Plan;
import com.vpsie.autoscaler.plan.PlannerSettings;
import com.vpsie.autoscaler.testing.Snapshots;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Scale-down of groups that judge nodes by measured usage ({@code scaleDownPolicy.utilizationSource}). */
class UsageScaleDownPlannerTest {

    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    private static ScaleDownPolicy policy(UtilizationSource source) {
        return new ScaleDownPolicy(true, 50, 50, 600, 600, source);
    }

    /**
     * Group g (min 0) of 4-cpu/8Gi nodes: "requested" has pods asking for 3 cpu (busy by requests), "quiet" has
     * a 1-cpu pod (idle by requests), and "roomy", 16 cpu, can take either's pods.
     */
    private static Snapshots cluster(UtilizationSource source) {
        return Snapshots.cluster().group(group("g").min(0).scaleDown(policy(source)))
                .node(node("requested").group("g"))
                .node(node("quiet").group("g"))
                .node(node("roomy").group("g").cpu("16").memory("64Gi"))
                .pod(pod("default/reserved").cpu("3").memory("1Gi").replicaSet("reserved").on("requested"))
                .pod(pod("default/hungry").cpu("1").memory("1Gi").replicaSet("hungry").on("quiet"))
                .pod(pod("default/anchor").cpu("12").memory("48Gi").replicaSet("anchor").on("roomy"));
    }

    /** Ten minutely samples at these fractions, the newest a minute old. */
    private static NodeUsage steady(double cpu, double memory) {
        List<NodeUsage.Sample> samples = new java.util.ArrayList<>();
        for (int i = 10; i >= 1; i--) {
            samples.add(new NodeUsage.Sample(NOW.minusSeconds(60L * i), cpu, memory));
        }
        return new NodeUsage(samples);
    }

    /** "requested" idle by usage, "quiet" busy by usage, "roomy" busy. */
    private static Map<String, NodeUsage> measured() {
        Map<String, NodeUsage> usage = new HashMap<>();
        usage.put("requested", steady(0.05, 0.1));
        usage.put("quiet", steady(0.95, 0.3));
        usage.put("roomy", steady(0.8, 0.8));
        return usage;
    }

    private static Plan plan(ClusterSnapshot snapshot) {
        return AutoscalingPlanner.plan(snapshot, NOW, PlannerSettings.defaults());
    }

    private static Plan.ScaleDown removed(Plan plan, String node) {
        return plan.scaleDown().stream().filter(d -> d.node().equals(node)).findFirst()
                .orElseThrow(() -> new AssertionError(node + " is not removed in " + plan));
    }

    private static Plan.Unremovable kept(Plan plan, String node) {
        return plan.unremovable().stream().filter(u -> u.node().equals(node)).findFirst()
                .orElseThrow(() -> new AssertionError(node + " is not kept in " + plan));
    }

    @Test
    void byRequestsTheMeasuredUsageChangesNothing() {
        Plan plan = plan(cluster(UtilizationSource.REQUESTS).build().withUsage(measured()));
        assertThat(kept(plan, "requested").reason()).isEqualTo(NodeReason.NOT_UNDERUTILIZED);
        assertThat(removed(plan, "quiet").usage()).isNull();
    }

    @Test
    void byUsageANodeBusyByRequestsButIdleByUsageGoesAndOneIdleByRequestsButBusyStays() {
        Plan plan = plan(cluster(UtilizationSource.USAGE).build().withUsage(measured()));
        Plan.ScaleDown down = removed(plan, "requested");
        assertThat(down.reason()).isEqualTo(Plan.ScaleDownKind.Underutilized);
        assertThat(down.usage().state()).isEqualTo("Underutilized");
        assertThat(down.usage().samples()).isEqualTo(10);
        assertThat(down.usage().samplesBelow()).isEqualTo(10);
        assertThat(down.usage().cpuFraction()).isCloseTo(0.05, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(kept(plan, "quiet").reason()).isEqualTo(NodeReason.NOT_UNDERUTILIZED);
    }

    @Test
    void byUsagePodsMustStillFitElsewhereByTheirRequests() {
        // the only other node is full by requests: the idle-by-usage node's 3-cpu pod has nowhere to go
        Snapshots s = Snapshots.cluster().group(group("g").min(0).scaleDown(policy(UtilizationSource.USAGE)))
                .node(node("requested").group("g")).node(node("full").group("g"))
                .pod(pod("default/reserved").cpu("3").memory("1Gi").replicaSet("reserved").on("requested"))
                .pod(pod("default/filler").cpu("3500m").memory("1Gi").replicaSet("filler").on("full"));
        Plan plan = plan(s.build().withUsage(Map.of("requested", steady(0.0, 0.0), "full", steady(0.9, 0.9))));
        assertThat(kept(plan, "requested").reason()).isEqualTo(NodeReason.NO_PLACE_TO_MOVE_PODS);
    }

    @Test
    void byUsageDrainRulesStillApply() {
        Snapshots s = cluster(UtilizationSource.USAGE)
                .pod(pod("default/bare").cpu("100m").on("requested")); // no controller: nothing would recreate it
        Plan plan = plan(s.build().withUsage(measured()));
        assertThat(kept(plan, "requested").reason()).isEqualTo(NodeReason.BLOCKED_BY_POD);
    }

    @Test
    void byUsageWithoutSamplesTheGroupFallsBackToRequestsAndUsageRemovalsWait() {
        Plan plan = plan(cluster(UtilizationSource.USAGE).build());
        assertThat(kept(plan, "requested").reason()).as("only usage would let it go").isEqualTo(NodeReason.NOT_UNDERUTILIZED);
        Plan.ScaleDown quiet = removed(plan, "quiet");
        assertThat(quiet.usage().state()).isEqualTo("NoSamples");
    }

    @Test
    void byUsageStaleSamplesFallBackToRequests() {
        Map<String, NodeUsage> stale = new HashMap<>();
        stale.put("requested", new NodeUsage(List.of(new NodeUsage.Sample(NOW.minusSeconds(360), 0.0, 0.0))));
        stale.put("quiet", new NodeUsage(List.of(new NodeUsage.Sample(NOW.minusSeconds(360), 0.99, 0.99))));
        Plan plan = plan(cluster(UtilizationSource.USAGE).build().withUsage(stale));
        assertThat(kept(plan, "requested").reason()).isEqualTo(NodeReason.NOT_UNDERUTILIZED);
        assertThat(removed(plan, "quiet").usage().state()).isEqualTo("Stale");
    }

    @Test
    void bothNeedsRequestsAndUsageToAgree() {
        Map<String, NodeUsage> usage = measured();
        usage.put("quiet", steady(0.1, 0.1));
        Plan plan = plan(cluster(UtilizationSource.BOTH).build().withUsage(usage));
        assertThat(kept(plan, "requested").reason()).as("idle by usage only").isEqualTo(NodeReason.NOT_UNDERUTILIZED);
        assertThat(removed(plan, "quiet").usage().state()).isEqualTo("Underutilized");

        usage.put("quiet", steady(0.9, 0.1));
        Plan busy = plan(cluster(UtilizationSource.BOTH).build().withUsage(usage));
        assertThat(kept(busy, "quiet").reason()).as("idle by requests only").isEqualTo(NodeReason.NOT_UNDERUTILIZED);
    }

    @Test
    void byUsageANodeThatReceivedPodsFromAnEarlierRemovalStays() {
        // two idle-by-usage nodes; the first removed moves its pod onto the second, which is then no longer known idle
        Snapshots s = Snapshots.cluster().group(group("g").min(0).scaleDown(policy(UtilizationSource.USAGE)))
                .node(node("a").group("g")).node(node("b").group("g"))
                .pod(pod("default/x").cpu("1").memory("1Gi").replicaSet("x").on("a"))
                .pod(pod("default/y").cpu("1").memory("1Gi").replicaSet("y").on("b"));
        Plan plan = plan(s.build().withUsage(Map.of("a", steady(0.01, 0.01), "b", steady(0.02, 0.02))));
        assertThat(plan.scaleDown()).extracting(Plan.ScaleDown::node).containsExactly("a");
        assertThat(kept(plan, "b").reason()).isEqualTo(NodeReason.NOT_UNDERUTILIZED);
    }
}
