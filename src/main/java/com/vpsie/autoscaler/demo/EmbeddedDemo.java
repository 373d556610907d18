package com.vpsie.autoscaler.demo;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.controller.ControllerApp;
import com.vpsie.autoscaler.model.WellKnown;
import com.vpsie.autoscaler.sim.ReplicaSetStandIn;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.DistributionSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * `make demo`: the real controller in one JVM against an embedded Kubernetes API and the VPSie API
 * simulator. A burst of pods scales the group up; once they run, a web workload with a PDB spreads
 * over the nodes; then the burst goes away and the nodes are drained (the PDB letting one web pod go
 * at a time) and deleted. Prints a timeline and a summary.
 */
public final class EmbeddedDemo {

    /** What the closing summary reports. */
    public record Summary(boolean completed, int nodesCreated, int nodesDeleted, long podsEvicted,
                          Duration longestPending, boolean pdbHeldANode, Duration took, String metricsUrl) {
    }

    private static final Duration STORY_DEADLINE = Duration.ofSeconds(110);
    /**
     * The embedded API server logs every request through java.util.logging; the timeline says what matters.
     * Held here because java.util.logging keeps loggers only weakly, and a collected one forgets its level.
     */
    private static final java.util.logging.Logger MOCK_SERVER_LOG =
            java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    private final PrintStream out;
    private final Clock clock = Clock.systemUTC();

    public EmbeddedDemo(PrintStream out) {
        this.out = out;
    }

    /**
     * Runs the story; with {@code keepRunning} leaves everything up afterwards until the process is stopped.
     * {@code metricsFile}, when given, receives the final /metrics text (CI checks it with promtool).
     */
    public Summary run(int metricsPort, boolean keepRunning, Path metricsFile) throws Exception {
        MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
        Path work = Files.createTempDirectory("vpsie-autoscaler-demo");
        try (DemoWorld world = DemoWorld.start(work, clock);
             ControllerApp app = ControllerApp.start(world.controllerConfig(metricsPort), clock)) {
            String metricsUrl = "http://127.0.0.1:" + app.metricsPort() + "/metrics";
            out.println("vpsie-autoscaler demo: embedded Kubernetes API at " + world.kube.url() + ", VPSie simulator at "
                    + world.vpsie.baseUrl());
            out.println("metrics at " + metricsUrl + "  (NodeGroup " + DemoWorld.GROUP + ": min 1, max 6, 2 cpu / 4 GiB)");
            out.println();
            DemoTimeline timeline = new DemoTimeline(world.client(), out, clock);
            boolean completed = story(world, timeline);
            long evicted = podsEvicted(app);
            Summary summary = new Summary(completed, timeline.nodesCreated(), timeline.nodesDeleted(), evicted,
                    timeline.longestPending(), timeline.pdbHeldANode(), timeline.elapsed(), metricsUrl);
            printSummary(summary);
            if (metricsFile != null) {
                Files.writeString(metricsFile, app.metrics().scrape());
            }
            if (keepRunning) {
                out.println("still running (--keep-running): try curl " + metricsUrl + " ; Ctrl-C to stop");
                Thread.currentThread().join();
            }
            return summary;
        } finally {
            deleteQuietly(work);
        }
    }

    private boolean story(DemoWorld world, DemoTimeline timeline) throws InterruptedException {
        KubernetesClient client = world.client();
        Instant deadline = clock.instant().plus(STORY_DEADLINE);

        timeline.phase("a burst: 6 batch pods asking 1 cpu each; one 2-cpu node is running");
        world.replicaSets.apply(new ReplicaSetStandIn.Workload(DemoWorld.NAMESPACE, "batch", "1", "1Gi", 6, false));
        if (!await(timeline, deadline, "batch pods to run on new nodes", () -> running(client, "batch") == 6)) {
            return false;
        }

        timeline.phase("a web workload: 3 replicas spread over the nodes, PDB minAvailable 2");
        client.policy().v1().podDisruptionBudget().inNamespace(DemoWorld.NAMESPACE).resource(
                new PodDisruptionBudgetBuilder().withNewMetadata().withName("web").endMetadata().withNewSpec()
                        .withMinAvailable(new IntOrString(2)).withNewSelector()
                        .addToMatchLabels(ReplicaSetStandIn.WORKLOAD_LABEL, "web").endSelector().endSpec().build())
                .create();
        world.replicaSets.apply(new ReplicaSetStandIn.Workload(DemoWorld.NAMESPACE, "web", "500m", "512Mi", 3, true));
        if (!await(timeline, deadline, "web pods to run", () -> running(client, "web") == 3)) {
            return false;
        }

        timeline.phase("the load drops: batch scaled to 0; underused nodes are drained (PDB permitting) and deleted");
        world.replicaSets.scale(DemoWorld.NAMESPACE, "batch", 0);
        return await(timeline, deadline, "underused nodes to be drained and deleted", () -> settled(client));
    }

    private boolean await(DemoTimeline timeline, Instant deadline, String what, BooleanSupplier done)
            throws InterruptedException {
        timeline.waitingFor(what);
        while (clock.instant().isBefore(deadline)) {
            timeline.observe();
            if (done.getAsBoolean()) {
                return true;
            }
            Thread.sleep(500);
        }
        timeline.print("gave up waiting for " + what + " after " + STORY_DEADLINE.toSeconds() + " s");
        return false;
    }

    private static long running(KubernetesClient client, String workload) {
        return client.pods().inNamespace(DemoWorld.NAMESPACE).withLabel(ReplicaSetStandIn.WORKLOAD_LABEL, workload)
                .list().getItems().stream()
                .filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase())).count();
    }

    /** The web pods run on as few nodes as they need, nothing is being drained, the group's size agrees. */
    private static boolean settled(KubernetesClient client) {
        List<Node> nodes = client.nodes().list().getItems();
        boolean marked = nodes.stream().anyMatch(n -> n.getMetadata().getAnnotations() != null
                && n.getMetadata().getAnnotations().containsKey(WellKnown.DRAIN_STATE_ANNOTATION));
        NodeGroup g = client.resources(NodeGroup.class).inNamespace(DemoWorld.NAMESPACE).withName(DemoWorld.GROUP).get();
        Integer desired = g.getStatus() == null ? null : g.getStatus().getDesiredNodes();
        List<Pod> pods = client.pods().inNamespace(DemoWorld.NAMESPACE).list().getItems();
        boolean allRunning = pods.stream().allMatch(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase()));
        return !marked && allRunning && running(client, "web") == 3 && nodes.size() <= 2
                && desired != null && desired == nodes.size();
    }

    private static long podsEvicted(ControllerApp app) {
        return Math.round(app.metrics().registry().find("vpsie.autoscaler.node.drain.pods.evicted").summaries().stream()
                .mapToDouble(DistributionSummary::totalAmount).sum());
    }

    private void printSummary(Summary s) {
        out.println();
        out.println(s.completed() ? "Demo complete." : "Demo did NOT complete.");
        out.printf(Locale.ROOT, "  nodes created:        %d%n", s.nodesCreated());
        out.printf(Locale.ROOT, "  nodes deleted:        %d%n", s.nodesDeleted());
        out.printf(Locale.ROOT, "  pods evicted:         %d%n", s.podsEvicted());
        out.printf(Locale.ROOT, "  longest pending time: %.1f s%n", s.longestPending().toMillis() / 1000.0);
        out.printf(Locale.ROOT, "  a PDB held a node:    %s%n", s.pdbHeldANode() ? "yes" : "no");
        out.printf(Locale.ROOT, "  took:                 %.1f s%n", s.took().toMillis() / 1000.0);
        out.flush();
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp folder left behind is harmless
        }
    }
}
