package com.vpsie.autoscaler.scaledown;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.controller.EventRecorder;
import com.vpsie.autoscaler.controller.InvolvedObject;
import com.vpsie.autoscaler.metrics.AutoscalerMetrics;
import com.vpsie.autoscaler.model.ClusterSnapshot;
import com.vpsie.autoscaler.model.NodeGroupInfo;
import com.vpsie.autoscaler.model.WellKnown;
import com.vpsie.autoscaler.plan.Plan;
import com.vpsie.autoscaler.plan.PlannerSettings;
import com.vpsie.autoscaler.sim.MutableClock;
import com.vpsie.autoscaler.testing.GroupBuilder;
import com.vpsie.autoscaler.sim.kube.StrictMockServer;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.search.Search;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ScaleDownManager} against fabric8's mock API server with the strict test dispatcher. Mock-only behaviours
 * relied on, unlike a real API server: evicted pods vanish at once (no kubelet), budgets keep whatever status the
 * test writes (no disruption controller), nothing schedules pods (tests bind them), and a node's pods are listed by
 * filtering all pods because the mock matches field selectors on name and namespace only.
 */
class ScaleDownManagerIT {

    private static final String GROUP = "general";
    /** The namespace of {@link #GROUP} in the planner's snapshot ({@link GroupBuilder}'s default). */
    private static final String GROUP_NAMESPACE = "default";

    private StrictMockServer kube;
    private KubernetesClient client;
    private final MutableClock clock = new MutableClock(Instant.now());
    private final AutoscalerMetrics metrics = new AutoscalerMetrics();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<ScaleDownManager> managers = new ArrayList<>();
    private int minNodes = 0;
    private boolean planSeesBudgets = true;

    @BeforeEach
    void start() {
        kube = StrictMockServer.start();
        client = kube.client();
    }

    @AfterEach
    void stop() {
        managers.forEach(ScaleDownManager::close);
        kube.close();
    }

    private final EventRecorder recorder = new EventRecorder() {
        @Override
        public void record(InvolvedObject object, Type type, String reason, String message) {
            events.add(object.kind() + "/" + object.name() + " " + type.apiName() + " " + reason + ": " + message);
        }

        @Override
        public void forget(InvolvedObject object) {
        }
    };

    private Supplier<ClusterSnapshot> snapshots() {
        Supplier<List<NodeGroupInfo>> groups = () -> List.of(GroupBuilder.group(GROUP).min(minNodes).max(10)
                .desired(client.nodes().list().getItems().size()).build());
        return DrainFixtures.snapshots(client, groups, planSeesBudgets);
    }

    private ScaleDownManager manager(DrainSettings settings) {
        ScaleDownManager m = new ScaleDownManager(client, DrainFixtures.podLister(client), () -> snapshots().get(),
                PlannerSettings.defaults(), settings, recorder, metrics, clock);
        managers.add(m);
        return m;
    }

    /** A manager of an instance started with {@code --namespaces} naming only the namespace of {@link #GROUP}. */
    private ScaleDownManager scopedManager(DrainSettings settings) {
        ScaleDownManager m = new ScaleDownManager(client, DrainFixtures.podLister(client), () -> snapshots().get(),
                PlannerSettings.defaults(), settings, recorder, metrics, clock, List.of(GROUP_NAMESPACE));
        managers.add(m);
        return m;
    }

    private void nodeGroup(String namespace, String name) {
        NodeGroup g = new NodeGroup();
        g.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        client.resources(NodeGroup.class).inNamespace(namespace).resource(g).create();
    }

    /** A node of ours left with a bare taint: its undo shows that a sweep has run. */
    private void leftoverTaint(String node) {
        client.nodes().withName(node).edit(n -> new NodeBuilder(n).editSpec()
                .addNewTaint().withKey(WellKnown.TO_BE_DELETED_TAINT).withValue("1700000000").withEffect("NoSchedule")
                .endTaint().endSpec().build());
    }

    private void nodes(String... names) {
        for (String name : names) {
            client.nodes().resource(DrainFixtures.node(name, GROUP, "fake://" + name, clock.instant())).create();
        }
    }

    private static Plan.ScaleDown candidate(String node, Plan.ScaleDownKind kind) {
        return new Plan.ScaleDown(node, GROUP, kind);
    }

    private boolean clean(String node) {
        return !DrainFixtures.tainted(client, node) && !DrainFixtures.cordoned(client, node)
                && !DrainFixtures.marks(client, node).any();
    }

    private double counter(String name, String... tags) {
        var c = metrics.registry().find("vpsie.autoscaler." + name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    private Search search(String name) {
        return metrics.registry().find("vpsie.autoscaler." + name);
    }

    @Test
    void drainsACandidateAndLeavesTheDeletionToTheReconciler() throws Exception {
        nodes("n1", "n2");
        client.resource(DrainFixtures.pod("web-1", "n1", "web")).create();
        client.resource(DrainFixtures.pod("web-2", "n1", "web")).create();
        ScaleDownManager manager = manager(DrainFixtures.fast());

        manager.submit(List.of(candidate("n1", Plan.ScaleDownKind.Underutilized)), snapshots().get());

        await().atMost(Duration.ofSeconds(10)).until(() -> DrainFixtures.marks(client, "n1").drained());
        assertThat(manager.awaitIdle(Duration.ofSeconds(5))).isTrue();
        assertThat(DrainFixtures.marks(client, "n1").owner()).isEqualTo(GROUP_NAMESPACE + "/" + GROUP);
        assertThat(DrainFixtures.get(client, "n1")).as("never deleted here").isNotNull();
        assertThat(DrainFixtures.podNames(client, "n1")).isEmpty();
        assertThat(search("node.drain.duration").tags("nodegroup", GROUP, "result", "success").timer().count())
                .isEqualTo(1);
        assertThat(search("node.drain.pods.evicted").tags("nodegroup", GROUP).summary().totalAmount()).isEqualTo(2);
        assertThat(counter("scale.down.errors")).isZero();
        assertThat(events).isEmpty();
        assertThat(manager.drainsInFlight()).isEmpty();
        assertThat(DrainFixtures.marks(client, "n2").any()).isFalse();
    }

    @Test
    void aDrainThatTimesOutIsUndoneReportedAndCoolsTheGroupDown() throws Exception {
        nodes("n1", "n2");
        client.resource(DrainFixtures.pod("web-1", "n1", "web")).create();
        client.resource(DrainFixtures.pdb("web-pdb", "web", 0)).create();
        planSeesBudgets = false;
        ScaleDownManager manager = manager(DrainFixtures.fast(Duration.ofMillis(200), 10, 1));

        manager.submit(List.of(candidate("n1", Plan.ScaleDownKind.Underutilized)), snapshots().get());

        await().atMost(Duration.ofSeconds(10)).until(() -> counter("scale.down.errors", "nodegroup", GROUP,
                "reason", DrainResult.EVICTION_TIMEOUT) == 1);
        assertThat(manager.awaitIdle(Duration.ofSeconds(5))).isTrue();
        assertThat(clean("n1")).as("taint, cordon and annotations removed").isTrue();
        assertThat(DrainFixtures.podNames(client, "n1")).containsExactly("web-1");
        assertThat(events).singleElement().asString().startsWith("Node/n1 Warning ScaleDownFailed")
                .contains(DrainResult.EVICTION_TIMEOUT);
        assertThat(search("node.drain.duration").tags("result", "timed_out").timer().count()).isEqualTo(1);
        // the names dashboards and alerts use
        assertThat(metrics.scrape())
                .contains("vpsie_autoscaler_scale_down_errors_total{nodegroup=\"general\",reason=\"EvictionTimeout\"} 1.0")
                .contains("vpsie_autoscaler_node_drain_duration_seconds_count{nodegroup=\"general\",result=\"timed_out\"} 1")
                .contains("vpsie_autoscaler_node_drain_pods_evicted_count{nodegroup=\"general\"} 1");

        assertThat(manager.inFailureCooldown(GROUP, clock.instant())).isTrue();
        manager.submit(List.of(candidate("n1", Plan.ScaleDownKind.Underutilized)), snapshots().get());
        assertThat(manager.drainsInFlight()).as("held by the cooldown").isEmpty();
        clock.advance(Duration.ofMinutes(3));
        assertThat(manager.inFailureCooldown(GROUP, clock.instant())).isFalse();
    }

    @Test
    void cancellingADrainMidwayStillUndoesIt() throws Exception {
        nodes("n1", "n2");
        client.resource(DrainFixtures.pod("web-1", "n1", "web")).create();
        client.resource(DrainFixtures.pdb("web-pdb", "web", 0)).create();
        planSeesBudgets = false;
        ScaleDownManager manager = manager(DrainFixtures.fast(Duration.ofMinutes(5), 10, 1));
        manager.submit(List.of(candidate("n1", Plan.ScaleDownKind.Underutilized)), snapshots().get());
        // the drain is in its eviction retries: marked, re-checked, refused by the budget
        await().atMost(Duration.ofSeconds(10)).until(() -> DrainFixtures.tainted(client, "n1")
                && kube.server().getRequestCount() > 0 && manager.drainsInFlight().contains("n1"));
        Thread.sleep(200);

        manager.stop(); // lease lost

        // the drain thread is interrupted: had the undo run there, its API calls would fail at once
        await().atMost(Duration.ofSeconds(10)).until(() -> clean("n1"));
        assertThat(DrainFixtures.tainted(client, "n1")).isFalse();
        assertThat(DrainFixtures.cordoned(client, "n1")).isFalse();
        assertThat(manager.awaitIdle(Duration.ofSeconds(5))).isTrue();
        assertThat(counter("scale.down.errors", "nodegroup", GROUP, "reason", DrainResult.CANCELLED)).isEqualTo(1);
        assertThat(events).singleElement().asString().contains("ScaleDownFailed");
        assertThat(DrainFixtures.podNames(client, "n1")).containsExactly("web-1");
    }

    @Test
    void shuttingDownMidDrainUndoesBeforeCloseReturns() {
        nodes("n1", "n2");
        client.resource(DrainFixtures.pod("web-1", "n1", "web")).create();
        client.resource(DrainFixtures.pdb("web-pdb", "web", 0)).create();
        planSeesBudgets = false;
        ScaleDownManager manager = manager(DrainFixtures.fast(Duration.ofMinutes(5), 10, 1));
        manager.submit(List.of(candidate("n1", Plan.ScaleDownKind.Underutilized)), snapshots().get());
        await().atMost(Duration.ofSeconds(10)).until(() -> DrainFixtures.tainted(client, "n1"));

        manager.close();

        assertThat(clean("n1")).isTrue();
        manager.submit(List.of(candidate("n2", Plan.ScaleDownKind.Empty)), snapshots().get());
        assertThat(manager.drainsInFlight()).as("closed: takes nothing new").isEmpty();
    }

    @Test
    void aPodArrivingAfterTheTaintAbortsAndUndoesTheDrain() throws Exception {
        nodes("n1", "n2");
        ScaleDownManager manager = manager(DrainFixtures.withRecheckDelay(DrainFixtures.fast(),
                Duration.ofMillis(500)));
        manager.submit(List.of(candidate("n1", Plan.ScaleDownKind.Empty)), snapshots().get());
        await().atMost(Duration.ofSeconds(5)).until(() -> DrainFixtures.tainted(client, "n1"));

        client.resource(DrainFixtures.pod("late-1", "n1", "late")).create();

        await().atMost(Duration.ofSeconds(10)).until(() -> counter("safety.check.failures", "reason",
                DrainResult.PODS_ARRIVED) == 1);
        assertThat(manager.awaitIdle(Duration.ofSeconds(5))).isTrue();
        assertThat(clean("n1")).isTrue();
        assertThat(DrainFixtures.podNames(client, "n1")).containsExactly("late-1");
        assertThat(counter("scale.down.errors", "nodegroup", GROUP, "reason", DrainResult.PODS_ARRIVED)).isEqualTo(1);
        assertThat(search("node.drain.duration").tags("result", "aborted").timer().count()).isEqualTo(1);
        assertThat(metrics.scrape())
                .contains("vpsie_autoscaler_safety_check_failures_total{reason=\"PodsArrived\"} 1.0");
    }

    @Test
    void emptyNodesGoSeveralAtATimeUpToTheBulkLimit() throws Exception {
        nodes("n1", "n2", "n3", "n4");
        ScaleDownManager manager = manager(DrainFixtures.fast(Duration.ofSeconds(2), 2, 1));

        manager.submit(List.of(candidate("n1", Plan.ScaleDownKind.Empty), candidate("n2", Plan.ScaleDownKind.Empty),
                candidate("n3", Plan.ScaleDownKind.Empty)), snapshots().get());

        assertThat(manager.drainsInFlight()).containsExactlyInAnyOrder("n1", "n2");
        assertThat(manager.awaitIdle(Duration.ofSeconds(10))).isTrue();
        assertThat(DrainFixtures.marks(client, "n1").drained()).isTrue();
        assertThat(DrainFixtures.marks(client, "n2").drained()).isTrue();
        assertThat(DrainFixtures.marks(client, "n3").any()).isFalse();
        assertThat(counter("scale.down.blocked", "reason", DrainAdmission.MAX_EMPTY)).isEqualTo(1);
        assertThat(metrics.scrape())
                .contains("vpsie_autoscaler_scale_down_blocked_total{reason=\"MaxEmptyBulkDeleteReached\"} 1.0");
    }

    @Test
    void nonEmptyNodesGoOneAtATime() throws Exception {
        nodes("n1", "n2", "n3");
        client.resource(DrainFixtures.pod("web-1", "n1", "web")).create();
        client.resource(DrainFixtures.pod("api-1", "n2", "api")).create();
        ScaleDownManager manager = manager(DrainFixtures.fast());

        manager.submit(List.of(candidate("n1", Plan.ScaleDownKind.Underutilized),
                candidate("n2", Plan.ScaleDownKind.Underutilized)), snapshots().get());

        assertThat(manager.drainsInFlight()).containsExactly("n1");
        assertThat(manager.awaitIdle(Duration.ofSeconds(10))).isTrue();
        assertThat(DrainFixtures.marks(client, "n1").drained()).isTrue();
        assertThat(DrainFixtures.marks(client, "n2").any()).isFalse();
        assertThat(counter("scale.down.blocked", "reason", DrainAdmission.MAX_PARALLEL)).isEqualTo(1);
    }

    @Test
    void aGroupNeverDropsBelowItsMinimumCountingDrainsInFlight() throws Exception {
        minNodes = 2;
        nodes("n1", "n2", "n3");
        ScaleDownManager manager = manager(DrainFixtures.withRecheckDelay(DrainFixtures.fast(),
                Duration.ofMillis(300)));
        ClusterSnapshot before = snapshots().get();

        manager.submit(List.of(candidate("n1", Plan.ScaleDownKind.Empty)), before);
        // the next pass planned on a snapshot taken before n1 was marked: n2 looks like the third node still
        manager.submit(List.of(candidate("n2", Plan.ScaleDownKind.Empty)), before);

        assertThat(manager.drainsInFlight()).containsExactly("n1");
        assertThat(counter("scale.down.blocked", "reason", DrainAdmission.MIN_SIZE)).isEqualTo(1);
        assertThat(manager.awaitIdle(Duration.ofSeconds(10))).isTrue();
        assertThat(DrainFixtures.marks(client, "n2").any()).isFalse();
    }

    @Test
    void anOperatorsCordonSurvivesTheUndo() throws Exception {
        nodes("n1", "n2");
        client.nodes().withName("n1").edit(n -> new NodeBuilder(n).editSpec().withUnschedulable(true).endSpec()
                .build());
        client.resource(DrainFixtures.pod("web-1", "n1", "web")).create();
        client.resource(DrainFixtures.pdb("web-pdb", "web", 0)).create();
        planSeesBudgets = false;
        ScaleDownManager manager = manager(DrainFixtures.fast(Duration.ofMillis(100), 10, 1));

        manager.submit(List.of(candidate("n1", Plan.ScaleDownKind.Underutilized)), snapshots().get());

        await().atMost(Duration.ofSeconds(10)).until(() -> counter("scale.down.errors") > 0
                || counter("scale.down.errors", "nodegroup", GROUP, "reason", DrainResult.EVICTION_TIMEOUT) > 0);
        assertThat(manager.awaitIdle(Duration.ofSeconds(5))).isTrue();
        assertThat(DrainFixtures.tainted(client, "n1")).isFalse();
        assertThat(DrainFixtures.marks(client, "n1").any()).isFalse();
        assertThat(DrainFixtures.cordoned(client, "n1")).as("cordoned by someone else before the drain").isTrue();
    }

    // ---- resume ----

    @Test
    void onResumeAnExpiredDrainIsUndoneAndReported() throws Exception {
        nodes("n1", "n2");
        client.resource(DrainFixtures.pod("web-1", "n1", "web")).create();
        DrainSettings settings = DrainFixtures.fast();
        DrainFixtures.markDraining(client, "n1", clock.instant().minus(settings.drainDeadline()).minusSeconds(1),
                Plan.ScaleDownKind.Underutilized);
        ScaleDownManager manager = manager(settings);

        manager.resume();

        await().atMost(Duration.ofSeconds(10)).until(() -> clean("n1"));
        assertThat(DrainFixtures.podNames(client, "n1")).containsExactly("web-1");
        assertThat(counter("scale.down.errors", "nodegroup", GROUP, "reason", DrainResult.DRAIN_EXPIRED))
                .isEqualTo(1);
        assertThat(events).singleElement().asString().contains("ScaleDownFailed");
    }

    @Test
    void onResumeARecentDrainIsFinished() throws Exception {
        nodes("n1", "n2");
        client.resource(DrainFixtures.pod("web-2", "n1", "web")).create();
        Instant startedAt = NodeMarks.startedAtPrecision(clock.instant().minusSeconds(30));
        DrainFixtures.markDraining(client, "n1", startedAt, Plan.ScaleDownKind.Underutilized);
        ScaleDownManager manager = manager(DrainFixtures.fast());

        manager.resume();

        await().atMost(Duration.ofSeconds(10)).until(() -> DrainFixtures.marks(client, "n1").drained());
        assertThat(DrainFixtures.marks(client, "n1").startedAt()).isEqualTo(startedAt);
        assertThat(DrainFixtures.podNames(client, "n1")).isEmpty();
        assertThat(manager.awaitIdle(Duration.ofSeconds(5))).isTrue();
        assertThat(events).isEmpty();
    }

    @Test
    void onResumeADrainNoLongerWantedIsUndone() throws Exception {
        nodes("n1"); // its pods have nowhere else to go any more
        client.resource(DrainFixtures.pod("web-2", "n1", "web")).create();
        DrainFixtures.markDraining(client, "n1", NodeMarks.startedAtPrecision(clock.instant().minusSeconds(30)),
                Plan.ScaleDownKind.Underutilized);
        ScaleDownManager manager = manager(DrainFixtures.fast());

        manager.resume();

        await().atMost(Duration.ofSeconds(10)).until(() -> clean("n1"));
        assertThat(DrainFixtures.podNames(client, "n1")).containsExactly("web-2");
        assertThat(counter("scale.down.errors", "nodegroup", GROUP, "reason", DrainResult.NO_LONGER_REMOVABLE))
                .isEqualTo(1);
        assertThat(counter("safety.check.failures", "reason", DrainResult.NO_LONGER_REMOVABLE)).isEqualTo(1);
    }

    @Test
    void onResumeLeftoverTaintsAreRemovedAndDrainedNodesLeftToTheReconciler() throws Exception {
        nodes("n1", "n2", "n3");
        client.nodes().withName("n1").edit(n -> new NodeBuilder(n).editSpec().withUnschedulable(true)
                .addNewTaint().withKey(WellKnown.TO_BE_DELETED_TAINT).withValue("1700000000").withEffect("NoSchedule")
                .endTaint().endSpec().build());
        Instant startedAt = NodeMarks.startedAtPrecision(clock.instant().minusSeconds(3600));
        DrainFixtures.markDrained(client, "n2", startedAt, Plan.ScaleDownKind.Empty);
        ScaleDownManager manager = manager(DrainFixtures.fast());

        manager.resume();

        await().atMost(Duration.ofSeconds(10)).until(() -> !DrainFixtures.tainted(client, "n1"));
        assertThat(DrainFixtures.cordoned(client, "n1")).as("nothing says that cordon was ours").isTrue();
        assertThat(manager.awaitIdle(Duration.ofSeconds(5))).isTrue();
        assertThat(DrainFixtures.marks(client, "n2").drained()).as("drained: the reconciler's to delete").isTrue();
        assertThat(DrainFixtures.tainted(client, "n2")).isTrue();
        assertThat(DrainFixtures.marks(client, "n3").any()).isFalse();
    }

    @Test
    void aDrainedNodeWhoseNodeGroupIsGoneIsHandedBackAndOthersAreLeftToTheirReconciler() throws Exception {
        nodes("n1", "n2");
        client.nodes().resource(DrainFixtures.node("old-1", "retired", "fake://old-1", clock.instant())).create();
        // "broken" exists but the planner leaves it out (as it does an invalid group): fixing it lets its
        // reconciler finish the deletion, so its drained node must stay drained
        client.nodes().resource(DrainFixtures.node("broken-1", "broken", "fake://broken-1", clock.instant())).create();
        NodeGroup broken = new NodeGroup();
        broken.setMetadata(new ObjectMetaBuilder().withName("broken").withNamespace("elsewhere").build());
        client.resources(NodeGroup.class).inNamespace("elsewhere").resource(broken).create();
        DrainSettings settings = DrainFixtures.fast();
        // drained longer ago than any drain lasts: nothing begun before the group went can still be running
        Instant startedAt = NodeMarks.startedAtPrecision(clock.instant().minus(settings.drainDeadline()).minusSeconds(1));
        for (String node : List.of("old-1", "broken-1", "n2")) {
            DrainFixtures.markDrained(client, node, startedAt, Plan.ScaleDownKind.Empty);
        }
        // drained just now: a deletion begun before its group went may still be under way
        client.nodes().resource(DrainFixtures.node("old-2", "retired", "fake://old-2", clock.instant())).create();
        DrainFixtures.markDrained(client, "old-2", NodeMarks.startedAtPrecision(clock.instant().minusSeconds(1)),
                Plan.ScaleDownKind.Empty);
        ScaleDownManager manager = manager(settings);

        manager.resume();

        await().atMost(Duration.ofSeconds(10)).until(() -> clean("old-1"));
        assertThat(manager.awaitIdle(Duration.ofSeconds(5))).isTrue();
        assertThat(DrainFixtures.marks(client, "n2").drained()).as("its group exists").isTrue();
        assertThat(DrainFixtures.marks(client, "broken-1").drained()).as("its group exists, invalid").isTrue();
        assertThat(DrainFixtures.marks(client, "old-2").drained()).as("not yet: drained too recently").isTrue();
        assertThat(events).singleElement().asString().startsWith("Node/old-1 Warning ScaleDownFailed")
                .contains(DrainResult.NODEGROUP_GONE);
        assertThat(search("scale.down.errors").counters()).as("no series for a group that is gone").isEmpty();
    }

    // ---- ownership: another instance (--namespaces) or a same-named group in another namespace ----

    @Test
    void theSweepLeavesADrainOfAGroupOutsideItsNamespacesAlone() throws Exception {
        nodes("n1", "n2");
        leftoverTaint("n1");
        nodeGroup("team-b", "web");
        client.nodes().resource(DrainFixtures.node("web-1", "web", "fake://web-1", clock.instant())).create();
        client.resource(DrainFixtures.pod("api-1", "web-1", "api")).create();
        DrainFixtures.markDraining(client, "web-1", NodeMarks.startedAtPrecision(clock.instant().minusSeconds(30)),
                Plan.ScaleDownKind.Underutilized, "team-b/web");
        ScaleDownManager manager = scopedManager(DrainFixtures.fast());

        manager.resume();

        await().atMost(Duration.ofSeconds(10)).until(() -> !DrainFixtures.tainted(client, "n1"));
        assertThat(manager.awaitIdle(Duration.ofSeconds(5))).isTrue();
        NodeMarks marks = DrainFixtures.marks(client, "web-1");
        assertThat(marks.draining()).as("the instance managing team-b drains it").isTrue();
        assertThat(marks.owner()).isEqualTo("team-b/web");
        assertThat(DrainFixtures.podNames(client, "web-1")).containsExactly("api-1");
        assertThat(events).noneMatch(e -> e.contains("web-1"));
        assertThat(search("scale.down.errors").tag("nodegroup", "web").counters()).isEmpty();
    }

    @Test
    void theSweepLeavesADrainOfASameNamedGroupInAnotherNamespaceAlone() throws Exception {
        nodes("n1", "n2", "n3");
        leftoverTaint("n1");
        nodeGroup("team-b", GROUP);
        // n3 is empty: were the drain taken for this instance's own, it would be resumed and finished at once
        DrainFixtures.markDraining(client, "n3", NodeMarks.startedAtPrecision(clock.instant().minusSeconds(30)),
                Plan.ScaleDownKind.Empty, "team-b/" + GROUP);
        ScaleDownManager manager = scopedManager(DrainFixtures.fast());

        manager.resume();

        await().atMost(Duration.ofSeconds(10)).until(() -> !DrainFixtures.tainted(client, "n1"));
        assertThat(manager.awaitIdle(Duration.ofSeconds(5))).isTrue();
        assertThat(manager.drainsInFlight()).isEmpty();
        assertThat(DrainFixtures.marks(client, "n3").draining()).as("neither resumed nor undone here").isTrue();
        assertThat(DrainFixtures.marks(client, "n3").owner()).isEqualTo("team-b/" + GROUP);
        assertThat(events).noneMatch(e -> e.contains("n3"));
    }

    @Test
    void aDrainWhoseOwnerGroupIsGoneIsUndoneWithoutASeriesForIt() throws Exception {
        nodes("n1", "n2");
        client.nodes().resource(DrainFixtures.node("web-1", "web", "fake://web-1", clock.instant())).create();
        DrainFixtures.markDraining(client, "web-1", NodeMarks.startedAtPrecision(clock.instant().minusSeconds(30)),
                Plan.ScaleDownKind.Underutilized, "team-b/web");
        ScaleDownManager manager = scopedManager(DrainFixtures.fast());

        manager.resume();

        await().atMost(Duration.ofSeconds(10)).until(() -> clean("web-1"));
        assertThat(manager.awaitIdle(Duration.ofSeconds(5))).isTrue();
        assertThat(events).singleElement().asString().startsWith("Node/web-1 Warning ScaleDownFailed")
                .contains(DrainResult.NODEGROUP_GONE);
        assertThat(search("scale.down.errors").counters()).as("no series for a group that is gone").isEmpty();
    }

    @Test
    void markedNodesAreReportedPerGroupWhileLeadingAndNotAfter() throws Exception {
        nodes("n1", "n2", "n3");
        Instant startedAt = NodeMarks.startedAtPrecision(clock.instant().minusSeconds(600));
        DrainFixtures.markDrained(client, "n2", startedAt, Plan.ScaleDownKind.Empty);
        DrainFixtures.markDrained(client, "n3", startedAt.plusSeconds(60), Plan.ScaleDownKind.Empty);
        ScaleDownManager manager = manager(DrainFixtures.fast());

        manager.resume();

        await().atMost(Duration.ofSeconds(10)).until(() -> search("scale.down.marked.nodes").gauge() != null);
        assertThat(search("scale.down.marked.nodes").tag("nodegroup", GROUP).gauge().value()).isEqualTo(2);
        assertThat(search("scale.down.oldest.mark.timestamp.seconds").tag("nodegroup", GROUP).gauge().value())
                .isEqualTo(startedAt.getEpochSecond());

        manager.stop();
        assertThat(search("scale.down.marked.nodes").gauges()).as("a replica that stopped leading reports nothing")
                .isEmpty();
    }

    @Test
    void stoppedItTakesNoCandidatesUntilResumed() throws Exception {
        nodes("n1", "n2");
        ScaleDownManager manager = manager(DrainFixtures.fast());
        manager.stop();

        manager.submit(List.of(candidate("n1", Plan.ScaleDownKind.Empty)), snapshots().get());
        assertThat(manager.drainsInFlight()).isEmpty();

        manager.resume();
        manager.submit(List.of(candidate("n1", Plan.ScaleDownKind.Empty)), snapshots().get());
        assertThat(manager.awaitIdle(Duration.ofSeconds(10))).isTrue();
        assertThat(DrainFixtures.marks(client, "n1").drained()).isTrue();
    }
}
