package com.vpsie.autoscaler.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupSpec;
import com.vpsie.autoscaler.bench.RealisticPods;
import com.vpsie.autoscaler.model.WellKnown;
import com.vpsie.autoscaler.sim.SimRequest;
import com.vpsie.autoscaler.sim.SimulatedKubelets;
import com.vpsie.autoscaler.sim.SimulatorMachines;
import com.vpsie.autoscaler.sim.SimEndpoint;
import com.vpsie.autoscaler.sim.VpsieSimulator;
import com.vpsie.autoscaler.testing.ImageJvmFlags;
import com.vpsie.autoscaler.testing.realkube.ChartRelease;
import com.vpsie.autoscaler.testing.realkube.KubeControlPlane;
import com.vpsie.autoscaler.testing.realkube.RealKubernetes;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The scale tier: the packaged controller as its own process, started with the chart's arguments and the image's JVM
 * flags under an emulated memory limit, on a real control plane holding {@code scale.nodes} simulated nodes (kubelets
 * keep their Leases fresh) in five NodeGroups and {@code scale.pods} bound pods of realistic shape owned by
 * ReplicaSets, some under PDBs. Scenario: cache sync, steady state with churn, a burst of pending pods that needs
 * new nodes, the burst removed and the scale-down after it. Prints figures, last line JSON (prefixed
 * {@code [scale] json }); asserts only that the scenario happened (nodes came and went), never a time.
 *
 * <p>Pods are created bound and adopted by ReplicaSets made after them (a Deployment's ReplicaSet would need the
 * Deployment's own template hash), so the scheduler does not dominate the setup; replacements during churn and
 * the burst go through the real scheduler. The controller acts as the chart's ServiceAccount through impersonation,
 * so the API server's audit log counts its requests by verb and resource.
 *
 * <p>Opt-in ({@code -De2e.scale=true}, which {@code scripts/bench-scale.sh} passes): the scenario has not yet run
 * to its end on the project's machine, so it stays out of {@code make test-e2e} until it has, with its time known.
 */
@RealKubernetes
@EnabledIfSystemProperty(named = "e2e.scale", matches = "true")
class ScaleE2E {

    private static final String TOKEN = "scale-token";
    private static final String CLUSTER = "scale-cluster";
    private static final String DATACENTER = "scale-dc";
    private static final String SECRET = "vpsie-credentials";
    private static final String LEASE = "vpsie-autoscaler";
    /** 8 vCPU / 16 GiB for the steady groups; 16 vCPU / 32 GiB for the burst group. */
    private static final String STEADY_OFFERING = "3";
    private static final String BURST_OFFERING = "4";
    private static final int STEADY_GROUPS = 4;
    private static final int PODS_PER_SET = 30;
    private static final Duration WAIT = Duration.ofMinutes(30);

    private final int nodes = Integer.getInteger("scale.nodes", 200);
    private final int pods = Integer.getInteger("scale.pods", 6000);
    private final int burst = Integer.getInteger("scale.burst", Math.min(1000, nodes));
    private final Duration churn = Duration.parse(System.getProperty("scale.churn", "PT1M"));
    private final double churnPerSecond = Double.parseDouble(System.getProperty("scale.churnPerSecond",
            Double.toString(Math.max(1, pods / 6000.0))));
    private final String maxRam = System.getProperty("scale.maxRam", "384m");
    private final Duration scaleDownWait = Duration.parse(System.getProperty("scale.scaleDownWait", "PT10M"));

    @Test
    void holdsAndScalesALargeCluster(KubeControlPlane kube) throws Exception {
        Path jar = Path.of(System.getProperty("e2e.jar", "target/vpsie-autoscaler.jar"));
        assertThat(jar).as("the packaged controller (mvn verify -Pe2e packages it first)").isRegularFile();
        KubernetesClient client = kube.client();
        String ns = kube.createNamespace("scale");
        String apps = kube.createNamespace("scale-apps");
        String burstNs = kube.createNamespace("scale-burst");
        String burstGroup = ns + "-burst";
        log("%d nodes, %d pods, burst of %d, churn %s at %.1f pods/s, controller -XX:MaxRAM=%s; %d cores, load %s",
                nodes, pods, burst, churn, churnPerSecond, maxRam, Runtime.getRuntime().availableProcessors(),
                Files.readString(Path.of("/proc/loadavg")).trim());

        VpsieSimulator vpsie = new VpsieSimulator(Clock.systemUTC()).acceptStaticToken(TOKEN);
        vpsie.cloud().addCluster(CLUSTER, "scale", DATACENTER).addStandardOffers(DATACENTER)
                .readyAfter(Duration.ofSeconds(1));
        List<String> groups = new ArrayList<>();
        for (int g = 0; g < STEADY_GROUPS; g++) {
            String name = ns + "-g" + g;
            groups.add(name);
            long id = vpsie.cloud().addGroup(CLUSTER, name, STEADY_OFFERING);
            int size = nodes / STEADY_GROUPS + (g < nodes % STEADY_GROUPS ? 1 : 0);
            for (int i = 0; i < size; i++) {
                vpsie.cloud().addExistingWorker(CLUSTER, id);
            }
        }
        vpsie.cloud().addGroup(CLUSTER, burstGroup, BURST_OFFERING);
        vpsie.start(0);
        KubernetesClient kubeletClient = kube.newClient();
        SimulatedKubelets kubelets = new SimulatedKubelets(kubeletClient,
                new SimulatorMachines(vpsie.cloud(), "vpsie://"), Clock.systemUTC()).runPodsOnlyIn(Set.of(burstNs));
        ChartRelease release = ChartRelease.install(kube, ns, Map.of("credentials.create", true, "credentials.token",
                TOKEN, "credentials.secretName", SECRET, "leaderElection.leaseName", LEASE),
                ControllerAccess.chartRbac().edit());
        Process controller = null;
        ExecutorService pool = Executors.newFixedThreadPool(16);
        AtomicBoolean churning = new AtomicBoolean();
        Thread churner = null;
        Watch burstWatch = null;
        try {
            long t0 = System.nanoTime();
            kubelets.start(2000);
            Awaitility.await().atMost(WAIT).pollInterval(Duration.ofSeconds(2)).until(() -> readyNodes(client) >= nodes);
            log("%d nodes Ready in %.0f s", nodes, secondsSince(t0));
            for (int g = 0; g < STEADY_GROUPS; g++) {
                int size = nodes / STEADY_GROUPS + (g < nodes % STEADY_GROUPS ? 1 : 0);
                createGroup(client, ns, groups.get(g), STEADY_OFFERING, size, size + 10, null);
            }
            createGroup(client, ns, burstGroup, BURST_OFFERING, 0, burst / 5 + 20, 30);

            long t1 = System.nanoTime();
            for (String n : List.of(apps, burstNs)) {
                Awaitility.await().atMost(Duration.ofMinutes(2)).until(() -> client.serviceAccounts().inNamespace(n)
                        .withName("default").get() != null);
            }
            List<String> nodeNames = client.nodes().withLabel(SimulatedKubelets.SIMULATED_LABEL, "true").list()
                    .getItems().stream().map(n -> n.getMetadata().getName()).sorted().toList();
            createBoundPods(client, pool, apps, nodeNames);
            log("%d bound pods, %d ReplicaSets, PDBs on every fifth, in %.0f s", pods, pods / PODS_PER_SET,
                    secondsSince(t1));

            // The controller, as the chart starts it, once the cluster is there: time to ready is its cache sync.
            long auditStart = auditSize(kube);
            int metricsPort = freePort();
            Instant launched = Instant.now();
            controller = launch(jar, release.kubeconfig(), ns, vpsie.baseUrl(), metricsPort);
            long pid = controller.pid();
            Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> ready(metricsPort));
            double readySeconds = Duration.between(launched, Instant.now()).toMillis() / 1000.0;
            log("controller pid %d ready %.1f s after start; RSS %d MiB", pid, readySeconds, rssKib(pid, "VmRSS") >> 10);

            // Steady state with churn: replaced pods go through the scheduler and fit where they were.
            Map<String, Long> passBefore = passBuckets(metricsPort);
            int vpsieBefore = vpsie.requests().size();
            long auditSteadyStart = auditSize(kube);
            Instant steadyStart = Instant.now();
            churning.set(true);
            churner = churner(client, apps, churning);
            List<Long> rssSamples = new ArrayList<>();
            while (Duration.between(steadyStart, Instant.now()).compareTo(churn) < 0) {
                Thread.sleep(5000);
                rssSamples.add(rssKib(pid, "VmRSS"));
            }
            churning.set(false);
            churner.join(10_000);
            double steadyMinutes = Duration.between(steadyStart, Instant.now()).toMillis() / 60000.0;
            Map<String, Long> passAfter = passBuckets(metricsPort);
            List<SimRequest> idleCalls = vpsie.requests().subList(vpsieBefore, vpsie.requests().size());
            Map<String, Long> requestsSteady = auditCounts(kube, auditSteadyStart, release.user());
            long heapAfterGc = heapAfterFullGc(pid);
            long rssSteady = median(rssSamples);
            log("steady %.1f min: RSS median %d MiB; heap after full GC %d MiB; pass %s; VPSie calls %s",
                    steadyMinutes, rssSteady >> 10, heapAfterGc >> 20, quantiles(passBefore, passAfter),
                    countBy(idleCalls));

            // Burst: pending pods that fit only on new nodes of the burst group.
            Map<String, Instant> unschedulableAt = new ConcurrentHashMap<>();
            burstWatch = client.pods().inNamespace(burstNs).watch(new Watcher<>() {
                @Override
                public void eventReceived(Action action, Pod pod) {
                    if (pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus()
                            .getConditions().stream().anyMatch(c -> "PodScheduled".equals(c.getType())
                                    && "False".equals(c.getStatus()) && "Unschedulable".equals(c.getReason()))) {
                        unschedulableAt.putIfAbsent(pod.getMetadata().getName(), Instant.now());
                    }
                }

                @Override
                public void onClose(WatcherException cause) {
                }
            });
            int createsBefore = vpsie.requests().size();
            Instant burstStart = Instant.now();
            createBurst(client, burstNs, burstGroup);
            Awaitility.await().atMost(WAIT).pollInterval(Duration.ofSeconds(2))
                    .until(() -> client.pods().inNamespace(burstNs).list().getItems().stream()
                            .filter(p -> p.getSpec().getNodeName() != null).count() == burst);
            double burstSeconds = Duration.between(burstStart, Instant.now()).toMillis() / 1000.0;
            List<Instant> creates = vpsie.requests().subList(createsBefore, vpsie.requests().size()).stream()
                    .filter(r -> r.endpoint() == SimEndpoint.ADD_WORKER && r.status() == 200).map(SimRequest::at)
                    .sorted().toList();
            List<Long> toCreate = new ArrayList<>();
            for (Instant u : unschedulableAt.values()) {
                creates.stream().filter(at -> !at.isBefore(u)).findFirst()
                        .ifPresent(at -> toCreate.add(Duration.between(u, at).toMillis()));
            }
            int burstNodes = client.nodes().withLabel(WellKnown.NODEGROUP_LABEL, burstGroup).list().getItems().size();
            log("burst: %d pods Unschedulable, all bound after %.0f s on %d new nodes; %d create calls; "
                    + "unschedulable -> create %s", unschedulableAt.size(), burstSeconds, burstNodes, creates.size(),
                    E2eWorld.p50p99(toCreate));

            // The burst removed: its nodes empty and, after the group's 30 s window, go.
            Instant removed = Instant.now();
            client.apps().replicaSets().inNamespace(burstNs).withName("burst").delete();
            client.pods().inNamespace(burstNs).withGracePeriod(0).delete();
            int burstLeft = burstNodes;
            while (burstLeft > 0 && Duration.between(removed, Instant.now()).compareTo(scaleDownWait) < 0) {
                Thread.sleep(2000);
                burstLeft = client.nodes().withLabel(WellKnown.NODEGROUP_LABEL, burstGroup).list().getItems().size();
            }
            // -1 when the burst's nodes were not all gone within scale.scaleDownWait; the test fails after printing.
            double scaleDownSeconds = burstLeft > 0 ? -1 : Duration.between(removed, Instant.now()).toMillis() / 1000.0;
            long rssPeak = rssKib(pid, "VmHWM");
            Map<String, Long> requestsAll = auditCounts(kube, auditStart, release.user());
            log("scale-down: %d of %d burst nodes gone %.0f s after the burst was removed (-1: not all within %s);"
                    + " RSS peak %d MiB", burstNodes - burstLeft, burstNodes, scaleDownSeconds, scaleDownWait,
                    rssPeak >> 10);
            log("controller requests to the API server during the steady state, per second: %s",
                    perSecond(requestsSteady, steadyMinutes * 60));
            log("controller requests over the whole run: %s", requestsAll);

            List<Long> sortedCreate = toCreate.stream().sorted().toList();
            ObjectNode json = new ObjectMapper().createObjectNode();
            json.put("nodes", nodes).put("pods", pods).put("burst", burst).put("churnMinutes", round1(steadyMinutes))
                    .put("maxRam", maxRam)
                    .put("rssSteadyMiB", rssSteady >> 10).put("rssPeakMiB", rssPeak >> 10)
                    .put("heapAfterFullGcMiB", heapAfterGc >> 20).put("timeToReadySeconds", round1(readySeconds));
            double[] pass = quantileSeconds(passBefore, passAfter);
            json.put("passP50Ms", Math.round(pass[0] * 1000)).put("passP99Ms", Math.round(pass[1] * 1000))
                    .put("passes", Math.round(pass[2]))
                    .put("unschedulableToCreateP50Ms", E2eWorld.percentile(sortedCreate, 50))
                    .put("unschedulableToCreateP99Ms", E2eWorld.percentile(sortedCreate, 99))
                    .put("burstNodes", burstNodes).put("burstNodesLeft", burstLeft)
                    .put("scaleDownSeconds", round1(scaleDownSeconds))
                    .put("vpsieCallsPerMinuteIdle", round1(idleCalls.size() / steadyMinutes));
            ObjectNode rps = json.putObject("apiRequestsPerSecondSteady");
            perSecond(requestsSteady, steadyMinutes * 60).forEach(rps::put);
            ObjectNode vpsieIdle = json.putObject("vpsieCallsIdle");
            countBy(idleCalls).forEach(vpsieIdle::put);
            System.out.println("[scale] json " + json);

            assertThat(unschedulableAt).as("the burst's pods were Unschedulable").isNotEmpty();
            assertThat(burstNodes).as("the burst got new nodes").isPositive();
            assertThat(controller.isAlive()).as("the controller survived (-XX:+ExitOnOutOfMemoryError)").isTrue();
            assertThat(burstLeft).as("the burst's nodes were removed within " + scaleDownWait).isZero();
        } finally {
            churning.set(false);
            if (burstWatch != null) {
                burstWatch.close();
            }
            if (controller != null) {
                controller.destroy();
                controller.waitFor(30, TimeUnit.SECONDS);
                controller.destroyForcibly();
            }
            pool.shutdownNow();
            kubelets.close();
            cleanUp(client, ns, apps, burstNs);
            kubeletClient.close();
            vpsie.stop();
            release.close();
        }
    }

    private static void createGroup(KubernetesClient client, String ns, String name, String offering, int min, int max,
                                     Integer scaleDownSeconds) {
        NodeGroupSpec spec = new NodeGroupSpec();
        spec.setMinNodes(min);
        spec.setMaxNodes(max);
        spec.setDatacenterID(DATACENTER);
        spec.setResourceIdentifier(CLUSTER);
        spec.setOfferingIDs(List.of(offering));
        if (scaleDownSeconds != null) {
            spec.setScaleDownPolicy(E2eWorld.quickScaleDown(scaleDownSeconds));
        }
        NodeGroup g = new NodeGroup();
        g.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
        g.setSpec(spec);
        client.resources(NodeGroup.class).inNamespace(ns).resource(g).create();
    }

    /** Pods bound round-robin, then their ReplicaSets (which adopt them) and a PDB on every fifth set. */
    private void createBoundPods(KubernetesClient client, ExecutorService pool, String ns, List<String> nodeNames)
            throws Exception {
        int sets = (pods + PODS_PER_SET - 1) / PODS_PER_SET;
        List<Future<?>> pending = new ArrayList<>();
        AtomicLong index = new AtomicLong();
        for (int d = 0; d < sets; d++) {
            int set = d;
            pending.add(pool.submit(() -> {
                for (int i = 0; i < PODS_PER_SET && set * PODS_PER_SET + i < pods; i++) {
                    long n = index.getAndIncrement();
                    PodSpec spec = podSpec(set);
                    spec.setNodeName(nodeNames.get((int) (n % nodeNames.size())));
                    client.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata()
                            .withName("app-" + set + "-" + i).withLabels(RealisticPods.labels(set)).endMetadata()
                            .withSpec(spec).build()).create();
                }
                return null;
            }));
        }
        for (Future<?> f : pending) {
            f.get();
        }
        for (int d = 0; d < sets; d++) {
            int replicas = Math.min(PODS_PER_SET, pods - d * PODS_PER_SET);
            Map<String, String> labels = RealisticPods.labels(d);
            client.apps().replicaSets().inNamespace(ns).resource(new ReplicaSetBuilder().withNewMetadata()
                    .withName("app-" + d).endMetadata().withNewSpec().withReplicas(replicas)
                    .withNewSelector().withMatchLabels(labels).endSelector()
                    .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata().withSpec(podSpec(d))
                    .endTemplate().endSpec().build()).create();
            if (d % 5 == 0) {
                client.policy().v1().podDisruptionBudget().inNamespace(ns).resource(new PodDisruptionBudgetBuilder()
                        .withNewMetadata().withName("app-" + d).endMetadata().withNewSpec()
                        .withMaxUnavailable(new IntOrString(1)).withNewSelector()
                        .addToMatchLabels(RealisticPods.APP_LABEL, "app-" + d).endSelector().endSpec().build())
                        .create();
            }
        }
    }

    /** About 175m CPU per pod, 30 to a node: two thirds of an 8-vCPU node, so no steady node is underutilized. */
    private static PodSpec podSpec(int set) {
        PodSpec spec = RealisticPods.spec(set, "150m", "128Mi");
        // Nothing runs these pods, so nothing would finish a graceful deletion.
        spec.setTerminationGracePeriodSeconds(0L);
        // The namespace's default ServiceAccount: admission refuses a pod whose account does not exist.
        spec.setServiceAccountName(null);
        // Steady pods stay on the steady groups' size: a replacement that landed on a burst node would keep it
        // (its emptyDir makes it unsafe to evict, as cluster-autoscaler reads it) and the scale-down would stall.
        spec.setNodeSelector(Map.of(WellKnown.OFFERING_LABEL, STEADY_OFFERING));
        return spec;
    }

    private void createBurst(KubernetesClient client, String ns, String group) {
        Map<String, String> labels = Map.of("app", "burst");
        PodSpec spec = RealisticPods.spec(1, "3", "4Gi");
        spec.setTerminationGracePeriodSeconds(0L);
        spec.setServiceAccountName(null);
        spec.setNodeSelector(Map.of(WellKnown.NODEGROUP_LABEL, group));
        spec.getContainers().subList(1, spec.getContainers().size()).clear();
        spec.getContainers().get(0).getResources().setRequests(Map.of("cpu", new Quantity("3"),
                "memory", new Quantity("4Gi")));
        client.apps().replicaSets().inNamespace(ns).resource(new ReplicaSetBuilder().withNewMetadata()
                .withName("burst").endMetadata().withNewSpec().withReplicas(burst)
                .withNewSelector().withMatchLabels(labels).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata().withSpec(spec)
                .endTemplate().endSpec().build()).create();
    }

    /** Deletes random app pods at the configured rate; their ReplicaSets replace them through the scheduler. */
    private Thread churner(KubernetesClient client, String ns, AtomicBoolean running) {
        Thread t = new Thread(() -> {
            Random random = new Random(7);
            int sets = (pods + PODS_PER_SET - 1) / PODS_PER_SET;
            double owed = 0;
            long last = System.nanoTime();
            while (running.get()) {
                long now = System.nanoTime();
                owed += churnPerSecond * (now - last) / 1e9;
                last = now;
                while (owed >= 1 && running.get()) {
                    owed--;
                    try {
                        List<Pod> ofSet = client.pods().inNamespace(ns)
                                .withLabel(RealisticPods.APP_LABEL, "app-" + random.nextInt(sets)).list().getItems();
                        if (!ofSet.isEmpty()) {
                            Pod p = ofSet.get(random.nextInt(ofSet.size()));
                            client.pods().inNamespace(ns).withName(p.getMetadata().getName()).withGracePeriod(0)
                                    .delete();
                        }
                    } catch (RuntimeException e) {
                        // A pod gone meanwhile; churn goes on.
                    }
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "scale-churn");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static Process launch(Path jar, Path kubeconfig, String ns, String vpsieUrl, int metricsPort)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // The image's ENTRYPOINT flags, with the container limit emulated by MaxRAM; the chart's arguments.
        List<String> command = new ArrayList<>(List.of(java,
                "-XX:MaxRAM=" + System.getProperty("scale.maxRam", "384m")));
        command.addAll(ImageJvmFlags.ofRepository());
        command.addAll(List.of("-jar", jar.toString(),
                "run", "--kubeconfig=" + kubeconfig, "--leader-elect=true", "--lease-name=" + LEASE,
                "--lease-namespace=" + ns, "--vpsie-secret-name=" + SECRET, "--vpsie-secret-namespace=" + ns,
                "--vpsie-url=" + vpsieUrl, "--default-cluster-id=" + CLUSTER, "--scan-interval=10s",
                "--log-format=json", "--metrics-port=" + metricsPort, "--namespaces=" + ns));
        Path log = Files.createTempFile("vpsie-scale-e2e-", ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        log("controller started as pid %d, log %s", p.pid(), log);
        return p;
    }

    private static long readyNodes(KubernetesClient client) {
        return client.nodes().withLabel(SimulatedKubelets.SIMULATED_LABEL, "true").list().getItems().stream()
                .filter(E2eWorld::nodeReady).count();
    }

    private static boolean ready(int port) {
        try {
            HttpResponse<Void> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/readyz")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static final Pattern PASS_BUCKET = Pattern.compile(
            "^vpsie_autoscaler_autoscaling_pass_duration_seconds_(bucket\\{le=\"([^\"]+)\"\\}|count) ([0-9.eE+]+)");

    /** The pass-duration histogram's cumulative buckets (and "count"), from the controller's /metrics. */
    private static Map<String, Long> passBuckets(int port) throws Exception {
        String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/metrics")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        Map<String, Long> buckets = new TreeMap<>();
        for (String line : text.split("\n")) {
            Matcher m = PASS_BUCKET.matcher(line);
            if (m.find()) {
                buckets.put(m.group(2) == null ? "count" : m.group(2), (long) Double.parseDouble(m.group(3)));
            }
        }
        return buckets;
    }

    /** p50, p99 (upper bounds of the histogram buckets they fall in, seconds) and the number of passes between. */
    private static double[] quantileSeconds(Map<String, Long> before, Map<String, Long> after) {
        long n = after.getOrDefault("count", 0L) - before.getOrDefault("count", 0L);
        List<double[]> buckets = new ArrayList<>();
        for (var e : after.entrySet()) {
            if (!e.getKey().equals("count") && !e.getKey().equals("+Inf")) {
                buckets.add(new double[] {Double.parseDouble(e.getKey()),
                        e.getValue() - before.getOrDefault(e.getKey(), 0L)});
            }
        }
        buckets.sort((a, b) -> Double.compare(a[0], b[0]));
        return new double[] {bucketQuantile(buckets, n, 0.50), bucketQuantile(buckets, n, 0.99), n};
    }

    private static double bucketQuantile(List<double[]> buckets, long n, double q) {
        if (n == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(q * n);
        for (double[] b : buckets) {
            if (b[1] >= rank) {
                return b[0];
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    private static String quantiles(Map<String, Long> before, Map<String, Long> after) {
        double[] q = quantileSeconds(before, after);
        return String.format(Locale.ROOT, "p50 <= %.0f ms, p99 <= %.0f ms over %d passes (histogram bucket bounds)",
                q[0] * 1000, q[1] * 1000, (long) q[2]);
    }

    /** Heap in use right after a full collection, from the controller's own class histogram (which forces one). */
    private static long heapAfterFullGc(long pid) throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Process p = new ProcessBuilder(jcmd, Long.toString(pid), "GC.class_histogram").redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        Matcher m = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)").matcher(out);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static long auditSize(KubeControlPlane kube) throws IOException {
        return kube.audit().isPresent() ? Files.size(kube.audit().get().file()) : 0;
    }

    /** The controller's requests in the audit log since {@code from}, by "verb resource[/subresource]". */
    private static Map<String, Long> auditCounts(KubeControlPlane kube, long from, String user) throws IOException {
        Map<String, Long> counts = new TreeMap<>();
        if (kube.audit().isEmpty()) {
            return counts;
        }
        ObjectMapper json = new ObjectMapper();
        try (RandomAccessFile f = new RandomAccessFile(kube.audit().get().file().toFile(), "r")) {
            f.seek(from);
            String line;
            while ((line = f.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode e = json.readTree(line);
                if (!user.equals(e.path("impersonatedUser").path("username").asText())) {
                    continue;
                }
                JsonNode ref = e.path("objectRef");
                String sub = ref.path("subresource").asText("");
                String key = e.path("verb").asText() + " " + ref.path("resource").asText("?")
                        + (sub.isEmpty() ? "" : "/" + sub);
                counts.merge(key, 1L, Long::sum);
            }
        }
        return counts;
    }

    private static Map<String, Double> perSecond(Map<String, Long> counts, double seconds) {
        Map<String, Double> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, Math.round(v / seconds * 1000) / 1000.0));
        return out;
    }

    private static Map<String, Long> countBy(List<SimRequest> requests) {
        Map<String, Long> out = new TreeMap<>();
        requests.forEach(r -> out.merge(r.endpoint().name(), 1L, Long::sum));
        return out;
    }

    private static void cleanUp(KubernetesClient client, String ns, String apps, String burstNs) {
        try {
            for (String n : List.of(apps, burstNs)) {
                client.apps().replicaSets().inNamespace(n).delete();
                client.pods().inNamespace(n).withGracePeriod(0).delete();
                client.namespaces().withName(n).delete();
            }
            for (NodeGroup g : client.resources(NodeGroup.class).inNamespace(ns).list().getItems()) {
                E2eWorld.deleteNodeGroupNow(client, ns, g.getMetadata().getName());
            }
            for (Node node : client.nodes().withLabel(SimulatedKubelets.SIMULATED_LABEL, "true").list().getItems()) {
                client.nodes().withName(node.getMetadata().getName()).delete();
                client.leases().inNamespace("kube-node-lease").withName(node.getMetadata().getName()).delete();
            }
            client.namespaces().withName(ns).delete();
        } catch (RuntimeException e) {
            log("clean-up left something behind: %s", e);
        }
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().filter(v -> v >= 0).sorted().toList();
        return sorted.isEmpty() ? -1 : sorted.get(sorted.size() / 2);
    }

    /** A field of /proc/PID/status in KiB (VmRSS now, VmHWM the peak), or -1 once the process is gone. */
    private static long rssKib(long pid, String field) {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                    .filter(l -> l.startsWith(field + ":")).findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).orElse(-1L);
        } catch (IOException e) {
            return -1;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static double secondsSince(long nanos) {
        return (System.nanoTime() - nanos) / 1e9;
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static void log(String format, Object... args) {
        System.out.println("[scale] " + String.format(Locale.ROOT, format, args));
        System.out.flush();
    }
}
