package com.vpsie.autoscaler.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupStatus;
import com.vpsie.autoscaler.config.ControllerConfig;
import com.vpsie.autoscaler.sim.SimulatedKubelets;
import com.vpsie.autoscaler.sim.SimulatorMachines;
import com.vpsie.autoscaler.sim.VpsieSimulator;
import com.vpsie.autoscaler.sim.kube.StrictMockServer;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The `run` process as assembled by {@link ControllerApp}: kubeconfig to the mock API server, the VPSie
 * provider talking HTTP to the simulator with a token read from a Secret, the drain manager and the
 * health server. A NodeGroup below its minimum converges to Ready nodes registered by simulated kubelets.
 */
class RunIT {

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
        vpsie = new VpsieSimulator(Clock.systemUTC()).acceptStaticToken("sim-token");
        vpsie.cloud().addCluster("cluster-1", "demo", "dc1").addStandardOffers("dc1").readyAfter(Duration.ofMillis(300));
        vpsieGroupId = vpsie.cloud().addGroup("cluster-1", "general", "1");
        vpsie.start(0);
        kubelets = new SimulatedKubelets(kube.client(), new SimulatorMachines(vpsie.cloud(), "vpsie://"),
                Clock.systemUTC());
        kubelets.start(100);
        kube.client().secrets().inNamespace("test").resource(new SecretBuilder().withNewMetadata()
                .withName("vpsie-credentials").endMetadata().addToStringData("token", "sim-token").build()).create();
        NodeGroup group = ControllerFixtures.group("general", 2, 4);
        group.getSpec().setDatacenterID("dc1");
        group.getSpec().setOfferingIDs(List.of("1"));
        kube.client().resources(NodeGroup.class).inNamespace("test").resource(group).create();
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
    void runConvergesAGroupThroughTheVpsieApiAndServesHealthAndMetrics() throws Exception {
        Path kubeconfig = kube.writeKubeconfig(dir.resolve("kubeconfig"), "test");
        ControllerConfig config = ControllerFixtures.runConfig(kubeconfig, vpsie.baseUrl(),
                ControllerFixtures.config(true, "run-it").scanInterval(), true, "run-it");

        app = ControllerApp.start(config, Clock.systemUTC());

        await().atMost(20, TimeUnit.SECONDS).untilAsserted(() -> {
            NodeGroupStatus s = kube.client().resources(NodeGroup.class).inNamespace("test").withName("general").get()
                    .getStatus();
            assertThat(s).isNotNull();
            assertThat(s.getReadyNodes()).isEqualTo(2);
            assertThat(s.getDesiredNodes()).isEqualTo(2);
            assertThat(s.getVpsieGroupID()).as("found by name, then recorded").isEqualTo(vpsieGroupId);
        });
        assertThat(vpsie.cloud().runningWorkers()).hasSize(2);

        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + app.metricsPort();
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body()).contains("vpsie_autoscaler_nodegroup_ready_nodes{nodegroup=\"general\"} 2.0")
                .contains("vpsie_autoscaler_vpsie_api_requests_total");
        assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        await().atMost(5, TimeUnit.SECONDS).until(() -> http.send(HttpRequest.newBuilder(URI.create(base + "/healthz"))
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
    }
}
