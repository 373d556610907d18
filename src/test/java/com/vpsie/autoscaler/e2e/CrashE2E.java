package com.vpsie.autoscaler.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroupStatus;
import com.vpsie.autoscaler.sim.SimEndpoint;
import com.vpsie.autoscaler.sim.SimRequest;
import com.vpsie.autoscaler.testing.realkube.KubeControlPlane;
import com.vpsie.autoscaler.testing.realkube.RealKubernetes;
import io.fabric8.kubernetes.api.model.Node;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The packaged controller as its own process, killed with SIGKILL in the middle of a scale-up and in the middle of
 * a drain; the process started after it must finish or undo what was left half done, and never make or delete a
 * server twice. The VPSie simulator and the simulated kubelets run in this JVM.
 */
@RealKubernetes
class CrashE2E {

    private static final int MAX_NODES = 4;
    private static final int BIG = 6;
    private static final int SMALL = 3;
    private static final Duration WAIT = Duration.ofMinutes(2);

    @Test
    void aKilledControllerIsSucceededByOneThatFinishesOrUndoesItsWork(KubeControlPlane kube) throws Exception {
        Path jar = Path.of(System.getProperty("e2e.jar", "target/vpsie-autoscaler.jar"));
        assertThat(jar).as("the packaged controller (mvn verify -Pe2e packages it first)").isRegularFile();
        // Servers take 6 s to boot, which leaves room to kill the controller between "desired raised" and "Ready".
        try (E2eWorld world = E2eWorld.start(kube, "crash", Duration.ofSeconds(6))) {
            world.createGroup(1, MAX_NODES, E2eWorld.quickScaleDown(5));
            List<Process> started = new ArrayList<>();
            try {
                Process first = launch(world, jar, "crash-1", started);
                Awaitility.await().atMost(WAIT).until(() -> world.groupNodes().stream().filter(E2eWorld::nodeReady)
                        .count() == 1);
                long rssFirst = rssKib(first);

                // Mid-scale-up: kill as soon as the desired size is raised, while the new servers still boot.
                world.createDeployment(BIG);
                Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(20))
                        .until(() -> desired(world) >= 2);
                first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                int desiredAtKill = desired(world);
                long readyAtKill = world.groupNodes().stream().filter(E2eWorld::nodeReady).count();
                int createsAtKill = world.requests(SimEndpoint.ADD_WORKER).size();
                System.out.printf(Locale.ROOT, "[e2e] crash: killed mid-scale-up with desiredNodes %d, %d Ready "
                        + "nodes, %d add-worker calls made%n", desiredAtKill, readyAtKill, createsAtKill);
                assertThat(readyAtKill).as("killed before all nodes were Ready").isLessThan(desiredAtKill);

                Process second = launch(world, jar, "crash-2", started);
                Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(500))
                        .until(() -> world.allPodsRunning(BIG) && consistent(world));
                int peakNodes = world.groupNodes().size();
                long rssSecond = rssKib(second);

                // Mid-drain: one pod per node after the shrink, so removing a node means evicting its pod; the drainer
                // taints a node, then re-checks it a few seconds before evicting, and the kill lands in between.
                world.keepOnePodPerNode();
                world.createPdb(SMALL - 1);
                world.scaleDeployment(SMALL);
                Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(20))
                        .until(() -> world.groupNodes().stream().anyMatch(E2eWorld::hasDeletionTaint));
                second.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                List<String> tainted = world.groupNodes().stream().filter(E2eWorld::hasDeletionTaint)
                        .map(n -> n.getMetadata().getName()).toList();
                System.out.printf(Locale.ROOT, "[e2e] crash: killed mid-drain with %s tainted (%d nodes)%n",
                        tainted, world.groupNodes().size());
                // The successor must finish that drain (evict, then delete server and Node) or release the node.

                long podsOnTainted = world.pods().stream().filter(p -> tainted.contains(p.getSpec().getNodeName()))
                        .count();
                assertThat(podsOnTainted).as("killed before the tainted node was drained").isPositive();
                Process third = launch(world, jar, "crash-3", started);
                Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(500))
                        .until(() -> world.groupNodes().size() < peakNodes && world.allPodsRunning(SMALL)
                                && consistent(world));
                long rssThird = rssKib(third);

                List<Node> nodes = world.groupNodes();
                List<SimRequest> deletes = new ArrayList<>(world.requests(SimEndpoint.DELETE_WORKER));
                deletes.addAll(world.requests(SimEndpoint.DELETE_VM));
                int creates = world.requests(SimEndpoint.ADD_WORKER).stream().filter(r -> r.status() == 200)
                        .mapToInt(r -> 1).sum();
                System.out.printf(Locale.ROOT, "[e2e] crash: converged to %d nodes (after the scale-up %d, where %d pods "
                                + "needed %d); %d servers created, %d delete calls %s; controller RSS %d / %d / %d MiB "
                                + "(first, second, third process)%n",
                        nodes.size(), peakNodes, BIG, BIG / 2, creates, deletes.size(),
                        deletes.stream().map(r -> r.status() + " " + r.path()).toList(), rssFirst >> 10,
                        rssSecond >> 10, rssThird >> 10);

                assertThat(nodes).allSatisfy(n -> assertThat(E2eWorld.scaleDownMarks(n))
                        .as("marks left on %s", n.getMetadata().getName()).isEmpty());
                assertThat(world.workers().stream().map(w -> w.hostname()).sorted().toList())
                        .as("servers and Nodes of the group are the same set: no duplicate, no orphan")
                        .isEqualTo(nodes.stream().map(n -> n.getMetadata().getName()).sorted().toList());
                assertThat(desired(world)).isEqualTo(nodes.size());
                // The server's id travels in the request body, which the simulator does not record; a second delete of
                // the same server would be answered 404, so every delete answered 200 means none was repeated.
                assertThat(deletes).as("no server deleted twice").allSatisfy(r -> assertThat(r.status())
                        .as(r.method() + " " + r.path()).isEqualTo(200));
                assertThat(creates).as("every server made is either running or was deleted once")
                        .isEqualTo(nodes.size() + deletes.size());
            } finally {
                started.forEach(Process::destroyForcibly);
            }
        }
    }

    /** Servers, Nodes and status agree, and no Node carries a scale-down mark. */
    private static boolean consistent(E2eWorld world) {
        List<Node> nodes = world.groupNodes();
        return nodes.stream().allMatch(n -> E2eWorld.nodeReady(n) && E2eWorld.scaleDownMarks(n).isEmpty())
                && world.workers().size() == nodes.size() && desired(world) == nodes.size();
    }

    private static int desired(E2eWorld world) {
        NodeGroupStatus s = world.status();
        return s == null || s.getDesiredNodes() == null ? 0 : s.getDesiredNodes();
    }

    private static Process launch(E2eWorld world, Path jar, String identity, List<Process> started) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-jar", jar.toString(), "run",
                "--kubeconfig=" + world.controllerKubeconfig(), "--namespaces=" + world.ns, "--scan-interval=1s",
                // Each process its own identity, as a new pod would have: the successor waits out the dead one's lease.
                "--leader-elect=true", "--lease-name=" + E2eWorld.LEASE, "--lease-namespace=" + world.ns,
                "--identity=" + identity, "--lease-duration=4s", "--renew-deadline=3s", "--retry-period=500ms",
                "--metrics-port=" + freePort(), "--vpsie-secret-name=" + E2eWorld.SECRET,
                "--vpsie-secret-namespace=" + world.ns, "--vpsie-url=" + world.vpsie.baseUrl(),
                "--default-cluster-id=" + E2eWorld.CLUSTER, "--max-pod-eviction-time=60s",
                "--scale-down-failure-cooldown=5s", "--provisioning-timeout=2m", "--log-format=text");
        try {
            Path log = Files.createTempFile("vpsie-crash-e2e-" + identity + "-", ".log");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            started.add(p);
            System.out.printf(Locale.ROOT, "[e2e] crash: started %s as pid %d, log %s%n", identity, p.pid(), log);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** VmRSS of a live process, in KiB, or -1 once it is gone. */
    private static long rssKib(Process p) {
        Function<String, Long> kib = line -> Long.parseLong(line.replaceAll("[^0-9]", ""));
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status")).stream()
                    .filter(l -> l.startsWith("VmRSS:")).findFirst().map(kib).orElse(-1L);
        } catch (IOException e) {
            return -1;
        }
    }
}
