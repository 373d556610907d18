package com.vpsie.autoscaler.controller;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupStatus;
import com.vpsie.autoscaler.config.ControllerConfig;
import com.vpsie.autoscaler.sim.SimulatedKubelets;
import com.vpsie.autoscaler.sim.SimulatorMachines;
import com.vpsie.autoscaler.sim.VpsieSimulator;
import com.vpsie.autoscaler.sim.kube.StrictMockServer;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * What the `run` process talks to in an IT, over HTTP: the strict mock API server (namespace "test"), the VPSie
 * simulator serving cluster-1 in datacenter dc1 with the four standard sizes (servers ready after 300 ms), simulated
 * kubelets registering its servers as Nodes, and the token in Secret test/vpsie-credentials.
 */
final class SimulatedRunWorld implements AutoCloseable {

    static final String CLUSTER = "cluster-1";
    static final String DATACENTER = "dc1";
    private static final String TOKEN = "sim-token";

    final StrictMockServer kube;
    final VpsieSimulator vpsie;
    private final SimulatedKubelets kubelets;

    private SimulatedRunWorld() throws Exception {
        kube = StrictMockServer.start();
        vpsie = new VpsieSimulator(Clock.systemUTC()).acceptStaticToken(TOKEN);
        vpsie.cloud().addCluster(CLUSTER, "demo", DATACENTER).addStandardOffers(DATACENTER)
                .readyAfter(Duration.ofMillis(300));
        vpsie.start(0);
        kubelets = new SimulatedKubelets(kube.client(), new SimulatorMachines(vpsie.cloud(), "vpsie://"),
                Clock.systemUTC());
        kubelets.start(100);
        kube.client().secrets().inNamespace("test").resource(new SecretBuilder().withNewMetadata()
                .withName("vpsie-credentials").endMetadata().addToStringData("token", TOKEN).build()).create();
    }

    static SimulatedRunWorld start() throws Exception {
        return new SimulatedRunWorld();
    }

    /** A VPSie node group of size {@code offering} and the NodeGroup of the same name using it; the VPSie id. */
    long addGroup(String name, String offering, int min, int max) {
        long id = vpsie.cloud().addGroup(CLUSTER, name, offering);
        NodeGroup group = ControllerFixtures.group(name, min, max);
        group.getSpec().setDatacenterID(DATACENTER);
        group.getSpec().setOfferingIDs(List.of(offering));
        kube.client().resources(NodeGroup.class).inNamespace("test").resource(group).create();
        return id;
    }

    /** The settings of `run` against this world, without leader election, the kubeconfig written into {@code dir}. */
    ControllerConfig config(Path dir, Duration scanInterval, String identity) throws IOException {
        Path kubeconfig = kube.writeKubeconfig(dir.resolve("kubeconfig"), "test");
        return ControllerFixtures.runConfig(kubeconfig, vpsie.baseUrl(), scanInterval, false, identity);
    }

    NodeGroupStatus status(String name) {
        NodeGroup g = kube.client().resources(NodeGroup.class).inNamespace("test").withName(name).get();
        return g == null ? null : g.getStatus();
    }

    /** The controller's /metrics page. */
    static String metrics(ControllerApp app) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + app.metricsPort() + "/metrics")).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    @Override
    public void close() {
        kubelets.close();
        vpsie.stop();
        kube.close();
    }
}
