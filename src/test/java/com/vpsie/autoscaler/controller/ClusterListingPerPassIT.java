package com.vpsie.autoscaler.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupStatus;
import com.vpsie.autoscaler.config.ControllerConfig;
import com.vpsie.autoscaler.sim.SimEndpoint;
import com.vpsie.autoscaler.sim.SimulatedKubelets;
import com.vpsie.autoscaler.sim.SimulatorMachines;
import com.vpsie.autoscaler.sim.VpsieSimulator;
import com.vpsie.autoscaler.sim.kube.StrictMockServer;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The `run` process with three NodeGroups of one VPSie cluster, counted at the VPSie simulator: every group's
 * reconcile needs the cluster's servers, but the groups share one listing, so the cluster is listed about once
 * per pass however many groups there are.
 */
class ClusterListingPerPassIT {

    private static final List<String> GROUPS = List.of("alpha", "beta", "gamma");
    private static final Duration SCAN = Duration.ofSeconds(1);
    private static final Pattern PASS_COUNT =
            Pattern.compile("(?m)^vpsie_autoscaler_autoscaling_pass_duration_seconds_count(?:\\{[^}]*\\})? (\\S+)$");

    private StrictMockServer kube;
    private VpsieSimulator vpsie;
    private SimulatedKubelets kubelets;
    private ControllerApp app;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        kube = StrictMockServer.start();
        vpsie = new VpsieSimulator(Clock.systemUTC()).acceptStaticToken("sim-token");
        vpsie.cloud().addCluster("cluster-1", "demo", "dc1").addStandardOffers("dc1")
                .readyAfter(Duration.ofMillis(300));
        for (String name : GROUPS) {
            vpsie.cloud().addGroup("cluster-1", name, "1");
        }
        vpsie.start(0);
        kubelets = new SimulatedKubelets(kube.client(), new SimulatorMachines(vpsie.cloud(), "vpsie://"),
                Clock.systemUTC());
        kubelets.start(100);
        kube.client().secrets().inNamespace("test").resource(new SecretBuilder().withNewMetadata()
                .withName("vpsie-credentials").endMetadata().addToStringData("token", "sim-token").build()).create();
        for (String name : GROUPS) {
            NodeGroup group = ControllerFixtures.group(name, 1, 3);
            group.getSpec().setOfferingIDs(List.of("1"));
            kube.client().resources(NodeGroup.class).inNamespace("test").resource(group).create();
        }
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
    void threeNodeGroupsShareOneClusterListingPerPass() throws Exception {
        Path kubeconfig = kube.writeKubeconfig(dir.resolve("kubeconfig"), "test");
        ControllerConfig config = ControllerFixtures.runConfig(kubeconfig, vpsie.baseUrl(), SCAN, false,
                "listing-it");

        app = ControllerApp.start(config, Clock.systemUTC());
        await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> {
            for (String name : GROUPS) {
                NodeGroupStatus s = kube.client().resources(NodeGroup.class).inNamespace("test").withName(name).get()
                        .getStatus();
                assertThat(s).as(name).isNotNull();
                assertThat(s.getReadyNodes()).as(name).isEqualTo(1);
            }
        });
        // settle: creations done and their status writes answered
        Thread.sleep(SCAN.toMillis() * 2);

        // Kubelets report node status all the time; every report wakes its group's reconciler, which needs the
        // cluster's servers. Touch every group's node a few times per pass, as kubelets would.
        double passesBefore = passes();
        vpsie.clearRequests();
        long started = System.nanoTime();
        long until = started + SCAN.multipliedBy(6).toNanos();
        int touch = 0;
        while (System.nanoTime() < until) {
            String beat = Integer.toString(++touch);
            for (Node node : kube.client().nodes().list().getItems()) {
                kube.client().nodes().withName(node.getMetadata().getName())
                        .edit(n -> new NodeBuilder(n).editMetadata().addToAnnotations("test/heartbeat", beat)
                                .endMetadata().build());
            }
            Thread.sleep(SCAN.toMillis() / 4);
        }
        long listings = vpsie.requestCount(SimEndpoint.GET_CLUSTER);
        double passes = passes() - passesBefore;
        // A pass is due every scan interval; on a loaded machine fewer may complete, so the bound counts both.
        long intervals = Duration.ofNanos(System.nanoTime() - started).dividedBy(SCAN);
        System.out.printf("cluster listings: %d in %.0f passes (%d scan intervals) with %d NodeGroups "
                + "(%d node status touches)%n", listings, passes, intervals, GROUPS.size(), touch);

        assertThat(touch).as("every group woken at least once per scan interval")
                .isGreaterThanOrEqualTo((int) intervals);
        assertThat(listings).as("GET cluster listings during %s passes (%s scan intervals) with %s NodeGroups",
                passes, intervals, GROUPS.size()).isLessThanOrEqualTo(Math.max((long) passes, intervals) + 1);
        assertThat(vpsie.requestCount(SimEndpoint.ADD_WORKER)).as("nothing to create in the window").isZero();
        assertThat(vpsie.cloud().runningWorkers()).hasSize(GROUPS.size());
        assertThat(app.metrics().scrape()).as("calls per minute by endpoint family")
                .containsPattern("(?m)^vpsie_autoscaler_vpsie_api_calls_per_minute\\{endpoint=\"cluster\"} [1-9]");
    }

    /** Autoscaling passes completed so far, from the pass-duration timer's count. */
    private double passes() {
        Matcher m = PASS_COUNT.matcher(app.metrics().scrape());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
