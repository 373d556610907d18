package com.vpsie.autoscaler.controller;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupStatus;
import com.vpsie.autoscaler.sim.SimulatedKubelets;
import com.vpsie.autoscaler.sim.SimulatorMachines;
import com.vpsie.autoscaler.sim.VpsieSimulator;
import com.vpsie.autoscaler.sim.kube.StrictMockServer;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The world of a `run` IT: the strict mock API server, the VPSie simulator over HTTP (cluster-1 in dc1 with the
 * standard offers, servers ready after 300 ms, the token in Secret test/vpsie-credentials) and simulated kubelets
 * registering its servers; the controller is started on it with {@link #startController}.
 */
final class SimulatedRun implements AutoCloseable {

    final StrictMockServer kube;
    final VpsieSimulator vpsie;
    private final SimulatedKubelets kubelets;
    private ControllerApp app;

    /** {@code beforeStart} configures the simulator (groups, lag, faults) before it serves. */
    SimulatedRun(Consumer<VpsieSimulator> beforeStart) throws Exception {
        kube = StrictMockServer.start();
        vpsie = new VpsieSimulator(Clock.systemUTC()).acceptStaticToken("sim-token");
        vpsie.cloud().addCluster("cluster-1", "demo", "dc1").addStandardOffers("dc1")
                .readyAfter(Duration.ofMillis(300));
        beforeStart.accept(vpsie);
        vpsie.start(0);
        kubelets = new SimulatedKubelets(kube.client(), new SimulatorMachines(vpsie.cloud(), "vpsie://"),
                Clock.systemUTC());
        kubelets.start(100);
        kube.client().secrets().inNamespace("test").resource(new SecretBuilder().withNewMetadata()
                .withName("vpsie-credentials").endMetadata().addToStringData("token", "sim-token").build()).create();
    }

    /** The `run` assembly against this world, a pass every {@code scanInterval}, without leader election. */
    void startController(Path dir, Duration scanInterval, String identity) throws Exception {
        app = ControllerApp.start(ControllerFixtures.runConfig(kube.writeKubeconfig(dir.resolve("kubeconfig"), "test"),
                vpsie.baseUrl(), scanInterval, false, identity), Clock.systemUTC());
    }

    void create(NodeGroup group) {
        kube.client().resources(NodeGroup.class).inNamespace("test").resource(group).create();
    }

    NodeGroupStatus status(String group) {
        NodeGroup g = kube.client().resources(NodeGroup.class).inNamespace("test").withName(group).get();
        return g == null ? null : g.getStatus();
    }

    @Override
    public void close() {
        if (app != null) {
            app.close();
        }
        kubelets.close();
        vpsie.stop();
        kube.close();
    }
}
