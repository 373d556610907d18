package com.vpsie.autoscaler.scaledown;

import static com.vpsie.autoscaler.scaledown.DrainFixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.vpsie.autoscaler.model.ClusterSnapshot;
import com.vpsie.autoscaler.model.NodeGroupInfo;
import com.vpsie.autoscaler.model.NodeUsage;
import com.vpsie.autoscaler.model.ScaleDownPolicy;
import com.vpsie.autoscaler.model.UtilizationSource;
import com.vpsie.autoscaler.model.WellKnown;
import com.vpsie.autoscaler.plan.Plan;
import com.vpsie.autoscaler.plan.PlannerSettings;
import com.vpsie.autoscaler.scaledown.DrainResult.Outcome;
import com.vpsie.autoscaler.testing.GroupBuilder;
import com.vpsie.autoscaler.sim.kube.StrictMockServer;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link NodeDrainer} against fabric8's mock API server with the strict test dispatcher. Mock-only behaviours
 * relied on, unlike a real API server: an accepted eviction deletes the pod at once (no kubelet, no grace period
 * running out), a spent budget stays spent until the test writes its status (no disruption controller), nothing
 * schedules pods (tests bind them by setting {@code spec.nodeName}), and DaemonSet pods stay on a drained node
 * because no DaemonSet controller exists; field selectors on {@code spec.nodeName} match nothing, so the tests list
 * a node's pods by filtering all pods ({@link DrainFixtures#podLister}).
 */
class NodeDrainerIT {

    private static final String GROUP = "general";

    private StrictMockServer kube;
    /** The controller's client: fabric8's own retry left on, as in production, to show the drainer turns it off. */
    private KubernetesClient client;
    private final Clock clock = Clock.systemUTC();
    private final List<NodeGroupInfo> groups = new ArrayList<>(List.of(
            GroupBuilder.group(GROUP).min(0).max(10).desired(2).build()));

    @BeforeEach
    void start() {
        kube = StrictMockServer.start();
        client = kube.newClient(c -> c.withRequestRetryBackoffLimit(3).withRequestRetryBackoffInterval(50));
        Instant now = clock.instant();
        client.nodes().resource(DrainFixtures.node("n1", GROUP, "fake://srv-1", now)).create();
        client.nodes().resource(DrainFixtures.node("n2", GROUP, "fake://srv-2", now)).create();
    }

    @AfterEach
    void stop() {
        client.close();
        kube.close();
    }

    /** Set by tests whose budget must refuse at eviction time although the plan saw none (see DrainFixtures). */
    private boolean planSeesBudgets = true;

    private NodeDrainer drainer(DrainSettings settings) {
        return new NodeDrainer(client, DrainFixtures.podLister(client),
                DrainFixtures.snapshots(client, () -> groups, planSeesBudgets), PlannerSettings.defaults(), settings,
                clock);
    }

    private void create(Pod pod) {
        client.resource(pod).create();
    }

    private static NodeDrainer.Request request(String node, Plan.ScaleDownKind kind, String... pods) {
        Set<String> keys = new java.util.HashSet<>();
        for (String p : pods) {
            keys.add(NS + "/" + p);
        }
        return new NodeDrainer.Request(node, GROUP, kind, keys, null);
    }

    /** Eviction requests the mock received so far, as "namespace/name", in order; consumes the request log. */
    private List<String> evictionsSoFar() throws InterruptedException {
        List<String> out = new ArrayList<>();
        RecordedRequest r;
        while ((r = kube.server().takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
            String path = r.getPath();
            if ("POST".equals(r.getMethod()) && path.endsWith("/eviction")) {
                String[] parts = path.split("/");
                out.add(parts[4] + "/" + parts[6]);
            }
        }
        return out;
    }

    @Test
    void drainsAnUnderutilizedNodeAndLeavesItForTheReconciler() {
        create(DrainFixtures.pod("web-1", "n1", "web"));
        create(DrainFixtures.pod("web-2", "n1", "web"));

        DrainResult result = drainer(DrainFixtures.fast())
                .drain(request("n1", Plan.ScaleDownKind.Underutilized, "web-1", "web-2"));

        assertThat(result.outcome()).as(result.toString()).isEqualTo(Outcome.DRAINED);
        assertThat(result.podsEvicted()).isEqualTo(2);
        assertThat(DrainFixtures.podNames(client, "n1")).isEmpty();
        Node n1 = DrainFixtures.get(client, "n1");
        assertThat(n1).as("the drainer never deletes a Node").isNotNull();
        assertThat(n1.getMetadata().getAnnotations())
                .containsEntry(WellKnown.DRAIN_STATE_ANNOTATION, WellKnown.DRAIN_STATE_DRAINED)
                .containsEntry(WellKnown.DRAIN_REASON_ANNOTATION, "Underutilized")
                .containsKeys(WellKnown.DRAIN_STARTED_ANNOTATION, WellKnown.DRAINED_AT_ANNOTATION)
                .doesNotContainKey(NodeMarks.WAS_CORDONED_ANNOTATION);
        assertThat(DrainFixtures.tainted(client, "n1")).as("stays tainted until the reconciler deletes it").isTrue();
        assertThat(DrainFixtures.cordoned(client, "n1")).isTrue();
        assertThat(n1.getSpec().getTaints()).filteredOn(t -> t.getKey().equals(WellKnown.TO_BE_DELETED_TAINT))
                .singleElement().satisfies(t -> {
                    assertThat(t.getEffect()).isEqualTo("NoSchedule");
                    assertThat(Long.parseLong(t.getValue())).isEqualTo(result.startedAt().getEpochSecond());
                });
    }

    @Test
    void evictsNonCriticalPodsBeforeCriticalOnesAndLeavesDaemonSetPods() throws Exception {
        create(DrainFixtures.criticalPod("dns-1", "n1", "dns"));
        create(DrainFixtures.pod("web-1", "n1", "web"));
        create(DrainFixtures.daemonPod("agent-1", "n1"));
        evictionsSoFar();

        DrainResult result = drainer(DrainFixtures.fast())
                .drain(request("n1", Plan.ScaleDownKind.Underutilized, "dns-1", "web-1", "agent-1"));

        assertThat(result.outcome()).as(result.toString()).isEqualTo(Outcome.DRAINED);
        assertThat(evictionsSoFar()).containsExactly(NS + "/web-1", NS + "/dns-1");
        assertThat(DrainFixtures.podNames(client, "n1")).containsExactly("agent-1");
    }

    @Test
    void retriesEvictionsABudgetRefusesUntilItAllowsThem() throws Exception {
        create(DrainFixtures.pod("web-1", "n1", "web"));
        client.resource(DrainFixtures.pdb("web-pdb", "web", 0)).create();
        planSeesBudgets = false;
        evictionsSoFar();

        CompletableFuture<DrainResult> drain = CompletableFuture.supplyAsync(() -> drainer(DrainFixtures.fast(
                Duration.ofSeconds(30), 10, 1)).drain(request("n1", Plan.ScaleDownKind.Underutilized, "web-1")));
        List<String> refused = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            refused.addAll(evictionsSoFar());
            return refused.size() >= 3;
        });
        assertThat(drain).isNotDone();
        // the disruption controller's part, which the mock does not play: the budget has room again
        client.policy().v1().podDisruptionBudget().inNamespace(NS).withName("web-pdb")
                .editStatus(b -> {
                    b.getStatus().setDisruptionsAllowed(1);
                    return b;
                });

        DrainResult result = drain.get(10, TimeUnit.SECONDS);
        assertThat(result.outcome()).as(result.toString()).isEqualTo(Outcome.DRAINED);
        assertThat(result.podsEvicted()).isEqualTo(1);
        assertThat(refused).containsOnly(NS + "/web-1");
    }

    @Test
    void oneEvictionAttemptIsOneRequestEvenThoughTheControllersClientRetries() throws Exception {
        create(DrainFixtures.pod("web-1", "n1", "web"));
        client.resource(DrainFixtures.pdb("web-pdb", "web", 0)).create();
        evictionsSoFar();

        // fabric8 on its own retries a 429 (here up to 3 times): these would stack under the drainer's retries
        assertThat(client.pods().inNamespace(NS).withName("web-1").evict()).isFalse();
        assertThat(evictionsSoFar()).hasSizeGreaterThan(1);

        KubernetesClient evictions = NodeDrainer.withoutRetries(client, Duration.ofSeconds(5));
        assertThat(evictions.pods().inNamespace(NS).withName("web-1").evict()).isFalse();
        assertThat(evictionsSoFar()).hasSize(1);
    }

    @Test
    void evictionsRefusedForLongerThanTheMaximumTimeOutAndAskForAnUndo() {
        create(DrainFixtures.pod("web-1", "n1", "web"));
        client.resource(DrainFixtures.pdb("web-pdb", "web", 0)).create();
        planSeesBudgets = false;

        DrainResult result = drainer(DrainFixtures.fast(Duration.ofMillis(200), 10, 1))
                .drain(request("n1", Plan.ScaleDownKind.Underutilized, "web-1"));

        assertThat(result.outcome()).as(result.toString()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(result.reason()).isEqualTo(DrainResult.EVICTION_TIMEOUT);
        assertThat(result.needsUndo()).isTrue();
        assertThat(result.startedAt()).isNotNull();
        assertThat(DrainFixtures.podNames(client, "n1")).containsExactly("web-1");
        assertThat(DrainFixtures.marks(client, "n1").draining()).as("undoing is the caller's job").isTrue();
    }

    @Test
    void aPodScheduledBetweenTheDecisionAndTheTaintAbortsTheDrain() throws Exception {
        DrainSettings slowRecheck = DrainFixtures.withRecheckDelay(DrainFixtures.fast(), Duration.ofMillis(500));
        CompletableFuture<DrainResult> drain = CompletableFuture.supplyAsync(
                () -> drainer(slowRecheck).drain(request("n1", Plan.ScaleDownKind.Empty)));
        await().atMost(Duration.ofSeconds(5)).until(() -> DrainFixtures.tainted(client, "n1"));
        // the scheduler bound this pod from a view of the node that predates the taint
        create(DrainFixtures.pod("late-1", "n1", "late"));

        DrainResult result = drain.get(10, TimeUnit.SECONDS);

        assertThat(result.outcome()).as(result.toString()).isEqualTo(Outcome.ABORTED);
        assertThat(result.reason()).isEqualTo(DrainResult.PODS_ARRIVED);
        assertThat(result.needsUndo()).isTrue();
        assertThat(DrainFixtures.podNames(client, "n1")).containsExactly("late-1");
    }

    @Test
    void aNodeAFreshPlanWouldKeepIsNotDrained() throws Exception {
        create(DrainFixtures.pod("web-1", "n1", "web"));
        DrainSettings slowRecheck = DrainFixtures.withRecheckDelay(DrainFixtures.fast(), Duration.ofMillis(500));
        CompletableFuture<DrainResult> drain = CompletableFuture.supplyAsync(() -> drainer(slowRecheck)
                .drain(request("n1", Plan.ScaleDownKind.Underutilized, "web-1")));
        await().atMost(Duration.ofSeconds(5)).until(() -> DrainFixtures.tainted(client, "n1"));
        // the only other node goes: web-1 would have nowhere to run
        client.nodes().withName("n2").delete();

        DrainResult result = drain.get(10, TimeUnit.SECONDS);

        assertThat(result.outcome()).as(result.toString()).isEqualTo(Outcome.ABORTED);
        assertThat(result.reason()).isEqualTo(DrainResult.NO_LONGER_REMOVABLE);
        assertThat(result.detail()).contains("NoPlaceToMovePods");
        assertThat(DrainFixtures.podNames(client, "n1")).containsExactly("web-1");
    }

    /**
     * A group judged by measured usage: the node busy by requests (3 of its 4 CPUs) but idle by usage was chosen by
     * usage, and the re-check's fresh plan must judge it the same way, not by requests.
     */
    @Test
    void theRecheckOfANodeChosenByUsageJudgesByUsageToo() {
        groups.set(0, GroupBuilder.group(GROUP).min(0).max(10).desired(2)
                .scaleDown(new ScaleDownPolicy(true, 50, 50, 600, 0, UtilizationSource.USAGE)).build());
        for (String name : List.of("web-1", "web-2")) {
            create(new PodBuilder(DrainFixtures.pod(name, "n1", "web")).editSpec().editFirstContainer()
                    .editResources().withRequests(Map.of("cpu", new Quantity("1500m"), "memory",
                            new Quantity("128Mi"))).endResources().endContainer().endSpec().build());
        }
        Supplier<ClusterSnapshot> withoutUsage = DrainFixtures.snapshots(client, () -> groups);
        Supplier<ClusterSnapshot> measured = () -> withoutUsage.get().withUsage(Map.of(
                "n1", new NodeUsage(List.of(new NodeUsage.Sample(clock.instant(), 0.05, 0.05))),
                "n2", new NodeUsage(List.of(new NodeUsage.Sample(clock.instant(), 0.9, 0.6)))));
        NodeDrainer drainer = new NodeDrainer(client, DrainFixtures.podLister(client), measured,
                PlannerSettings.defaults(), DrainFixtures.fast(), clock);

        DrainResult result = drainer.drain(request("n1", Plan.ScaleDownKind.Underutilized, "web-1", "web-2"));

        assertThat(result.outcome()).as(result.toString()).isEqualTo(Outcome.DRAINED);
        assertThat(DrainFixtures.podNames(client, "n1")).isEmpty();
    }

    @Test
    void aNodeSomeoneElseMarkedIsLeftAlone() {
        client.nodes().withName("n1").edit(n -> new io.fabric8.kubernetes.api.model.NodeBuilder(n).editSpec()
                .addNewTaint().withKey(WellKnown.CA_TO_BE_DELETED_TAINT).withValue("1").withEffect("NoSchedule")
                .endTaint().endSpec().build());

        DrainResult result = drainer(DrainFixtures.fast()).drain(request("n1", Plan.ScaleDownKind.Empty));

        assertThat(result.outcome()).as(result.toString()).isEqualTo(Outcome.SKIPPED);
        assertThat(result.reason()).isEqualTo(DrainResult.ALREADY_MARKED);
        assertThat(result.needsUndo()).isFalse();
        assertThat(DrainFixtures.cordoned(client, "n1")).isFalse();
    }

    @Test
    void aDrainLeftByAnEarlierProcessResumesFromTheRecheck() {
        create(DrainFixtures.pod("web-2", "n1", "web"));
        Instant startedAt = NodeMarks.startedAtPrecision(clock.instant().minusSeconds(20));
        DrainFixtures.markDraining(client, "n1", startedAt, Plan.ScaleDownKind.Underutilized);

        DrainResult result = drainer(DrainFixtures.fast()).drain(
                new NodeDrainer.Request("n1", GROUP, Plan.ScaleDownKind.Underutilized, Set.of(), startedAt));

        assertThat(result.outcome()).as(result.toString()).isEqualTo(Outcome.DRAINED);
        assertThat(result.startedAt()).isEqualTo(startedAt);
        assertThat(DrainFixtures.marks(client, "n1").drained()).isTrue();
        assertThat(DrainFixtures.marks(client, "n1").startedAt()).isEqualTo(startedAt);
    }

    @Test
    void resumingADrainWhoseMarksAreGoneDoesNothing() {
        DrainResult result = drainer(DrainFixtures.fast()).drain(new NodeDrainer.Request("n1", GROUP,
                Plan.ScaleDownKind.Empty, Set.of(), Instant.parse("2026-11-22T00:00:00.123Z")));

        assertThat(result.outcome()).as(result.toString()).isEqualTo(Outcome.SKIPPED);
        assertThat(result.reason()).isEqualTo(DrainResult.NOTHING_TO_RESUME);
        assertThat(result.needsUndo()).isFalse();
        assertThat(DrainFixtures.marks(client, "n1").any()).isFalse();
    }

    @Test
    void interruptingTheThreadCancelsTheDrainAndAsksForAnUndo() throws Exception {
        create(DrainFixtures.pod("web-1", "n1", "web"));
        client.resource(DrainFixtures.pdb("web-pdb", "web", 0)).create();
        planSeesBudgets = false;
        AtomicReference<DrainResult> result = new AtomicReference<>();
        Thread t = new Thread(() -> result.set(drainer(DrainFixtures.fast(Duration.ofMinutes(1), 10, 1))
                .drain(request("n1", Plan.ScaleDownKind.Underutilized, "web-1"))));
        t.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> !evictionsSoFar().isEmpty());

        t.interrupt();
        t.join(5000);

        assertThat(result.get()).isNotNull();
        assertThat(result.get().outcome()).isEqualTo(Outcome.CANCELLED);
        assertThat(result.get().needsUndo()).isTrue();
    }

    @Test
    void graceIsThePodsOwnCappedByTheMaximum() {
        NodeDrainer drainer = drainer(DrainFixtures.fast());
        Pod pod = DrainFixtures.pod("web-1", "n1", "web");
        assertThat(drainer.graceSeconds(new PodBuilder(pod).editSpec().withTerminationGracePeriodSeconds(1200L)
                .endSpec().build())).isEqualTo(600);
        assertThat(drainer.graceSeconds(new PodBuilder(pod).editSpec().withTerminationGracePeriodSeconds(45L)
                .endSpec().build())).isEqualTo(45);
        assertThat(drainer.graceSeconds(new PodBuilder(pod).editSpec().withTerminationGracePeriodSeconds(null)
                .endSpec().build())).as("the API server's default").isEqualTo(30);
    }
}
