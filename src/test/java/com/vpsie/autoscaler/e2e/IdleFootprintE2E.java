package com.vpsie.autoscaler.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupSpec;
import com.vpsie.autoscaler.model.WellKnown;
import com.vpsie.autoscaler.sim.SimEndpoint;
import com.vpsie.autoscaler.sim.SimRequest;
import com.vpsie.autoscaler.testing.realkube.KubeControlPlane;
import com.vpsie.autoscaler.testing.realkube.RealKubernetes;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Idle cost of the packaged controller as its own process on a small cluster (three NodeGroups of one node each on
 * the real control plane): resident memory sampled while nothing happens, and the VPSie calls it makes per minute
 * by endpoint, counted at the simulator. Each configuration ({@code e2e.footprint.sets}) is a jar and JVM flags,
 * measured one after the other against the same cluster. Prints figures, asserts nothing about them: run by
 * {@code scripts/idle-footprint.sh}, which passes {@code -De2e.footprint=true}.
 */
@RealKubernetes
@EnabledIfSystemProperty(named = "e2e.footprint", matches = "true")
class IdleFootprintE2E {

    private static final Pattern CALLS_PER_MINUTE =
            Pattern.compile("(?m)^vpsie_autoscaler_vpsie_api_calls_per_minute\\{endpoint=\"([a-z_]+)\"} (\\S+)$");

    /** One configuration: a label, the jar, the JVM flags. */
    private record Setup(String label, Path jar, List<String> flags) {
        static Setup parse(String text) {
            String[] parts = text.split("\\|", 3);
            List<String> flags = parts.length < 3 || parts[2].isBlank() ? List.of()
                    : Arrays.asList(parts[2].trim().split("\\s+"));
            return new Setup(parts[0].trim(), Path.of(parts[1].trim()), flags);
        }
    }

    @Test
    void idleResidentMemoryAndVpsieCallsPerMinute(KubeControlPlane kube) throws Exception {
        String defaultJar = System.getProperty("e2e.jar", "target/vpsie-autoscaler.jar");
        List<Setup> setups = Arrays.stream(System.getProperty("e2e.footprint.sets", "branch|" + defaultJar + "|")
                .split(";;")).map(String::trim).filter(s -> !s.isEmpty()).map(Setup::parse).toList();
        Duration settle = Duration.parse(System.getProperty("e2e.footprint.settle", "PT40S"));
        Duration idle = Duration.parse(System.getProperty("e2e.footprint.idle", "PT60S"));
        try (E2eWorld world = E2eWorld.start(kube, "idle", Duration.ofSeconds(2), ControllerAccess.admin(
                "measures memory and VPSie calls; RBAC is covered by the other scenarios"))) {
            world.createGroup(1, 2, null);
            List<String> extra = List.of(world.group + "-b", world.group + "-c");
            try {
                for (String name : extra) {
                    world.vpsie.cloud().addGroup(E2eWorld.CLUSTER, name, E2eWorld.OFFERING);
                    createGroup(world, name);
                }
                for (Setup setup : setups) {
                    measure(world, setup, extra, settle, idle);
                }
            } finally {
                for (String name : extra) {
                    E2eWorld.deleteNodeGroupNow(world.client, world.ns, name);
                    for (Node n : world.client.nodes().withLabel(WellKnown.NODEGROUP_LABEL, name).list().getItems()) {
                        world.client.nodes().withName(n.getMetadata().getName()).delete();
                        world.client.leases().inNamespace("kube-node-lease").withName(n.getMetadata().getName())
                                .delete();
                    }
                }
            }
        }
    }

    private static void measure(E2eWorld world, Setup setup, List<String> extra, Duration settle, Duration idle)
            throws Exception {
        assertThat(setup.jar()).as("jar of %s", setup.label()).isRegularFile();
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(setup.flags());
        command.addAll(List.of("-jar", setup.jar().toString(), "run",
                "--kubeconfig=" + world.controllerKubeconfig(), "--namespaces=" + world.ns,
                "--leader-elect=false", "--metrics-port=" + port, "--vpsie-secret-name=" + E2eWorld.SECRET,
                "--vpsie-secret-namespace=" + world.ns, "--vpsie-url=" + world.vpsie.baseUrl(),
                "--default-cluster-id=" + E2eWorld.CLUSTER, "--log-format=text"));
        Path log = Files.createTempFile("vpsie-idle-" + setup.label() + "-", ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            List<String> groups = new ArrayList<>(extra);
            groups.add(world.group);
            Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() ->
                    groups.stream().allMatch(g -> world.client.nodes().withLabel(WellKnown.NODEGROUP_LABEL, g).list()
                            .getItems().stream().filter(E2eWorld::nodeReady).count() == 1));
            Thread.sleep(settle.toMillis());
            int before = world.vpsie.requests().size();
            long started = System.nanoTime();
            List<Long> rss = new ArrayList<>();
            while (System.nanoTime() - started < idle.toNanos()) {
                rss.add(status(p, "VmRSS:"));
                Thread.sleep(5_000);
            }
            double minutes = (System.nanoTime() - started) / 60e9;
            List<SimRequest> during = world.vpsie.requests().subList(before, world.vpsie.requests().size());
            Map<SimEndpoint, Long> byEndpoint = new EnumMap<>(SimEndpoint.class);
            during.forEach(r -> byEndpoint.merge(r.endpoint(), 1L, Long::sum));
            String calls = byEndpoint.entrySet().stream().map(e -> String.format(Locale.ROOT, "%s %.1f",
                    e.getKey(), e.getValue() / minutes)).collect(Collectors.joining(", "));
            List<Long> sorted = rss.stream().sorted().toList();
            System.out.printf(Locale.ROOT, "[e2e] footprint %s: idle RSS median %d MiB (min %d, max %d, %d samples), "
                            + "%d threads; VPSie calls per minute at the simulator: %.1f (%s); the process's own "
                            + "gauge: %s; flags %s; log %s%n",
                    setup.label(), sorted.get(sorted.size() / 2) >> 10, sorted.get(0) >> 10,
                    sorted.get(sorted.size() - 1) >> 10, sorted.size(), status(p, "Threads:"),
                    during.size() / minutes, calls.isEmpty() ? "none" : calls, ownGauge(port), setup.flags(), log);
            assertThat(p.isAlive()).as("the controller ran through the idle window").isTrue();
        } finally {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private static void createGroup(E2eWorld world, String name) {
        NodeGroupSpec spec = new NodeGroupSpec();
        spec.setMinNodes(1);
        spec.setMaxNodes(2);
        spec.setDatacenterID(E2eWorld.DATACENTER);
        spec.setResourceIdentifier(E2eWorld.CLUSTER);
        spec.setOfferingIDs(List.of(E2eWorld.OFFERING));
        NodeGroup g = new NodeGroup();
        g.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(world.ns).build());
        g.setSpec(spec);
        world.client.resources(NodeGroup.class).inNamespace(world.ns).resource(g).create();
    }

    /** The calls-per-minute gauge from the controller's /metrics, by endpoint family ("absent" before it existed). */
    private static String ownGauge(int port) {
        try {
            String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Map<String, String> values = new TreeMap<>();
            Matcher m = CALLS_PER_MINUTE.matcher(body);
            while (m.find()) {
                values.put(m.group(1), m.group(2));
            }
            return values.isEmpty() ? "absent" : values.toString();
        } catch (IOException e) {
            return "unreadable (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** A numeric field of /proc/PID/status (VmRSS in KiB, Threads), or -1 once the process is gone. */
    private static long status(Process p, String field) {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status")).stream()
                    .filter(l -> l.startsWith(field)).findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).orElse(-1L);
        } catch (IOException e) {
            return -1;
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
