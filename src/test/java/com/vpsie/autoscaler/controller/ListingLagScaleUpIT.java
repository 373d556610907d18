package com.vpsie.autoscaler.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupCondition;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupStatus;
import com.vpsie.autoscaler.config.ControllerConfig;
import com.vpsie.autoscaler.provider.vpsie.StaticTokenAuth;
import com.vpsie.autoscaler.sim.SimEndpoint;
import com.vpsie.autoscaler.sim.SimRequest;
import com.vpsie.autoscaler.sim.SimulatedKubelets;
import com.vpsie.autoscaler.sim.SimulatorMachines;
import com.vpsie.autoscaler.sim.VpsieSimulator;
import com.vpsie.autoscaler.sim.kube.StrictMockServer;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-up against a VPSie that lists a new server only 10 s after the add call, and answers that call
 * {@code data: true} without naming the server (VPSie's common answer): the whole `run` assembly over HTTP, with
 * simulated kubelets registering the servers. Eight servers needed at once must be asked for at once, and waiting
 * for them to list is normal provisioning, not a failure.
 */
class ListingLagScaleUpIT {

    private static final int NEEDED = 8;
    private static final Duration LAG = Duration.ofSeconds(10);

    private StrictMockServer kube;
    private VpsieSimulator vpsie;
    private SimulatedKubelets kubelets;
    private ControllerApp app;
    private long vpsieGroupId;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        kube = StrictMockServer.start();
        vpsie = new VpsieSimulator(Clock.systemUTC()).acceptStaticToken("sim-token").listingLag(LAG);
        vpsie.cloud().addCluster("cluster-1", "demo", "dc1").addStandardOffers("dc1")
                .readyAfter(Duration.ofMillis(300));
        vpsieGroupId = vpsie.cloud().addGroup("cluster-1", "general", "1");
        vpsie.start(0);
        kubelets = new SimulatedKubelets(kube.client(), new SimulatorMachines(vpsie.cloud(), "vpsie://"),
                Clock.systemUTC());
        kubelets.start(100);
        kube.client().secrets().inNamespace("test").resource(new SecretBuilder().withNewMetadata()
                .withName("vpsie-credentials").endMetadata().addToStringData("token", "sim-token").build()).create();
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        kubelets.close();
        vpsie.stop();
        kube.close();
    }

    @Test
    void eightServersNeededUnderListingLagAreAllAskedForAtOnceWithoutAFailure() throws Exception {
        List<String> errorConditions = new CopyOnWriteArrayList<>();
        Watch watch = kube.client().resources(NodeGroup.class).inNamespace("test").watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, NodeGroup g) {
                NodeGroupStatus s = g.getStatus();
                if (s != null && s.getConditions() != null) {
                    s.getConditions().stream().filter(c -> NodeGroupCondition.TYPE_ERROR.equals(c.getType())
                                    && NodeGroupCondition.STATUS_TRUE.equals(c.getStatus()))
                            .forEach(c -> errorConditions.add(c.getReason() + ": " + c.getMessage()));
                }
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        });
        try {
            app = ControllerApp.start(config(), Clock.systemUTC());
            // The group below its minimum is the scale-up decision: eight servers needed at once.
            NodeGroup group = ControllerFixtures.group("general", NEEDED, NEEDED + 2);
            group.getSpec().setDatacenterID("dc1");
            group.getSpec().setOfferingIDs(List.of("1"));
            kube.client().resources(NodeGroup.class).inNamespace("test").resource(group).create();

            await().atMost(20, TimeUnit.SECONDS).until(() -> accepted().size() >= NEEDED);
            List<Instant> at = accepted().stream().map(SimRequest::at).sorted().toList();
            assertThat(Duration.between(at.get(0), at.get(NEEDED - 1)))
                    .as("all %d add calls went out together, not one per listing lag: %s", NEEDED, at)
                    .isLessThanOrEqualTo(Duration.ofSeconds(2));

            await().atMost(40, TimeUnit.SECONDS).untilAsserted(() -> {
                NodeGroupStatus s = status();
                assertThat(s).isNotNull();
                assertThat(s.getReadyNodes()).isEqualTo(NEEDED);
                assertThat(s.getNodes()).hasSize(NEEDED)
                        .allSatisfy(e -> assertThat(e.getStatus()).isEqualTo("Ready"));
            });
            // Past another listing lag: a request whose server was slow to list must not have made a second one.
            Thread.sleep(LAG.plusSeconds(2).toMillis());
            assertThat(vpsie.cloud().workers("cluster-1", vpsieGroupId)).as("no duplicate server").hasSize(NEEDED);
            assertThat(accepted()).hasSize(NEEDED);

            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + app.metricsPort() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics.lines().filter(l -> l.startsWith("vpsie_autoscaler_node_provisioning_failures_total")))
                    .as("no provisioning failure counted").isEmpty();
            assertThat(metrics.lines().filter(l -> l.startsWith("vpsie_autoscaler_controller_reconcile_errors_total")
                            && !l.endsWith(" 0.0")))
                    .as("no reconcile error counted").isEmpty();
            assertThat(errorConditions).as("never an Error condition").isEmpty();
        } finally {
            watch.close();
        }
    }

    private List<SimRequest> accepted() {
        return vpsie.requests().stream().filter(r -> r.endpoint() == SimEndpoint.ADD_WORKER && r.status() == 200)
                .toList();
    }

    private NodeGroupStatus status() {
        NodeGroup g = kube.client().resources(NodeGroup.class).inNamespace("test").withName("general").get();
        return g == null ? null : g.getStatus();
    }

    private ControllerConfig config() throws Exception {
        Path kubeconfig = kube.writeKubeconfig(dir.resolve("kubeconfig"), "test");
        ControllerConfig d = ControllerFixtures.config(false, "lag-it");
        return new ControllerConfig(kubeconfig, d.namespaces(), d.scanInterval(), false,
                d.leaseName(), "test", "lag-it", d.leaseDuration(), d.renewDeadline(), d.retryPeriod(), 0, 2,
                "vpsie", "vpsie-credentials", "test", vpsie.baseUrl(), StaticTokenAuth.BOTH, "cluster-1",
                d.provisioningTimeout(), d.maxGracefulTermination(), d.maxPodEvictionTime(), d.maxEmptyBulkDelete(),
                d.maxDrainParallelism(), d.scaleDownFailureCooldown(), Duration.ofSeconds(2), "text", d.planner(),
                null);
    }
}
