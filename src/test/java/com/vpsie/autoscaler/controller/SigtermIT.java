package com.vpsie.autoscaler.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.vpsie.autoscaler.sim.VpsieSimulator;
import com.vpsie.autoscaler.sim.kube.StrictMockServer;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
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
 * `run` as its own process: SIGTERM stops it in order, it gives up its Lease (so a successor need not wait
 * for it to expire) and exits 0. The API is the mock server; the real tier kills a process with SIGKILL.
 */
class SigtermIT {

    private StrictMockServer kube;
    private VpsieSimulator vpsie;
    private Process process;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        kube = StrictMockServer.start();
        vpsie = new VpsieSimulator(Clock.systemUTC()).acceptStaticToken("t");
        vpsie.cloud().addCluster("c1", "c", "dc1").addStandardOffers("dc1");
        vpsie.start(0);
        kube.client().secrets().inNamespace("test").resource(new SecretBuilder().withNewMetadata()
                .withName("vpsie-credentials").endMetadata().addToStringData("token", "t").build()).create();
    }

    private Runnable slowLeases = () -> { };

    @AfterEach
    void stop() {
        if (process != null) {
            process.destroyForcibly();
        }
        slowLeases.run(); // answers the Lease writes still held back, so the mock server can shut down
        vpsie.stop();
        kube.close();
    }

    @Test
    void sigtermStopsInOrderReleasesTheLeaseAndExitsZero() throws Exception {
        int port = startRun("5s");

        process.destroy(); // SIGTERM
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as(Files.readString(dir.resolve("run.log"))).isTrue();
        assertThat(process.exitValue()).as(Files.readString(dir.resolve("run.log"))).isZero();
        Lease lease = kube.client().leases().inNamespace("test").withName("vpsie-autoscaler").get();
        assertThat(lease.getSpec().getHolderIdentity()).as("lease given up").isNullOrEmpty();
        assertThat(Files.readString(dir.resolve("run.log"))).contains("stopped cleanly");
    }

    /**
     * The API server answers the Lease writes only after 20 s (the mock delays them; a real one does under load or
     * with a slow webhook). The kubelet kills the pod at its termination grace period, so the process must be gone
     * within the budget of --shutdown-grace-period whatever the API does, not after each step's own timeout.
     */
    @Test
    void sigtermExitsWithinTheShutdownBudgetEvenWhenTheApiIsSlow() throws Exception {
        startRun("5s");
        slowLeases = kube.dispatcher().delay(r -> !"GET".equals(r.getMethod()) && r.getPath().contains("/leases"),
                Duration.ofSeconds(20));

        long sent = System.nanoTime();
        process.destroy(); // SIGTERM
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as(Files.readString(dir.resolve("run.log"))).isTrue();
        Duration took = Duration.ofNanos(System.nanoTime() - sent);

        assertThat(took).as("SIGTERM to exit, budget 5s; log:%n%s", Files.readString(dir.resolve("run.log")))
                .isLessThan(Duration.ofSeconds(5).plusMillis(1500));
        assertThat(process.exitValue()).isZero();
    }

    /** Starts `run` with the given shutdown budget, waits until it is ready and holds the lease; returns its port. */
    private int startRun(String shutdownBudget) throws Exception {
        Path kubeconfig = kube.writeKubeconfig(dir.resolve("kubeconfig"), "test");
        String jar = System.getProperty("vpsie.jar");
        assertThat(Path.of(jar)).as("the packaged jar (mvn package runs before the integration tests)").exists();
        int port = 20000 + (int) (ProcessHandle.current().pid() % 10000);
        process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar, "run", "--kubeconfig", kubeconfig.toString(), "--namespaces", "test", "--lease-namespace", "test",
                "--identity", "sigterm-it", "--vpsie-secret-namespace", "test", "--vpsie-url", vpsie.baseUrl(),
                "--metrics-port", Integer.toString(port), "--log-format", "text", "--shutdown-grace-period", shutdownBudget))
                .redirectErrorStream(true).redirectOutput(dir.resolve("run.log").toFile()).start();

        HttpClient http = HttpClient.newHttpClient();
        await().atMost(60, TimeUnit.SECONDS).ignoreExceptions().until(() -> http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
        await().atMost(30, TimeUnit.SECONDS).until(() -> {
            Lease lease = kube.client().leases().inNamespace("test").withName("vpsie-autoscaler").get();
            return lease != null && "sigterm-it".equals(lease.getSpec().getHolderIdentity());
        });
        return port;
    }
}
