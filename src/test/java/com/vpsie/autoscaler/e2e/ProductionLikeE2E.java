package com.vpsie.autoscaler.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroupCondition;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupStatus;
import com.vpsie.autoscaler.provider.vpsie.SecretCredentialsSource;
import com.vpsie.autoscaler.sim.SimEndpoint;
import com.vpsie.autoscaler.sim.SimRequest;
import com.vpsie.autoscaler.testing.realkube.KubeControlPlane;
import com.vpsie.autoscaler.testing.realkube.RealKubernetes;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The packaged controller, as its own process, against a VPSie simulator that behaves like production: a new server
 * lists 10 s after its add call (which names no server), a deleted one lists as deleting for 10 s, 10 % of the
 * requests of every endpoint family answer 503, and the token endpoint is down for the first 20 s (the controller
 * exchanges client credentials, so it needs it). Eight pending pods that each need a node of their own must get eight
 * servers, all running, without a provisioning failure and without a server too many; then the same with the leader
 * killed (SIGKILL) right after its first add call, while the listing shows none of its servers yet.
 */
@RealKubernetes
class ProductionLikeE2E {

    private static final int PODS = 8;
    /** Above half of the 1900m a simulated node offers: one pod per node. */
    private static final String POD_CPU = "1200m";
    private static final Duration LISTING_LAG = Duration.ofSeconds(10);
    private static final Duration WAIT = Duration.ofMinutes(5);
    private static final String CLIENT_ID = "e2e-client";
    private static final String CLIENT_SECRET = "e2e-client-secret";

    private record Launched(Process process, int metricsPort) {
    }

    @Test
    void eightPodsGetEightServersFromAnUnkindVpsie(KubeControlPlane kube) throws Exception {
        try (E2eWorld world = productionLike(kube, "prod", 7)) {
            List<Process> started = new ArrayList<>();
            try {
                world.createGroup(0, PODS + 2, null);
                world.vpsie.tokenEndpointDownFor(Duration.ofSeconds(20));
                Launched controller = launch(world, "prod-1", started);
                Instant asked = Instant.now();
                world.createDeployment(PODS, POD_CPU);

                Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(500))
                        .until(() -> world.allPodsRunning(PODS));
                Duration toRunning = Duration.between(asked, Instant.now());
                // A request whose server lists late must not have made a second one meanwhile: look again after a lag.
                Thread.sleep(LISTING_LAG.plusSeconds(5).toMillis());

                String metrics = metrics(controller);
                report(world, "prod", toRunning, metrics);
                assertConverged(world, metrics);
            } finally {
                started.forEach(Process::destroyForcibly);
            }
        }
    }

    @Test
    void aLeaderKilledRightAfterItsAddCallIsSucceededWithoutADuplicate(KubeControlPlane kube) throws Exception {
        try (E2eWorld world = productionLike(kube, "prod-kill", 11)) {
            List<Process> started = new ArrayList<>();
            try {
                world.createGroup(0, PODS + 2, null);
                world.vpsie.tokenEndpointDownFor(Duration.ofSeconds(20));
                Launched first = launch(world, "prod-kill-1", started);
                Instant asked = Instant.now();
                world.createDeployment(PODS, POD_CPU);

                Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> !accepted(world)
                        .isEmpty());
                first.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                List<SimRequest> atKill = accepted(world);
                Duration sinceFirstAdd = Duration.between(atKill.get(0).at(), Instant.now());
                System.out.printf(Locale.ROOT, "[e2e] prod-kill: SIGKILL %d ms after the first accepted add call, "
                        + "%d accepted add call(s) by then%n", sinceFirstAdd.toMillis(), atKill.size());
                assertThat(sinceFirstAdd).as("killed while the listing still hid the new servers")
                        .isLessThan(LISTING_LAG);

                Launched second = launch(world, "prod-kill-2", started);
                Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(500))
                        .until(() -> world.allPodsRunning(PODS));
                Duration toRunning = Duration.between(asked, Instant.now());
                Thread.sleep(LISTING_LAG.plusSeconds(5).toMillis());

                String metrics = metrics(second);
                report(world, "prod-kill", toRunning, metrics);
                assertConverged(world, metrics);
            } finally {
                started.forEach(Process::destroyForcibly);
            }
        }
    }

    /** A world whose simulator behaves like production and whose controller exchanges client credentials. */
    private static E2eWorld productionLike(KubeControlPlane kube, String prefix, long seed) {
        E2eWorld world = E2eWorld.start(kube, prefix, Duration.ofSeconds(3));
        world.vpsie.acceptClientCredentials(CLIENT_ID, CLIENT_SECRET).listingLag(LISTING_LAG)
                .deleteLag(Duration.ofSeconds(10)).serverErrors(0.10, seed);
        // Client credentials instead of the chart's static token, so the token endpoint is on the path.
        world.client.secrets().inNamespace(world.ns).withName(E2eWorld.SECRET).delete();
        Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> world.client.secrets().inNamespace(world.ns).withName(E2eWorld.SECRET).get() == null);
        world.client.secrets().inNamespace(world.ns).resource(new SecretBuilder().withNewMetadata()
                .withName(E2eWorld.SECRET).endMetadata()
                .addToStringData(SecretCredentialsSource.KEY_CLIENT_ID, CLIENT_ID)
                .addToStringData(SecretCredentialsSource.KEY_CLIENT_SECRET, CLIENT_SECRET).build()).create();
        return world;
    }

    private static void assertConverged(E2eWorld world, String metrics) {
        assertThat(world.pods()).hasSize(PODS).allMatch(E2eWorld::runningAndReady);
        assertThat(world.workers()).as("exactly one server per pod: no duplicate").hasSize(PODS);
        assertThat(accepted(world)).as("every accepted add call is one of those servers").hasSize(PODS);
        assertThat(world.groupNodes()).hasSize(PODS);
        assertThat(metrics.lines().filter(l -> l.startsWith("vpsie_autoscaler_node_provisioning_failures_total")
                && !l.endsWith(" 0.0"))).as("no provisioning failure counted").isEmpty();
        NodeGroupStatus status = world.status();
        assertThat(status.getConditions()).filteredOn(c -> NodeGroupCondition.TYPE_ERROR.equals(c.getType()))
                .singleElement().satisfies(c -> assertThat(c.getStatus()).isEqualTo(NodeGroupCondition.STATUS_FALSE));
        assertThat(status.getDesiredNodes()).isEqualTo(PODS);
    }

    private static void report(E2eWorld world, String scenario, Duration toRunning, String metrics) {
        List<SimRequest> all = world.vpsie.requests();
        long refused = all.stream().filter(r -> r.status() == 503).count();
        long addRefused = all.stream().filter(r -> r.endpoint() == SimEndpoint.ADD_WORKER && r.status() == 503).count();
        List<String> reconcileErrors = metrics.lines()
                .filter(l -> l.startsWith("vpsie_autoscaler_controller_reconcile_errors_total")).toList();
        System.out.printf(Locale.ROOT, "[e2e] %s: %d pods Running %d ms after they were created; %d servers, %d "
                        + "accepted add calls, %d add calls answered 503; %d of %d VPSie requests answered 503; "
                        + "reconcile errors %s%n", scenario, PODS, toRunning.toMillis(), world.workers().size(),
                accepted(world).size(), addRefused, refused, all.size(), reconcileErrors);
    }

    private static List<SimRequest> accepted(E2eWorld world) {
        return world.requests(SimEndpoint.ADD_WORKER).stream().filter(r -> r.status() == 200).toList();
    }

    private static String metrics(Launched controller) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + controller.metricsPort() + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static Launched launch(E2eWorld world, String identity, List<Process> started) {
        Path jar = Path.of(System.getProperty("e2e.jar", "target/vpsie-autoscaler.jar"));
        assertThat(jar).as("the packaged controller (mvn verify -Pe2e packages it first)").isRegularFile();
        int metricsPort = freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-jar", jar.toString(), "run",
                "--kubeconfig=" + world.controllerKubeconfig(), "--namespaces=" + world.ns, "--scan-interval=1s",
                "--leader-elect=true", "--lease-name=" + E2eWorld.LEASE, "--lease-namespace=" + world.ns,
                "--identity=" + identity, "--lease-duration=4s", "--renew-deadline=3s", "--retry-period=500ms",
                "--metrics-port=" + metricsPort, "--vpsie-secret-name=" + E2eWorld.SECRET,
                "--vpsie-secret-namespace=" + world.ns, "--vpsie-url=" + world.vpsie.baseUrl(),
                "--default-cluster-id=" + E2eWorld.CLUSTER, "--provisioning-timeout=3m", "--log-format=text");
        try {
            Path log = Files.createTempFile("vpsie-prod-e2e-" + identity + "-", ".log");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            started.add(p);
            System.out.printf(Locale.ROOT, "[e2e] %s: started %s as pid %d, log %s%n", world.ns, identity, p.pid(),
                    log);
            return new Launched(p, metricsPort);
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
}
