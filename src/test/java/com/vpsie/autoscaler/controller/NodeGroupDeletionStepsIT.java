package com.vpsie.autoscaler.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupCondition;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupNodeStatus;
import com.vpsie.autoscaler.metrics.AutoscalerMetrics;
import com.vpsie.autoscaler.model.Offering;
import com.vpsie.autoscaler.model.Resources;
import com.vpsie.autoscaler.model.WellKnown;
import com.vpsie.autoscaler.provider.ProviderServer;
import com.vpsie.autoscaler.scaledown.DrainFixtures;
import com.vpsie.autoscaler.sim.MutableClock;
import com.vpsie.autoscaler.sim.kube.StrictMockServer;
import com.vpsie.autoscaler.testing.FakeCloudProvider;
import com.vpsie.autoscaler.testing.IgnoreEvents;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Deleting a NodeGroup, one reconcile at a time, where timing decides: the reconciler alone on the mock API server
 * (which honours finalizers as an API server does) and the in-memory cloud, whose servers are kept by group name as
 * VPSie's are.
 */
class NodeGroupDeletionStepsIT {

    private StrictMockServer kube;
    private FakeCloudProvider cloud;
    private MutableClock clock;
    private ClusterCache cache;
    private NodeGroupReconciler reconciler;
    private final List<String> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        kube = StrictMockServer.start();
        clock = new MutableClock(Instant.parse("2026-11-22T12:00:00Z"));
        cloud = new FakeCloudProvider(clock, Duration.ofMinutes(1)).offerings("dc1",
                new Offering("small", new Resources(2000, 4L << 30, 0, 110), 0.01));
        cache = new ClusterCache(kube.client(), List.of());
        cache.start(new IgnoreEvents<>(), new IgnoreEvents<>(),
                new IgnoreEvents<>());
        assertThat(cache.awaitSynced(10_000)).isTrue();
        EventRecorder recorder = new EventRecorder() {
            @Override
            public void record(InvolvedObject object, Type type, String reason, String message) {
                events.add(reason + " " + object.namespace() + "/" + object.name() + ": " + message);
            }

            @Override
            public void forget(InvolvedObject object) {
            }
        };
        reconciler = new NodeGroupReconciler(cache, kube.client(), cloud, new StatusWriter(kube.client(), clock),
                recorder, new AutoscalerMetrics(), GroupBackoff.clusterAutoscalerDefaults(), clock,
                Duration.ofMinutes(15), "cluster-1");
    }

    @AfterEach
    void stop() {
        cache.close();
        kube.close();
    }

    /**
     * Two NodeGroups named alike in two namespaces: nodes name their group by label alone and VPSie groups are found
     * by name, so the one being deleted cannot tell its servers and nodes from the other's. It must touch neither,
     * say why, and go on once the other is gone.
     */
    @Test
    void aGroupBeingDeletedLeavesTheServersOfItsNamesakeAloneUntilTheNamesakeIsGone() throws Exception {
        cloud.seed("general", "general-a", "small", Instant.parse("2026-11-22T11:59:00Z"));
        create("test");
        create("other");
        reconciler.reconcile("test/general");
        awaitCached("test", g -> g != null && g.getMetadata().getFinalizers() != null
                && g.getMetadata().getFinalizers().contains(WellKnown.NODEGROUP_FINALIZER));

        kube.client().resources(NodeGroup.class).inNamespace("test").withName("general").delete();
        awaitCached("test", g -> g.getMetadata().getDeletionTimestamp() != null);
        reconciler.reconcile("test/general");

        assertThat(cloud.log()).as("the shared server is not deleted").noneMatch(l -> l.startsWith("delete"));
        NodeGroup held = kube.client().resources(NodeGroup.class).inNamespace("test").withName("general").get();
        NodeGroupCondition c = DeletionBlockReporter.condition(held);
        assertThat(c.getReason()).isEqualTo("DeletionBlocked");
        assertThat(c.getMessage()).contains("other/general");
        assertThat(events).anyMatch(e -> e.startsWith("DeletionBlocked test/general: NodeGroup other/general"));

        kube.client().resources(NodeGroup.class).inNamespace("other").withName("general").delete();
        await().atMost(5, TimeUnit.SECONDS).until(() -> cache.nodeGroup("other", "general") == null);
        await().atMost(10, TimeUnit.SECONDS).until(() -> {
            reconciler.reconcile("test/general");
            return kube.client().resources(NodeGroup.class).inNamespace("test").withName("general").get() == null;
        });
        assertThat(cloud.serversOf("general")).isEmpty();
        assertThat(events).anyMatch(e -> e.startsWith("Deleted test/general"));
    }

    /**
     * A server listed for the first time in the pass that releases it (its node drained as soon as it registered,
     * which listing lag makes likely) is the answer to the group's open create request: matched, the request is
     * closed, and the group goes without waiting out the provisioning timeout for it.
     */
    @Test
    void aServerReleasedInThePassThatFirstListsItClosesTheRequestItAnswers() throws Exception {
        create("test");
        reconciler.reconcile("test/general");
        awaitCached("test", g -> g.getMetadata().getFinalizers() != null);
        new StatusWriter(kube.client(), clock).update("test", "general", null, s -> {
            NodeGroupNodeStatus request = new NodeGroupNodeStatus();
            request.setRequestID("req-1");
            request.setStatus(PendingCreates.REQUESTED);
            request.setInstanceType("small");
            request.setCreatedAt(StatusMerge.format(clock.instant()));
            s.setNodes(List.of(request));
            s.setDesiredNodes(1);
            return s;
        });
        ProviderServer server = cloud.seed("general", "general-a", "small", clock.instant());
        kube.client().nodes().resource(new io.fabric8.kubernetes.api.model.NodeBuilder(
                DrainFixtures.node("general-a", "general", server.providerId(), clock.instant())).editMetadata()
                .addToAnnotations(WellKnown.DRAIN_STATE_ANNOTATION, WellKnown.DRAIN_STATE_DRAINED).endMetadata()
                .build()).create();
        kube.client().resources(NodeGroup.class).inNamespace("test").withName("general").delete();
        awaitCached("test", g -> g.getMetadata().getDeletionTimestamp() != null
                && g.getStatus() != null && g.getStatus().getNodes() != null);
        await().atMost(5, TimeUnit.SECONDS).until(() -> cache.nodesOfGroup("general").size() == 1);

        await().atMost(10, TimeUnit.SECONDS).until(() -> {
            reconciler.reconcile("test/general");
            return kube.client().resources(NodeGroup.class).inNamespace("test").withName("general").get() == null;
        });
        assertThat(cloud.serversOf("general")).isEmpty();
    }

    private void create(String namespace) {
        if (kube.client().namespaces().withName(namespace).get() == null) {
            kube.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                    .endMetadata().build()).create();
        }
        NodeGroup g = ControllerFixtures.group("general", 0, 3);
        g.getMetadata().setNamespace(namespace);
        kube.client().resources(NodeGroup.class).inNamespace(namespace).resource(g).create();
        awaitCached(namespace, n -> n != null);
    }

    private void awaitCached(String namespace, Predicate<NodeGroup> condition) {
        await().atMost(5, TimeUnit.SECONDS).until(() -> condition.test(cache.nodeGroup(namespace, "general")));
    }
}
