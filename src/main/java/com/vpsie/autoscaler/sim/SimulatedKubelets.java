package com.vpsie.autoscaler.sim;

import com.vpsie.autoscaler.model.Resources;
import com.vpsie.autoscaler.model.WellKnown;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubelets for servers that do not exist: registers a Ready Node for every running machine the cloud
 * (simulated) reports, marks pods bound to those Nodes Running, and removes a Node with its pods when
 * its machine goes. Used by the demo and the tests in place of real servers joining the cluster.
 */
public final class SimulatedKubelets implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedKubelets.class);
    /** Marks Nodes this component owns, so it never touches real ones. */
    public static final String SIMULATED_LABEL = "autoscaler.vpsie.com/simulated";

    /** A running server as a kubelet would register it. */
    public record Machine(String group, String hostname, String providerId, String offering, Resources allocatable) {
    }

    private final KubernetesClient client;
    private final Supplier<List<Machine>> machines;
    private final Clock clock;
    private ScheduledExecutorService executor;

    public SimulatedKubelets(KubernetesClient client, Supplier<List<Machine>> machines, Clock clock) {
        this.client = client;
        this.machines = machines;
        this.clock = clock;
    }

    public synchronized void start(long periodMillis) {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "simulated-kubelets");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(() -> {
            try {
                syncOnce();
            } catch (RuntimeException e) {
                LOG.debug("simulated kubelets: {}", e.toString());
            }
        }, 0, periodMillis, TimeUnit.MILLISECONDS);
    }

    /** One round: register new machines, retire gone ones, run bound pods. */
    public void syncOnce() {
        Map<String, Machine> wanted = new HashMap<>();
        for (Machine m : machines.get()) {
            wanted.put(m.hostname(), m);
        }
        List<Node> ours = client.nodes().withLabel(SIMULATED_LABEL, "true").list().getItems();
        Map<String, Node> existing = new HashMap<>();
        for (Node n : ours) {
            existing.put(n.getMetadata().getName(), n);
            if (!wanted.containsKey(n.getMetadata().getName())) {
                retire(n.getMetadata().getName());
            }
        }
        for (Machine m : wanted.values()) {
            if (!existing.containsKey(m.hostname())) {
                register(m);
            }
        }
        runBoundPods(wanted.keySet());
    }

    private void register(Machine m) {
        String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
        Map<String, Quantity> allocatable = Map.of(
                "cpu", new Quantity(m.allocatable().cpuMillis() + "m"),
                "memory", new Quantity(Long.toString(m.allocatable().memoryBytes())),
                "pods", new Quantity(Long.toString(m.allocatable().pods() > 0 ? m.allocatable().pods() : 110)));
        Node node = new NodeBuilder()
                .withNewMetadata().withName(m.hostname())
                .addToLabels(SIMULATED_LABEL, "true")
                .addToLabels(WellKnown.NODEGROUP_LABEL, m.group())
                .addToLabels(WellKnown.OFFERING_LABEL, m.offering())
                .addToLabels(WellKnown.HOSTNAME_LABEL, m.hostname())
                .addToLabels("kubernetes.io/os", "linux")
                .addToLabels("kubernetes.io/arch", "amd64")
                .endMetadata()
                .withNewSpec().withProviderID(m.providerId()).endSpec()
                .withNewStatus().withAllocatable(allocatable).withCapacity(allocatable)
                .addNewCondition().withType("Ready").withStatus("True").withReason("KubeletReady")
                .withLastTransitionTime(now).withLastHeartbeatTime(now).endCondition()
                .endStatus()
                .build();
        try {
            client.nodes().resource(node).create();
            LOG.info("simulated kubelet registered node {} ({})", m.hostname(), m.group());
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    private void retire(String nodeName) {
        client.pods().inAnyNamespace().withField("spec.nodeName", nodeName).list().getItems()
                .forEach(p -> client.pods().inNamespace(p.getMetadata().getNamespace()).withName(p.getMetadata().getName())
                        .delete());
        client.nodes().withName(nodeName).delete();
        LOG.info("simulated kubelet retired node {}", nodeName);
    }

    private void runBoundPods(java.util.Set<String> nodes) {
        for (Pod p : client.pods().inAnyNamespace().list().getItems()) {
            String node = p.getSpec() == null ? null : p.getSpec().getNodeName();
            if (node == null || !nodes.contains(node) || (p.getStatus() != null && "Running".equals(p.getStatus().getPhase()))) {
                continue;
            }
            String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
            PodCondition ready = new PodConditionBuilder().withType("Ready").withStatus("True").withLastTransitionTime(now)
                    .build();
            PodCondition scheduled = new PodConditionBuilder().withType("PodScheduled").withStatus("True")
                    .withLastTransitionTime(now).build();
            client.pods().inNamespace(p.getMetadata().getNamespace()).withName(p.getMetadata().getName())
                    .editStatus(pod -> {
                        pod.getStatus().setPhase("Running");
                        pod.getStatus().setConditions(List.of(scheduled, ready));
                        return pod;
                    });
        }
    }

    @Override
    public synchronized void close() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
