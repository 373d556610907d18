package com.vpsie.autoscaler.controller;

import static com.vpsie.autoscaler.testing.IgnoreEvents.ignoring;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupNodeStatus;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupStatus;
import com.vpsie.autoscaler.config.ControllerConfig;
import com.vpsie.autoscaler.metrics.AutoscalerMetrics;
import com.vpsie.autoscaler.model.Offering;
import com.vpsie.autoscaler.model.Resources;
import com.vpsie.autoscaler.model.WellKnown;
import com.vpsie.autoscaler.plan.Plan;
import com.vpsie.autoscaler.provider.CloudProvider;
import com.vpsie.autoscaler.provider.ProviderException;
import com.vpsie.autoscaler.provider.ProviderGroup;
import com.vpsie.autoscaler.provider.ProviderServer;
import com.vpsie.autoscaler.scaledown.DrainFixtures;
import com.vpsie.autoscaler.scaledown.DrainSettings;
import com.vpsie.autoscaler.scaledown.NodeMarks;
import com.vpsie.autoscaler.scaledown.ScaleDownManager;
import com.vpsie.autoscaler.testing.FakeCloudProvider;
import com.vpsie.autoscaler.testing.ForwardingCloudProvider;
import com.vpsie.autoscaler.sim.kube.StrictMockServer;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A controller "crashes" after each step of a scale-down (marked, partly evicted, drained, released in status,
 * server deleted, Node deleted), and a new instance — fresh caches, NodeGroup reconciler and scale-down manager —
 * converges: the node is either gone together with its server, or back in service without our marks; no server is
 * deleted twice, none is left without a Node, the desired size is lowered exactly once.
 *
 * <p>Each crash state is written directly (what the crashed process left on the API server, the cloud and the
 * status), except {@link #aControllerThatDiesWhileReCheckingLeavesADrainTheNextOneFinishes}, which kills a real
 * drain by closing its process's client. Mock-only behaviours relied on, unlike a real API server: evicted pods
 * vanish at once, the mock's field selectors cannot select pods by node (a node's pods are listed by filtering),
 * and the Node object is deleted without a node lifecycle controller or kubelet involved.
 */
class ScaleDownCrashRecoveryIT {

    private static final String NS = "test";
    private static final String GROUP = "general";
    private static final String KEY = NS + "/" + GROUP;
    private static final Offering SMALL = new Offering("small", new Resources(4000, 8L << 30, 0, 110), 0.01);

    private final Clock clock = Clock.systemUTC();
    private StrictMockServer kube;
    private FakeCloudProvider cloud;
    private final Map<String, ProviderServer> servers = new java.util.HashMap<>();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    /** One controller process: its own caches, reconciler and scale-down manager. */
    private record Instance(ClusterCache cache, NodeGroupReconciler reconciler, ScaleDownManager manager,
                            AutoscalerMetrics metrics, List<String> events) {

        void reconcile() {
            try {
                reconciler.reconcile(KEY);
            } catch (ProviderException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @BeforeEach
    void start() {
        kube = StrictMockServer.start();
        cloud = new FakeCloudProvider(clock, Duration.ZERO).offerings("dc1", SMALL);
        KubernetesClient client = kube.client();
        NodeGroup group = ControllerFixtures.group(GROUP, 1, 5);
        client.resources(NodeGroup.class).inNamespace(NS).resource(group).create();
        writeStatus(s -> s.setDesiredNodes(3));
        Instant now = clock.instant();
        for (String name : List.of("n1", "n2", "n3")) {
            ProviderServer server = cloud.seed(GROUP, name, "small", now.minus(Duration.ofHours(1)));
            servers.put(name, server);
            client.nodes().resource(DrainFixtures.node(name, GROUP, server.providerId(), now)).create();
        }
        client.resource(DrainFixtures.pod("web-1", "n1", "web")).create();
        client.resource(DrainFixtures.pod("web-2", "n1", "web")).create();
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        kube.close();
    }

    private Instance newInstance(KubernetesClient client, DrainSettings settings) throws InterruptedException {
        return newInstance(client, settings, cloud);
    }

    private Instance newInstance(KubernetesClient client, DrainSettings settings, CloudProvider provider)
            throws InterruptedException {
        AutoscalerMetrics metrics = new AutoscalerMetrics();
        List<String> events = new CopyOnWriteArrayList<>();
        EventRecorder recorder = new EventRecorder() {
            @Override
            public void record(InvolvedObject object, Type type, String reason, String message) {
                events.add(object.name() + " " + reason);
            }

            @Override
            public void forget(InvolvedObject object) {
            }
        };
        ClusterCache cache = new ClusterCache(client, List.of(NS));
        cache.start(ignoring(), ignoring(), ignoring());
        toClose.add(cache);
        assertThat(cache.awaitSynced(10_000)).isTrue();
        StatusWriter statusWriter = new StatusWriter(client, clock);
        NodeGroupReconciler reconciler = new NodeGroupReconciler(cache, client, provider, statusWriter, recorder, metrics,
                GroupBackoff.clusterAutoscalerDefaults(), clock, Duration.ofMinutes(15), "cluster-1");
        SnapshotFactory snapshots = new SnapshotFactory(cache, provider);
        ScaleDownManager manager = new ScaleDownManager(client, DrainFixtures.podLister(client),
                () -> snapshots.build(clock.instant(), (g, t) -> false), ControllerConfig.defaults().planner(),
                settings, recorder, metrics, clock);
        toClose.add(manager);
        return new Instance(cache, reconciler, manager, metrics, events);
    }

    /** Starts a new controller the way leadership does: resume, then reconcile until the cluster settles. */
    private Instance restartAndConverge(Set<String> expectedNodes) throws InterruptedException {
        Instance next = newInstance(kube.client(), DrainFixtures.fast());
        next.manager().resume();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            next.reconcile();
            assertConverged(expectedNodes);
        });
        assertThat(next.manager().awaitIdle(Duration.ofSeconds(5))).isTrue();
        // settled, not just passing through: another round changes nothing
        next.reconcile();
        assertConverged(expectedNodes);
        return next;
    }

    private void assertConverged(Set<String> expectedNodes) {
        KubernetesClient client = kube.client();
        Set<String> nodes = new TreeSet<>();
        for (Node n : client.nodes().list().getItems()) {
            String name = n.getMetadata().getName();
            nodes.add(name);
            assertThat(DrainFixtures.marks(client, name).any()).as("marks left on " + name).isFalse();
            assertThat(DrainFixtures.cordoned(client, name)).as(name + " left cordoned").isFalse();
            assertThat(n.getMetadata().getAnnotations() == null ? Map.of() : n.getMetadata().getAnnotations())
                    .doesNotContainKeys(NodeMarks.ANNOTATIONS.toArray(String[]::new));
        }
        assertThat(nodes).isEqualTo(new TreeSet<>(expectedNodes));
        Set<String> serverHosts = new TreeSet<>();
        cloud.serversOf(GROUP).forEach(s -> serverHosts.add(s.hostname()));
        assertThat(serverHosts).as("every server has its Node and every Node its server").isEqualTo(nodes);
        NodeGroupStatus status = status();
        assertThat(status.getDesiredNodes()).isEqualTo(expectedNodes.size());
        assertThat(status.getNodes() == null ? List.<NodeGroupNodeStatus>of() : status.getNodes())
                .extracting(NodeGroupNodeStatus::getStatus).doesNotContain(NodeGroupReconciler.DELETING);
        assertNoDoubleDelete();
        assertThat(cloud.log()).noneMatch(l -> l.startsWith("create"));
    }

    private void assertNoDoubleDelete() {
        Set<String> deleted = new HashSet<>();
        for (String line : cloud.log()) {
            if (line.startsWith("delete")) {
                assertThat(deleted.add(line)).as("deleted twice: " + line).isTrue();
            }
        }
    }

    private long deletesOf(String node) {
        return cloud.log().stream().filter(l -> l.equals("delete " + GROUP + " " + servers.get(node).id())).count();
    }

    private NodeGroupStatus status() {
        return kube.client().resources(NodeGroup.class).inNamespace(NS).withName(GROUP).get().getStatus();
    }

    private void writeStatus(java.util.function.Consumer<NodeGroupStatus> change) {
        var groups = kube.client().resources(NodeGroup.class).inNamespace(NS);
        NodeGroup g = groups.withName(GROUP).get();
        if (g.getStatus() == null) {
            g.setStatus(new NodeGroupStatus());
        }
        change.accept(g.getStatus());
        groups.resource(g).patchStatus();
    }

    /** What the reconciler writes before deleting anything: n1 released, desired size lowered in the same write. */
    private void releaseInStatus(String node) {
        writeStatus(s -> {
            NodeGroupNodeStatus e = new NodeGroupNodeStatus();
            e.setNodeName(node);
            e.setStatus(NodeGroupReconciler.DELETING);
            e.setVpsID(Long.valueOf(servers.get(node).id().substring("srv-".length())));
            s.setNodes(new ArrayList<>(List.of(e)));
            s.setDesiredNodes(2);
        });
    }

    private Instant recently() {
        return NodeMarks.startedAtPrecision(clock.instant().minusSeconds(10));
    }

    private void evicted(String... pods) {
        for (String p : pods) {
            kube.client().pods().inNamespace(NS).withName(p).delete();
        }
    }

    private void assertScaleDownRecorded(Instance instance, int times) {
        var counter = instance.metrics().registry().find("vpsie.autoscaler.scale.down").tag("nodegroup", GROUP)
                .counter();
        assertThat(counter == null ? 0 : counter.count()).isEqualTo(times);
        var removed = instance.metrics().registry().find("vpsie.autoscaler.scale.down.nodes.removed")
                .tag("nodegroup", GROUP).counter();
        assertThat(removed == null ? 0 : removed.count()).isEqualTo(times);
        var took = instance.metrics().registry().find("vpsie.autoscaler.node.termination.duration")
                .tag("nodegroup", GROUP).timer();
        assertThat(took == null ? 0 : took.count()).isEqualTo(times);
        assertThat(instance.events()).filteredOn(e -> e.endsWith(" ScaleDown")).hasSize(times);
    }

    // ---- crash points ----

    @Test
    void crashAfterMarkingTheDrainResumesAndTheReconcilerDeletesTheNode() throws Exception {
        DrainFixtures.markDraining(kube.client(), "n1", recently(), Plan.ScaleDownKind.Underutilized);

        Instance next = restartAndConverge(Set.of("n2", "n3"));

        assertThat(deletesOf("n1")).isEqualTo(1);
        assertScaleDownRecorded(next, 1);
        assertThat(kube.client().pods().inNamespace(NS).list().getItems()).as("both pods evicted").isEmpty();
    }

    @Test
    void crashAfterSomeEvictionsResumesWithTheRest() throws Exception {
        DrainFixtures.markDraining(kube.client(), "n1", recently(), Plan.ScaleDownKind.Underutilized);
        evicted("web-1");

        Instance next = restartAndConverge(Set.of("n2", "n3"));

        assertThat(deletesOf("n1")).isEqualTo(1);
        assertScaleDownRecorded(next, 1);
        assertThat(next.metrics().registry().find("vpsie.autoscaler.node.drain.pods.evicted").summary()
                .totalAmount()).as("only web-2 was left to evict").isEqualTo(1);
    }

    @Test
    void crashAfterMarkingDrainedLetsTheReconcilerFinish() throws Exception {
        evicted("web-1", "web-2");
        DrainFixtures.markDrained(kube.client(), "n1", recently(), Plan.ScaleDownKind.Underutilized);

        Instance next = restartAndConverge(Set.of("n2", "n3"));

        assertThat(deletesOf("n1")).isEqualTo(1);
        assertScaleDownRecorded(next, 1);
        assertThat(next.metrics().registry().find("vpsie.autoscaler.node.drain.duration").timer())
                .as("the manager had nothing to do").isNull();
    }

    @Test
    void crashAfterTheReleaseWasRecordedDeletesOnceAndLowersTheSizeOnce() throws Exception {
        evicted("web-1", "web-2");
        DrainFixtures.markDrained(kube.client(), "n1", recently(), Plan.ScaleDownKind.Underutilized);
        releaseInStatus("n1");

        Instance next = restartAndConverge(Set.of("n2", "n3"));

        assertThat(deletesOf("n1")).isEqualTo(1);
        assertScaleDownRecorded(next, 1);
    }

    @Test
    void crashAfterTheServerWasDeletedDeletesOnlyTheNode() throws Exception {
        evicted("web-1", "web-2");
        DrainFixtures.markDrained(kube.client(), "n1", recently(), Plan.ScaleDownKind.Underutilized);
        releaseInStatus("n1");
        cloud.deleteServer(new ProviderGroup(NS, GROUP, "dc1", "cluster-1", null,
                List.of("small"), null), servers.get("n1").id());

        Instance next = restartAndConverge(Set.of("n2", "n3"));

        assertThat(deletesOf("n1")).as("the crashed process's delete only").isEqualTo(1);
        assertScaleDownRecorded(next, 1);
    }

    @Test
    void crashAfterTheNodeWasDeletedOnlyTidiesTheStatus() throws Exception {
        evicted("web-1", "web-2");
        releaseInStatus("n1");
        cloud.deleteServer(new ProviderGroup(NS, GROUP, "dc1", "cluster-1", null,
                List.of("small"), null), servers.get("n1").id());
        kube.client().nodes().withName("n1").delete();

        Instance next = restartAndConverge(Set.of("n2", "n3"));

        assertThat(deletesOf("n1")).isEqualTo(1);
        assertScaleDownRecorded(next, 0);
    }

    /**
     * VPSie keeps listing a server it was asked to delete, as deleting, for a while; the fake cloud forgets it at
     * once. This provider does what VPSie does until {@link #finish()}.
     */
    private static final class SlowDeletes extends ForwardingCloudProvider {
        private final FakeCloudProvider cloud;
        private final Set<String> deleting = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private final List<String> deleteCalls = new CopyOnWriteArrayList<>();
        private volatile ProviderGroup lastGroup;

        SlowDeletes(FakeCloudProvider cloud) {
            super(cloud);
            this.cloud = cloud;
        }

        @Override
        public List<ProviderServer> listServers(ProviderGroup group) throws ProviderException {
            List<ProviderServer> out = new ArrayList<>();
            for (ProviderServer s : cloud.listServers(group)) {
                out.add(deleting.contains(s.id()) ? new ProviderServer(s.id(), s.hostname(), s.providerId(),
                        s.offeringId(), ProviderServer.State.DELETING, s.createdAt(), s.ipAddress()) : s);
            }
            return out;
        }

        @Override
        public void deleteServer(ProviderGroup group, String serverId) {
            deleteCalls.add(serverId);
            deleting.add(serverId);
            lastGroup = group;
        }

        /** The deletions the cloud was asked for complete. */
        void finish() throws ProviderException {
            for (String id : deleting) {
                cloud.deleteServer(lastGroup, id);
            }
            deleting.clear();
        }
    }

    @Test
    void aServerTheCloudStillListsAsDeletingIsNotDeletedAgain() throws Exception {
        evicted("web-1", "web-2");
        DrainFixtures.markDrained(kube.client(), "n1", recently(), Plan.ScaleDownKind.Underutilized);
        SlowDeletes slow = new SlowDeletes(cloud);
        Instance next = newInstance(kube.client(), DrainFixtures.fast(), slow);
        next.manager().resume();

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            next.reconcile();
            assertThat(kube.client().nodes().withName("n1").get()).isNull();
        });
        for (int i = 0; i < 3; i++) {
            next.reconcile(); // each finds srv-1 still listed, as deleting
        }
        assertThat(slow.deleteCalls).containsExactly(servers.get("n1").id());

        slow.finish();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            next.reconcile();
            assertConverged(Set.of("n2", "n3"));
        });
        assertThat(slow.deleteCalls).containsExactly(servers.get("n1").id());
        assertScaleDownRecorded(next, 1);
    }

    /**
     * A cloud whose node lifecycle removes the Node as soon as its server is deleted, before the reconciler's own
     * Node delete runs (the simulated kubelets do this, and so does a cloud controller manager that is quick).
     */
    private final class NodeGoesWithItsServer extends ForwardingCloudProvider {
        NodeGoesWithItsServer() {
            super(cloud);
        }

        @Override
        public void deleteServer(ProviderGroup group, String serverId) throws ProviderException {
            String hostname = cloud.serversOf(GROUP).stream().filter(s -> s.id().equals(serverId))
                    .map(ProviderServer::hostname).findFirst().orElseThrow();
            super.deleteServer(group, serverId);
            kube.client().nodes().withName(hostname).delete();
        }
    }

    @Test
    void aNodeRemovedBySomeoneElseRightAfterItsServerStillCountsAsOneScaleDown() throws Exception {
        evicted("web-1", "web-2");
        DrainFixtures.markDrained(kube.client(), "n1", recently(), Plan.ScaleDownKind.Underutilized);
        Instance next = newInstance(kube.client(), DrainFixtures.fast(), new NodeGoesWithItsServer());
        next.manager().resume();

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            next.reconcile();
            assertConverged(Set.of("n2", "n3"));
        });
        next.reconcile(); // the Node is gone from the cache now: nothing more to record

        assertThat(deletesOf("n1")).isEqualTo(1);
        assertScaleDownRecorded(next, 1);
    }

    @Test
    void aDrainOlderThanAnyDrainCanTakeIsUndoneAndTheNodeStays() throws Exception {
        DrainSettings settings = DrainFixtures.fast();
        DrainFixtures.markDraining(kube.client(), "n1", NodeMarks.startedAtPrecision(
                clock.instant().minus(settings.drainDeadline()).minusSeconds(5)), Plan.ScaleDownKind.Underutilized);

        Instance next = restartAndConverge(Set.of("n1", "n2", "n3"));

        assertThat(cloud.log()).noneMatch(l -> l.startsWith("delete"));
        assertThat(kube.client().pods().inNamespace(NS).list().getItems()).hasSize(2);
        assertThat(next.events()).contains("n1 ScaleDownFailed");
        assertScaleDownRecorded(next, 0);
    }

    @Test
    void aControllerThatDiesWhileReCheckingLeavesADrainTheNextOneFinishes() throws Exception {
        KubernetesClient doomed = kube.newClient(c -> c);
        DrainSettings slow = DrainFixtures.withRecheckDelay(DrainFixtures.fast(), Duration.ofSeconds(2));
        Instance first = newInstance(doomed, new DrainSettings(slow.recheckDelay(), slow.evictionRetryMin(),
                slow.evictionRetryMax(), slow.maxPodEvictionTime(), slow.maxGracefulTermination(), slow.podsGoneSlack(),
                slow.pollInterval(), slow.maxEmptyBulkDelete(), slow.maxDrainParallelism(), slow.failureCooldown(),
                slow.requestTimeout(), Duration.ofMillis(300), slow.cleanupRetry(), slow.sweepInterval()));
        first.manager().submit(List.of(new Plan.ScaleDown("n1", GROUP, Plan.ScaleDownKind.Underutilized)),
                new SnapshotFactory(first.cache(), cloud).build(clock.instant(), (g, t) -> false));
        await().atMost(Duration.ofSeconds(10)).until(() -> DrainFixtures.tainted(kube.client(), "n1"));

        doomed.close(); // the process is gone: none of its calls, its undo included, reaches the API server

        await().atMost(Duration.ofSeconds(10)).until(() -> first.manager().awaitIdle(Duration.ofMillis(10)));
        assertThat(DrainFixtures.marks(kube.client(), "n1").draining()).as("left marked by the dead process")
                .isTrue();
        Instance next = restartAndConverge(Set.of("n2", "n3"));

        assertThat(deletesOf("n1")).isEqualTo(1);
        assertScaleDownRecorded(next, 1);
        List<Pod> left = kube.client().pods().inNamespace(NS).list().getItems();
        assertThat(left).isEmpty();
        assertThat(DrainFixtures.marks(kube.client(), "n2").any()).isFalse();
        assertThat(kube.client().nodes().withName("n2").get().getSpec().getTaints() == null
                || kube.client().nodes().withName("n2").get().getSpec().getTaints().stream()
                .noneMatch(t -> t.getKey().equals(WellKnown.TO_BE_DELETED_TAINT))).isTrue();
    }
}
