package com.vpsie.autoscaler.testing.realkube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code kube-control-plane.sh start} survives a port taken between its choice and the component's bind, as
 * happens on a busy machine. The script's test hook runs after each component's ports are chosen; here it asks
 * this test to take the first port of every component, the first time only, and waits until it has. Every
 * component then fails to bind once ("address already in use") and must be started again on new ports.
 */
@Tag("e2e")
class KubeControlPlaneStartE2E {

    private static final List<String> COMPONENTS =
            List.of("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler");
    /** The hook: hands the port to the test through files and waits for it to be taken. */
    private static final String HOOK = """
            #!/usr/bin/env bash
            set -euo pipefail
            name=$1 port=$2 dir=$PORT_THIEF_DIR
            [ ! -e "$dir/$name.asked" ] || exit 0
            touch "$dir/$name.asked"
            echo "$port" >"$dir/$name.want.tmp" && mv "$dir/$name.want.tmp" "$dir/$name.want"
            for _ in $(seq 200); do
              [ ! -e "$dir/$name.taken" ] || exit 0
              sleep 0.05
            done
            echo "the test did not take port $port for $name" >&2
            exit 1
            """;

    private Path thiefDir;
    private final Map<String, ServerSocket> taken = new ConcurrentHashMap<>();
    private final AtomicBoolean stealing = new AtomicBoolean(true);
    private Thread thief;

    @BeforeEach
    void startThief() throws IOException {
        thiefDir = Files.createTempDirectory("port-thief-");
        thief = new Thread(this::stealRequestedPorts, "port-thief");
        thief.setDaemon(true);
        thief.start();
    }

    @AfterEach
    void stopThief() throws Exception {
        stealing.set(false);
        thief.join(5000);
        for (ServerSocket s : taken.values()) {
            s.close();
        }
        try (Stream<Path> files = Files.walk(thiefDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    @Test
    void everyComponentIsStartedAgainOnNewPortsWhenItsPortWasTaken() throws Exception {
        Path hook = thiefDir.resolve("hook.sh");
        Files.writeString(hook, HOOK);
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwx------"));

        long began = System.nanoTime();
        try (KubeControlPlane plane = KubeControlPlane.launch(KubeControlPlane.projectDir(),
                Map.of("KUBE_CP_TEST_PORTS_CHOSEN_HOOK", hook.toString(), "PORT_THIEF_DIR", thiefDir.toString()))) {
            Duration took = Duration.ofNanos(System.nanoTime() - began);

            assertThat(taken.keySet()).containsExactlyInAnyOrderElementsOf(COMPONENTS);
            String startLog = Files.readString(plane.startLog());
            for (String component : COMPONENTS) {
                int stolen = taken.get(component).getLocalPort();
                assertThat(startLog).contains(component + ": port(s) " + stolen);
                Path lost = plane.logDir().resolve(component + ".port-taken-1.log");
                assertThat(Files.readString(lost)).as(component).contains("address already in use");
            }
            // The plane serves on ports other than the ones still held here, and works: a new namespace gets its
            // default ServiceAccount from the controller manager.
            int apiPort = URI.create(plane.client().getMasterUrl().toString()).getPort();
            assertThat(apiPort).isNotEqualTo(taken.get("kube-apiserver").getLocalPort());
            KubernetesClient client = plane.client();
            String ns = plane.createNamespace("port-race");
            client.namespaces().withName(ns).delete();
            System.out.printf(Locale.ROOT, "[e2e] control plane started in %.1f s with all %d components' first "
                    + "ports taken between choice and bind%n", took.toMillis() / 1000.0, COMPONENTS.size());
        }
    }

    /** Binds each port the hook asks for, on loopback as the components do, and tells the hook. */
    private void stealRequestedPorts() {
        while (stealing.get()) {
            try (Stream<Path> wants = Files.list(thiefDir)) {
                for (Path want : wants.filter(p -> p.toString().endsWith(".want")).toList()) {
                    String component = want.getFileName().toString().replace(".want", "");
                    if (taken.containsKey(component)) {
                        continue;
                    }
                    int port = Integer.parseInt(Files.readString(want).trim());
                    taken.put(component, new ServerSocket(port, 50, InetAddress.getLoopbackAddress()));
                    Files.createFile(thiefDir.resolve(component + ".taken"));
                }
                Thread.sleep(20);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
