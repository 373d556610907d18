package com.vpsie.autoscaler.controller;

import static com.vpsie.autoscaler.testing.IgnoreEvents.ignoring;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupStatus;
import com.vpsie.autoscaler.metrics.AutoscalerMetrics;
import com.vpsie.autoscaler.model.Offering;
import com.vpsie.autoscaler.model.Resources;
import com.vpsie.autoscaler.model.WellKnown;
import com.vpsie.autoscaler.provider.ProviderException;
import com.vpsie.autoscaler.provider.ProviderServer;
import com.vpsie.autoscaler.sim.MutableClock;
import com.vpsie.autoscaler.sim.kube.StrictMockServer;
import com.vpsie.autoscaler.testing.FakeCloudProvider;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Servers that do not become Ready nodes in time, and servers left without a Node (e.g. by a crash),
 * driven by an injected clock: the reconciler deletes them by name, gives back the size, records
 * ScaleUpTimedOut and backs the group off. Runs against the mock API server (status conflicts from the
 * test dispatcher; the real tier covers the rest) and the in-memory cloud.
 */
class ProvisioningTimeoutIT {

    private static final Instant T0 = Instant.parse("2026-11-22T12:00:00Z");
    /** A second namespace, with a NodeGroup named like the one in "test". */
    private static final String OTHER = "other";

    private StrictMockServer kube;
    private MutableClock clock;
    private FakeCloudProvider cloud;
    private ClusterCache cache;
    private NodeGroupReconciler reconciler;
    private GroupBackoff backoff;
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final AutoscalerMetrics metrics = new AutoscalerMetrics();

    @BeforeEach
    void start() throws Exception {
        kube = StrictMockServer.start();
        clock = new MutableClock(T0);
        cloud = new FakeCloudProvider(clock, Duration.ofMinutes(1)).offerings("dc1",
                new Offering("small", new Resources(2000, 4L << 30, 0, 110), 0.01));
        cache = new ClusterCache(kube.client(), List.of("test", OTHER));
        cache.start(ignoring(), ignoring(), ignoring());
        assertThat(cache.awaitSynced(10_000)).isTrue();
        backoff = GroupBackoff.clusterAutoscalerDefaults();
        EventRecorder recorder = new EventRecorder() {
            @Override
            public void record(InvolvedObject object, Type type, String reason, String message) {
                events.add(reason + " " + object.name());
            }

            @Override
            public void forget(InvolvedObject object) {
            }
        };
        reconciler = new NodeGroupReconciler(cache, kube.client(), cloud, new StatusWriter(kube.client(), clock),
                recorder, metrics, backoff, clock, Duration.ofMinutes(15), "cluster-1");
    }

    @AfterEach
    void stop() {
        cache.close();
        kube.close();
    }

    private void createGroup(int min, int max, Integer desired) {
        createGroup("test", min, max, desired, List.of("small"));
    }

    private void createGroup(int min, int max, Integer desired, List<String> offerings) {
        createGroup("test", min, max, desired, offerings);
    }

    private void createGroup(String namespace, int min, int max, Integer desired, List<String> offerings) {
        NodeGroup group = ControllerFixtures.group("general", min, max);
        group.getMetadata().setNamespace(namespace);
        group.getSpec().setOfferingIDs(offerings);
        NodeGroup g = kube.client().resources(NodeGroup.class).inNamespace(namespace).resource(group).create();
        if (desired != null) {
            new StatusWriter(kube.client(), clock).update(namespace, "general", g, s -> {
                s.setDesiredNodes(desired);
                return s;
            });
        }
        await().atMost(5, TimeUnit.SECONDS).until(() -> {
            NodeGroup cached = cache.nodeGroup(namespace, "general");
            return cached != null && (desired == null || (cached.getStatus() != null
                    && desired.equals(cached.getStatus().getDesiredNodes())));
        });
    }

    /** Reconciles until the cache has caught up with the reconciler's own writes. */
    private void reconcile() throws Exception {
        reconciler.reconcile("test/general");
        NodeGroup stored = kube.client().resources(NodeGroup.class).inNamespace("test").withName("general").get();
        await().atMost(5, TimeUnit.SECONDS).until(() -> cache.nodeGroup("test", "general").getMetadata()
                .getResourceVersion().equals(stored.getMetadata().getResourceVersion()));
    }

    private NodeGroupStatus status() {
        return kube.client().resources(NodeGroup.class).inNamespace("test").withName("general").get().getStatus();
    }

    @Test
    void serversThatNeverBecomeNodesAreDeletedTheSizeGivenBackAndTheGroupBackedOff() throws Exception {
        createGroup(1, 3, 2);
        reconcile();
        assertThat(cloud.serversOf("general")).hasSize(2);

        clock.advance(Duration.ofMinutes(14));
        reconcile();
        assertThat(cloud.serversOf("general")).as("not yet: 14 of 15 minutes").hasSize(2);

        clock.advance(Duration.ofMinutes(2));
        reconcile();
        assertThat(cloud.log()).filteredOn(l -> l.startsWith("delete")).hasSize(2);
        assertThat(events).contains("ScaleUpTimedOut general");
        assertThat(provisioningFailures("TimedOut")).as("one per server given up").isEqualTo(2);
        assertThat(backoff.backedOff("test/general", clock.instant())).isTrue();
        // both given back, but never below minNodes: one replacement is created to keep the minimum
        assertThat(status().getDesiredNodes()).isEqualTo(1);
        reconcile();
        assertThat(cloud.serversOf("general")).hasSize(1);

        // a scale-up request above the minimum waits for the back-off
        new StatusWriter(kube.client(), clock).update("test", "general", null, s -> {
            s.setDesiredNodes(3);
            return s;
        });
        await().until(() -> cache.nodeGroup("test", "general").getStatus().getDesiredNodes() == 3);
        reconcile();
        assertThat(cloud.serversOf("general")).as("backed off").hasSize(1);
        assertThat(status().getConditions()).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("Error");
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getReason()).isEqualTo("ScaleUpTimedOut");
        });
        clock.advance(Duration.ofMinutes(5));
        reconcile();
        assertThat(cloud.serversOf("general")).as("back-off over").hasSize(3);
        assertThat(cloud.log()).as("no server deleted twice").filteredOn(l -> l.startsWith("delete"))
                .doesNotHaveDuplicates();
    }

    @Test
    void aCreateTheProviderRefusesCountsAsAProvisioningFailureAndBacksTheGroupOff() throws Exception {
        createGroup(0, 3, 1);
        cloud.failNextCreate(new ProviderException.Terminal("quota exceeded: exceeds the allowed limit"));

        assertThatThrownBy(() -> reconciler.reconcile("test/general")).isInstanceOf(ProviderException.Terminal.class);

        assertThat(provisioningFailures("ProviderRejected")).isEqualTo(1);
        assertThat(provisioningFailures("TimedOut")).isZero();
        assertThat(cloud.serversOf("general")).isEmpty();
        assertThat(backoff.backedOff("test/general", clock.instant())).isTrue();
    }

    @Test
    void theBackOffOfOneGroupDoesNotHoldASameNamedGroupInAnotherNamespace() throws Exception {
        createGroup(0, 3, 1);
        createGroup(OTHER, 0, 3, 1, List.of("small"));
        cloud.failNextCreate(new ProviderException.Terminal("quota exceeded: exceeds the allowed limit"));
        assertThatThrownBy(() -> reconciler.reconcile("test/general")).isInstanceOf(ProviderException.Terminal.class);

        reconciler.reconcile(OTHER + "/general");

        assertThat(cloud.log()).as("other/general scales up").filteredOn(l -> l.startsWith("create")).hasSize(1);
        NodeGroupStatus other = kube.client().resources(NodeGroup.class).inNamespace(OTHER).withName("general").get()
                .getStatus();
        assertThat(other.getConditions()).noneMatch(c -> "Error".equals(c.getType()) && "True".equals(c.getStatus()));
        assertThat(backoff.backedOff("test/general", clock.instant())).isTrue();
        assertThat(backoff.backedOff(OTHER + "/general", clock.instant())).isFalse();
    }

    @Test
    void aSizeRefusedForLackOfCapacityIsGivenBackAndTheGroupsNextOfferingAskedForWithoutABackOff() throws Exception {
        createGroup(0, 3, 1, List.of("small", "large"));
        cloud.failNextCreate(new ProviderException.OutOfCapacity("Insufficient resources"));

        reconcile(); // not thrown: nothing to retry with back-off, the planner chooses again

        assertThat(cloud.serversOf("general")).isEmpty();
        assertThat(status().getDesiredNodes()).as("the refused request given back").isZero();
        assertThat(status().getNodes()).as("no request left open").isNullOrEmpty();
        assertThat(status().getConditions()).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("OfferingUnavailable");
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getMessage()).isEqualTo("offering small out of capacity in datacenter dc1 until "
                    + "2026-11-22T12:03:00Z");
        });
        assertThat(events).contains("OfferingUnavailable general");
        assertThat(provisioningFailures("OutOfCapacity")).isEqualTo(1);
        assertThat(provisioningFailures("ProviderRejected")).isZero();
        assertThat(backoff.backedOff("test/general", clock.instant())).isFalse();

        // the next pass asks again: the group's other offering is used while "small" is unavailable
        setDesired(1);
        reconcile();
        assertThat(cloud.serversOf("general")).extracting(ProviderServer::offeringId).containsExactly("large");

        // once the entry has expired, the preferred offering is asked for again and the condition clears
        clock.advance(Duration.ofMinutes(3));
        setDesired(2);
        reconcile();
        assertThat(cloud.serversOf("general")).extracting(ProviderServer::offeringId)
                .containsExactlyInAnyOrder("large", "small");
        assertThat(status().getConditions()).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("OfferingUnavailable");
            assertThat(c.getStatus()).isEqualTo("False");
        });
    }

    @Test
    void aRefusalInAWaveOfAddCallsStopsTheLaterWavesAndGivesTheirRequestsBack() throws Exception {
        int needed = AddCallWaves.DEFAULT_AT_ONCE + 4;
        createGroup(0, 20, needed, List.of("small", "large"));
        // one call of the first wave is refused (which one depends on the threads); the others of that wave are
        // already on their way, and the second wave must not be sent
        cloud.failNextCreate(new ProviderException.OutOfCapacity("Insufficient resources"));

        reconcile();

        int made = AddCallWaves.DEFAULT_AT_ONCE - 1;
        assertThat(cloud.serversOf("general")).as("the first wave but the refused call").hasSize(made);
        assertThat(status().getDesiredNodes()).as("the refused request and the unsent wave given back")
                .isEqualTo(made);
        assertThat(status().getNodes()).as("no request left open").hasSize(made)
                .allSatisfy(e -> assertThat(e.getRequestID()).isNull());
        assertThat(provisioningFailures("OutOfCapacity")).isEqualTo(1);
        assertThat(events).containsOnlyOnce("OfferingUnavailable general");

        reconcile();
        assertThat(cloud.serversOf("general")).as("nothing more asked for: the desired size was given back")
                .hasSize(made);
    }

    private void setDesired(int desired) {
        new StatusWriter(kube.client(), clock).update("test", "general", null, s -> {
            s.setDesiredNodes(desired);
            return s;
        });
        await().until(() -> cache.nodeGroup("test", "general").getStatus().getDesiredNodes() == desired);
    }

    private double provisioningFailures(String reason) {
        var c = metrics.registry().find("vpsie.autoscaler.node.provisioning.failures")
                .tags("nodegroup", "general", "reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void anOrphanServerLeftByACrashIsDeletedOnceItsTimeHasPassed() throws Exception {
        cloud.seed("general", "general-orphan", "small", T0.minus(Duration.ofMinutes(20)));
        createGroup(0, 3, 1);
        reconcile();
        assertThat(cloud.serversOf("general")).isEmpty();
        assertThat(cloud.log()).containsExactly("delete general srv-1");
        assertThat(status().getDesiredNodes()).isZero();
        reconcile();
        assertThat(cloud.log()).as("deleted once, nothing recreated").hasSize(1);
    }

    @Test
    void aServerWhoseNodeIsReadyIsKeptHoweverOld() throws Exception {
        ProviderServer s = cloud.seed("general", "general-ok", "small", T0.minus(Duration.ofHours(2)));
        kube.client().nodes().resource(new NodeBuilder().withNewMetadata().withName("general-ok")
                .addToLabels(WellKnown.NODEGROUP_LABEL, "general").endMetadata()
                .withNewSpec().withProviderID(s.providerId()).endSpec()
                .withNewStatus().addNewCondition().withType("Ready").withStatus("True")
                .withLastTransitionTime(T0.minus(Duration.ofHours(2)).plusSeconds(90).toString()).endCondition()
                .endStatus().build()).create();
        await().until(() -> cache.nodesOfGroup("general").size() == 1);
        createGroup(1, 3, 1);
        reconcile();
        assertThat(cloud.log()).isEmpty();
        assertThat(status().getReadyNodes()).isEqualTo(1);
    }
}
