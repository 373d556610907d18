package com.vpsie.autoscaler.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupCondition;
import com.vpsie.autoscaler.config.ControllerConfig;
import com.vpsie.autoscaler.metrics.AutoscalerMetrics;
import com.vpsie.autoscaler.model.WellKnown;
import com.vpsie.autoscaler.provider.CloudProvider;
import com.vpsie.autoscaler.provider.ProviderGroup;
import com.vpsie.autoscaler.provider.vpsie.StaticTokenAuth;
import com.vpsie.autoscaler.provider.vpsie.VpsieCloudProvider;
import com.vpsie.autoscaler.provider.vpsie.VpsieCredentials;
import com.vpsie.autoscaler.scaledown.DrainFixtures;
import com.vpsie.autoscaler.scaledown.ScaleDownManager;
import com.vpsie.autoscaler.sim.SimulatedKubelets;
import com.vpsie.autoscaler.sim.SimulatorMachines;
import com.vpsie.autoscaler.sim.VpsieSimulator;
import com.vpsie.autoscaler.sim.kube.StrictMockServer;
import com.vpsie.autoscaler.testing.ForwardingCloudProvider;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deleting a NodeGroup, end to end: the controller (with the real scale-down manager) against fabric8's mock API
 * server over HTTP and the VPSie simulator over HTTP, whose listings lag behind creations and keep deleted servers
 * for a while, with simulated kubelets registering its servers. Mock-only behaviours relied on: the test
 * dispatcher's eviction with budgets (the mock's own has none) and its 403 fault; fabric8's mock honours
 * finalizers (deletionTimestamp set, the object removed with its last finalizer) as an API server does; the mock has
 * no controllers, so a PodDisruptionBudget's status is whatever the test writes and evicted pods are not replaced.
 * Removing the VPSie node group is the groups change's call in the VPSie client; here the provider forwards every
 * call to the simulator over HTTP except that one, which it records.
 */
class NodeGroupDeletionIT {

    private static final String GROUP = "general";

    private StrictMockServer kube;
    private VpsieSimulator vpsie;
    private SimulatedKubelets kubelets;
    private VpsieCloudProvider vpsieProvider;
    private Controller controller;
    private long vpsieGroupId;
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<Long> groupsDeleted = new CopyOnWriteArrayList<>();

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        kube = StrictMockServer.start();
        vpsie = new VpsieSimulator(Clock.systemUTC()).acceptStaticToken("sim-token").listingLag(Duration.ofSeconds(3));
        vpsie.cloud().addCluster("cluster-1", "demo", "dc1").addStandardOffers("dc1")
                .readyAfter(Duration.ofMillis(300)).deleteLag(Duration.ofSeconds(2));
        vpsieGroupId = vpsie.cloud().addGroup("cluster-1", GROUP, "1");
        vpsie.start(0);
        kubelets = new SimulatedKubelets(kube.client(), new SimulatorMachines(vpsie.cloud(), "vpsie://"),
                Clock.systemUTC()).runPodsOnlyIn(java.util.Set.of("test"));
        kubelets.start(100);
    }

    @AfterEach
    void stop() {
        if (controller != null) {
            controller.shutdown(Duration.ofSeconds(1));
        }
        if (vpsieProvider != null) {
            vpsieProvider.close();
        }
        kubelets.close();
        vpsie.stop();
        kube.close();
    }

    private void startController() throws Exception {
        ControllerConfig config = ControllerFixtures.runConfig(kube.writeKubeconfig(dir.resolve("kubeconfig"), "test"),
                vpsie.baseUrl(), Duration.ofMillis(300), false, "deletion-it");
        vpsieProvider = VpsieCloudProvider.create(ControllerApp.vpsieConfig(config).toBuilder()
                        .staticTokenAuth(StaticTokenAuth.BOTH).build(),
                () -> VpsieCredentials.staticToken("sim-token", null), new AutoscalerMetrics(), Clock.systemUTC());
        KubernetesClient client = kube.client();
        EventRecorder recorder = new EventRecorder() {
            @Override
            public void record(InvolvedObject object, Type type, String reason, String message) {
                events.add(reason + " " + object.name() + ": " + message);
            }

            @Override
            public void forget(InvolvedObject object) {
            }
        };
        AutoscalerMetrics metrics = new AutoscalerMetrics();
        controller = new Controller(config, client, new RecordingGroupDeletes(vpsieProvider), metrics, recorder,
                snapshots -> new ScaleDownManager(client, snapshots, config.planner(), DrainFixtures.fast(), recorder,
                        metrics, Clock.systemUTC(), config.namespaces()), Clock.systemUTC());
        controller.start();
    }

    /** A NodeGroup of {@code size} Ready nodes, each running one pod of ReplicaSet "web". */
    private void groupOfReadyNodes(int size, Map<String, String> annotations) throws Exception {
        NodeGroup g = ControllerFixtures.group(GROUP, size, size + 2);
        g.getSpec().setOfferingIDs(List.of("1"));
        g.getMetadata().setAnnotations(annotations);
        kube.client().resources(NodeGroup.class).inNamespace("test").resource(g).create();
        startController();
        await().atMost(40, TimeUnit.SECONDS).until(() -> readyNodes() == size);
        for (Node n : nodes()) {
            kube.client().pods().inNamespace("test").resource(DrainFixtures.pod("web-" + n.getMetadata().getName(),
                    n.getMetadata().getName(), "web")).create();
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> stored() != null
                && stored().getMetadata().getFinalizers().contains(WellKnown.NODEGROUP_FINALIZER));
    }

    @Test
    void aDeletedGroupHasItsNodesDrainedItsServersAndVpsieGroupDeletedAndThenGoes() throws Exception {
        groupOfReadyNodes(2, null);
        assertThat(vpsie.cloud().workers("cluster-1", vpsieGroupId)).hasSize(2);
        assertThat(stored().getMetadata().getFinalizers()).as("added once, however often the group was reconciled")
                .containsOnlyOnce(WellKnown.NODEGROUP_FINALIZER);
        assertThat(events).noneMatch(e -> e.startsWith("FinalizerNotAdded"));

        List<String> before = nodes().stream().map(n -> n.getMetadata().getName()).toList();
        kube.client().resources(NodeGroup.class).inNamespace("test").withName(GROUP).delete();

        awaitGone();
        assertThat(vpsie.cloud().workers("cluster-1", vpsieGroupId)).as("every server deleted").isEmpty();
        assertThat(nodes()).as("every Node deleted").isEmpty();
        assertThat(kube.client().pods().inNamespace("test").list().getItems()).as("pods evicted").isEmpty();
        assertThat(groupsDeleted).as("its VPSie node group removed once, when empty").containsExactly(vpsieGroupId);
        assertThat(events).anyMatch(e -> e.startsWith("Deleted " + GROUP));
        // Each drained by the scale-down manager. A Node registered before VPSie lists its server (the listing lag)
        // can only be deleted as a Node; its kubelet registers it again until the server is listed and deleted.
        assertThat(events).filteredOn(e -> e.startsWith("ScaleDown "))
                .extracting(e -> e.substring("ScaleDown ".length(), e.indexOf(':'))).containsAll(before);
    }

    @Test
    void aPdbThatAllowsNoDisruptionHoldsTheDeletionAndSaysSoUntilItAllowsOne() throws Exception {
        groupOfReadyNodes(1, null);
        kube.client().policy().v1().podDisruptionBudget().inNamespace("test")
                .resource(DrainFixtures.pdb("web", "web", 0)).create();
        await().atMost(10, TimeUnit.SECONDS).until(() -> controller.cache().pdbs().size() == 1);

        kube.client().resources(NodeGroup.class).inNamespace("test").withName(GROUP).delete();

        await().atMost(20, TimeUnit.SECONDS).untilAsserted(() -> {
            NodeGroupCondition c = deletingCondition();
            assertThat(c).isNotNull();
            assertThat(c.getReason()).isEqualTo("DeletionBlocked");
            assertThat(c.getMessage()).contains("NotEnoughPdb").contains("test/web-");
        });
        assertThat(events).anyMatch(e -> e.startsWith("DeletionBlocked " + GROUP) && e.contains("NotEnoughPdb"));
        // blocked, not failing: several passes later nothing was evicted or deleted
        Thread.sleep(2_000);
        assertThat(stored()).isNotNull();
        assertThat(vpsie.cloud().workers("cluster-1", vpsieGroupId)).hasSize(1);
        assertThat(kube.client().pods().inNamespace("test").list().getItems()).hasSize(1);

        // the mock has no disruption controller: the test writes what it would
        kube.client().policy().v1().podDisruptionBudget().inNamespace("test").withName("web")
                .editStatus(p -> new io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder(p)
                        .editStatus().withDisruptionsAllowed(1).endStatus().build());

        awaitGone();
        assertThat(vpsie.cloud().workers("cluster-1", vpsieGroupId)).isEmpty();
        assertThat(groupsDeleted).containsExactly(vpsieGroupId);
    }

    @Test
    void theOrphanAnnotationKeepsServersAndNodesAndLetsTheGroupGoAtOnce() throws Exception {
        groupOfReadyNodes(1, Map.of(WellKnown.ON_DELETE_ANNOTATION, WellKnown.ON_DELETE_ORPHAN));

        kube.client().resources(NodeGroup.class).inNamespace("test").withName(GROUP).delete();

        await().atMost(20, TimeUnit.SECONDS).until(() -> stored() == null);
        assertThat(events).anyMatch(e -> e.startsWith("Orphaned " + GROUP));
        Thread.sleep(2_000);
        assertThat(vpsie.cloud().workers("cluster-1", vpsieGroupId)).as("server kept").hasSize(1);
        assertThat(nodes()).as("node kept, and schedulable").hasSize(1)
                .allSatisfy(n -> assertThat(n.getSpec().getUnschedulable()).isNotEqualTo(Boolean.TRUE));
        assertThat(kube.client().pods().inNamespace("test").list().getItems()).as("nothing evicted").hasSize(1);
        assertThat(groupsDeleted).isEmpty();
    }

    @Test
    void aRefusedFinalizerIsToldAndTheGroupScalesAllTheSame() throws Exception {
        kube.dispatcher().fail(r -> "PATCH".equals(r.getMethod())
                && r.getPath().startsWith("/apis/autoscaler.vpsie.com/v1alpha1/namespaces/test/nodegroups/" + GROUP)
                && !r.getPath().contains("/status"), 403);
        NodeGroup g = ControllerFixtures.group(GROUP, 2, 4);
        g.getSpec().setOfferingIDs(List.of("1"));
        kube.client().resources(NodeGroup.class).inNamespace("test").resource(g).create();
        startController();

        await().atMost(40, TimeUnit.SECONDS).until(() -> readyNodes() == 2);
        assertThat(stored().getMetadata().getFinalizers()).isNullOrEmpty();
        assertThat(events).filteredOn(e -> e.startsWith("FinalizerNotAdded " + GROUP)).hasSize(1)
                .allMatch(e -> e.contains("403") && e.contains("would leave its servers running"));
    }

    /** Waits for the NodeGroup to go; if it does not, the failure shows what it still waited for. */
    private void awaitGone() {
        try {
            await().atMost(60, TimeUnit.SECONDS).until(() -> stored() == null);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("the NodeGroup is still there: " + io.fabric8.kubernetes.client.utils.Serialization
                    .asJson(stored()) + "\nnodes: " + nodes().stream().map(n -> n.getMetadata().getName()).toList()
                    + "\nservers: " + vpsie.cloud().workers("cluster-1", vpsieGroupId) + "\nevents: " + events, e);
        }
    }

    private NodeGroup stored() {
        return kube.client().resources(NodeGroup.class).inNamespace("test").withName(GROUP).get();
    }

    private NodeGroupCondition deletingCondition() {
        NodeGroup g = stored();
        return g == null ? null : DeletionBlockReporter.condition(g);
    }

    private List<Node> nodes() {
        return kube.client().nodes().withLabel(WellKnown.NODEGROUP_LABEL, GROUP).list().getItems();
    }

    private int readyNodes() {
        NodeGroup g = stored();
        return g == null || g.getStatus() == null || g.getStatus().getReadyNodes() == null ? 0
                : g.getStatus().getReadyNodes();
    }

    /** Every call over HTTP to the simulator, but removing a VPSie node group, which is recorded. */
    private final class RecordingGroupDeletes extends ForwardingCloudProvider {
        RecordingGroupDeletes(CloudProvider delegate) {
            super(delegate);
        }

        @Override
        public void deleteGroup(ProviderGroup group, long id) {
            groupsDeleted.add(id);
        }
    }
}
