package com.vpsie.autoscaler.demo;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupSpec;
import com.vpsie.autoscaler.api.v1alpha1.ScaleDownPolicySpec;
import com.vpsie.autoscaler.config.ControllerConfig;
import com.vpsie.autoscaler.provider.vpsie.StaticTokenAuth;
import com.vpsie.autoscaler.sim.DisruptionStandIn;
import com.vpsie.autoscaler.sim.ReplicaSetStandIn;
import com.vpsie.autoscaler.sim.SchedulerStandIn;
import com.vpsie.autoscaler.sim.SimulatedKubelets;
import com.vpsie.autoscaler.sim.SimulatorMachines;
import com.vpsie.autoscaler.sim.VpsieSimulator;
import com.vpsie.autoscaler.sim.kube.StrictMockServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the demo's controller talks to, in this JVM: an embedded Kubernetes API (fabric8's mock
 * server with eviction and conflict semantics), the VPSie API simulator over HTTP, kubelets that
 * register a Node for each running server, and stand-ins for the scheduler, the ReplicaSet controller
 * and the disruption controller.
 */
final class DemoWorld implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DemoWorld.class);

    static final String NAMESPACE = "demo";
    static final String GROUP = "general";
    static final String CLUSTER = "demo-cluster";
    static final String DATACENTER = "demo-dc";
    static final String TOKEN = "demo-token";
    /** The simulator's 2 cpu / 4 GiB size. */
    static final String OFFERING = "1";

    final StrictMockServer kube;
    final VpsieSimulator vpsie;
    final ReplicaSetStandIn replicaSets;
    private final SimulatedKubelets kubelets;
    private final SchedulerStandIn scheduler;
    private final DisruptionStandIn disruption;
    private final ScheduledExecutorService loops;
    final Path kubeconfig;

    private DemoWorld(Path workDir, Clock clock) throws IOException {
        kube = StrictMockServer.start(clock);
        vpsie = new VpsieSimulator(clock).acceptStaticToken(TOKEN);
        vpsie.cloud().addCluster(CLUSTER, "demo", DATACENTER).addStandardOffers(DATACENTER)
                .readyAfter(Duration.ofSeconds(3));
        long groupId = vpsie.cloud().addGroup(CLUSTER, GROUP, OFFERING);
        try {
            vpsie.cloud().addExistingWorker(CLUSTER, groupId);
        } catch (Exception e) {
            throw new IllegalStateException("cannot seed the simulated cluster: " + e.getMessage(), e);
        }
        vpsie.start(0);
        KubernetesClient client = kube.client();
        kubelets = new SimulatedKubelets(client, new SimulatorMachines(vpsie.cloud(), "vpsie://"), clock);
        scheduler = new SchedulerStandIn(client, clock);
        replicaSets = new ReplicaSetStandIn(client);
        disruption = new DisruptionStandIn(client);
        kubeconfig = kube.writeKubeconfig(workDir.resolve("kubeconfig"), NAMESPACE);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
                .create();
        client.secrets().inNamespace(NAMESPACE).resource(new SecretBuilder().withNewMetadata()
                .withName("vpsie-credentials").endMetadata().addToStringData("token", TOKEN).build()).create();
        client.resources(NodeGroup.class).inNamespace(NAMESPACE).resource(nodeGroup()).create();
        loops = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "demo-cluster");
            t.setDaemon(true);
            return t;
        });
        // one thread in a fixed order, as the real components would settle: replicas, placement, nodes, budgets
        loops.scheduleWithFixedDelay(this::tick, 0, 250, TimeUnit.MILLISECONDS);
    }

    static DemoWorld start(Path workDir, Clock clock) throws IOException {
        return new DemoWorld(workDir, clock);
    }

    private void tick() {
        try {
            replicaSets.reconcileOnce();
            scheduler.scheduleOnce();
            kubelets.syncOnce();
            disruption.reconcileOnce();
        } catch (RuntimeException e) {
            LOG.debug("demo cluster round: {}", e.toString());
        }
    }

    private static NodeGroup nodeGroup() {
        NodeGroup g = new NodeGroup();
        g.setMetadata(new ObjectMetaBuilder().withName(GROUP).withNamespace(NAMESPACE).build());
        NodeGroupSpec spec = new NodeGroupSpec();
        spec.setMinNodes(1);
        spec.setMaxNodes(6);
        spec.setDatacenterID(DATACENTER);
        spec.setResourceIdentifier(CLUSTER);
        spec.setOfferingIDs(List.of(OFFERING));
        ScaleDownPolicySpec down = new ScaleDownPolicySpec();
        // minutes in a real cluster; seconds here so the story fits in two minutes
        down.setStabilizationWindowSeconds(8);
        down.setCooldownSeconds(8);
        spec.setScaleDownPolicy(down);
        g.setSpec(spec);
        return g;
    }

    ControllerConfig controllerConfig(int metricsPort) {
        ControllerConfig d = ControllerConfig.defaults();
        return new ControllerConfig(kubeconfig, List.of(NAMESPACE), Duration.ofSeconds(1), false, d.leaseName(),
                NAMESPACE, "demo", d.leaseDuration(), d.renewDeadline(), d.retryPeriod(), metricsPort, 2, "vpsie",
                "vpsie-credentials", NAMESPACE, vpsie.baseUrl(), StaticTokenAuth.BOTH, CLUSTER, Duration.ofMinutes(2),
                Duration.ofSeconds(30), Duration.ofSeconds(60), d.maxEmptyBulkDelete(), d.maxDrainParallelism(),
                Duration.ofSeconds(10), Duration.ofSeconds(5), "text", d.planner(), null);
    }

    KubernetesClient client() {
        return kube.client();
    }

    @Override
    public void close() {
        loops.shutdownNow();
        kubelets.close();
        vpsie.stop();
        kube.close();
    }
}
