package com.vpsie.autoscaler.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroupStatus;
import com.vpsie.autoscaler.model.WellKnown;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The `run` process over five steady NodeGroups while pods are replaced at a steady rate (each replacement moves a
 * group's utilization by a point or two for a pass): the API server must see no write from it, neither to a
 * NodeGroup's status nor to a Node, until something a user cares about changes. Counted at the mock API server,
 * over several passes. The simulated kubelets' own writes (node and pod status, leases) and the test's pod churn
 * go to the same server and are left out of the count by path and user agent.
 */
class IdleApiWritesIT {

    private static final List<String> GROUPS = List.of("g1", "g2", "g3", "g4", "g5");
    private static final Duration SCAN = Duration.ofSeconds(1);
    private static final int PODS_PER_NODE = 8;
    /** 2% of the 2-CPU size: one pod more or less is a small move of the group's utilization. */
    private static final String POD_CPU = "40m";
    private static final String CHURN_AGENT = "idle-it-churn";
    private static final Pattern PASS_COUNT =
            Pattern.compile("(?m)^vpsie_autoscaler_autoscaling_pass_duration_seconds_count(?:\\{[^}]*\\})? (\\S+)$");

    private SimulatedRunWorld world;
    private ControllerApp app;
    private KubernetesClient churn;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        world = SimulatedRunWorld.start();
        churn = world.kube.newClient(b -> b.withUserAgent(CHURN_AGENT));
        for (String g : GROUPS) {
            world.addGroup(g, "1", 1, 3);
        }
    }

    @AfterEach
    void stop() {
        world.kube.dispatcher().stopRecording();
        if (app != null) {
            app.close();
        }
        churn.close();
        world.close();
    }

    @Test
    void steadyGroupsUnderPodChurnCostNoWritesUntilSomethingChanges() throws Exception {
        app = ControllerApp.start(world.config(dir, SCAN, "idle-it"), Clock.systemUTC());
        await().atMost(90, TimeUnit.SECONDS).untilAsserted(() -> {
            for (String g : GROUPS) {
                NodeGroupStatus s = world.status(g);
                assertThat(s).isNotNull();
                assertThat(s.getReadyNodes()).as(g).isEqualTo(1);
            }
        });
        List<String> nodes = new ArrayList<>(world.kube.client().nodes().list().getItems().stream()
                .map(n -> n.getMetadata().getName()).toList());
        assertThat(nodes).hasSize(GROUPS.size());
        Map<String, String[]> podsOn = new HashMap<>();
        for (String node : nodes) {
            String[] pods = new String[PODS_PER_NODE];
            for (int i = 0; i < PODS_PER_NODE; i++) {
                pods[i] = node + "-p" + i;
                churn.pods().inNamespace("test").resource(ControllerFixtures.boundPod(pods[i], node, POD_CPU, "64Mi"))
                        .create();
            }
            podsOn.put(node, pods);
        }
        // settled: every group's utilization written with all its pods, and a few more passes over that
        await().atMost(60, TimeUnit.SECONDS).untilAsserted(() -> {
            for (String g : GROUPS) {
                assertThat(world.status(g).getUtilizationPercent()).as(g).isGreaterThanOrEqualTo(12);
            }
        });
        awaitPasses(3);

        List<String> statusWrites = world.kube.dispatcher().record(r -> isWrite(r)
                && r.getPath().matches("/apis/autoscaler\\.vpsie\\.com/v1alpha1/namespaces/[^/]+/nodegroups/[^/?]+/status.*"));
        List<String> nodeWrites = world.kube.dispatcher().record(r -> isWrite(r)
                && r.getPath().matches("/api/v1/nodes/[^/?]+(\\?.*)?"));
        // reads only the controller makes (the kubelets and the test read neither): each would be a poll
        List<String> groupReads = world.kube.dispatcher().record(r -> !isWrite(r)
                && r.getPath().startsWith("/apis/autoscaler.vpsie.com/") && !r.getPath().contains("watch=true"));
        List<String> otherWrites = world.kube.dispatcher().record(r -> isWrite(r)
                && !CHURN_AGENT.equals(r.getHeader("User-Agent")) && !r.getPath().contains("/leases/")
                && !r.getPath().matches(".*/(nodes|pods)/[^/]+/status.*"));

        // pod replacement, one pod at a time round the nodes, over several passes
        double from = passes();
        int round = 0;
        while (passes() < from + 6) {
            round++;
            for (String node : nodes) {
                String[] pods = podsOn.get(node);
                int slot = round % PODS_PER_NODE;
                churn.pods().inNamespace("test").withName(pods[slot]).delete();
                Thread.sleep(50); // the gap a replacement leaves: a pass may see the pod gone
                pods[slot] = node + "-p" + slot + "-r" + round;
                churn.pods().inNamespace("test").resource(ControllerFixtures.boundPod(pods[slot], node, POD_CPU, "64Mi"))
                        .create();
            }
            Thread.sleep(150);
        }
        System.out.printf("idle writes over %.0f passes and %d pod replacements: status %s, nodes %s, other %s; "
                + "NodeGroup reads %s%n", passes() - from, round * nodes.size(), statusWrites, nodeWrites, otherWrites,
                groupReads);
        assertThat(statusWrites).as("NodeGroup status writes while steady").isEmpty();
        assertThat(nodeWrites).as("Node writes while steady").isEmpty();
        assertThat(groupReads).as("NodeGroup reads besides the watch while steady").isEmpty();

        // a change a user cares about is written at once: a third of a node more on one group
        String node = nodes.get(0);
        churn.pods().inNamespace("test").resource(ControllerFixtures.boundPod("big", node, "700m", "64Mi")).create();
        String group = world.kube.client().nodes().withName(node).get().getMetadata().getLabels()
                .get(WellKnown.NODEGROUP_LABEL);
        int before = world.status(group).getUtilizationPercent();
        await().atMost(30, TimeUnit.SECONDS).untilAsserted(() ->
                assertThat(world.status(group).getUtilizationPercent()).isGreaterThanOrEqualTo(before + 30));
        assertThat(statusWrites).isNotEmpty();
    }

    private static boolean isWrite(RecordedRequest r) {
        return !"GET".equals(r.getMethod());
    }

    private void awaitPasses(int more) {
        double from = passes();
        await().atMost(60, TimeUnit.SECONDS).until(() -> passes() >= from + more);
    }

    private double passes() {
        Matcher m = PASS_COUNT.matcher(app.metrics().scrape());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
