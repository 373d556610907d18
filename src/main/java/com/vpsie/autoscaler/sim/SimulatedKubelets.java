package com.vpsie.autoscaler.sim;

import com.vpsie.autoscaler.model.Resources;
import com.vpsie.autoscaler.model.WellKnown;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeAddressBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubelets for servers that do not exist: registers a Ready Node (with its InternalIP and Hostname addresses)
 * for every running machine the cloud (simulated) reports, keeps its node Lease fresh, reports it Ready again when
 * the node lifecycle controller marked it otherwise, marks pods bound to those
 * Nodes Running and Ready, finishes the deletion of their terminating pods, and removes a Node with its pods when
 * its machine goes. Used by the demo and the tests in place of real servers joining the cluster, against the
 * embedded API or a real one.
 */
public final class SimulatedKubelets implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedKubelets.class);
    /** Marks Nodes this component owns, so it never touches real ones. */
    public static final String SIMULATED_LABEL = "autoscaler.vpsie.com/simulated";
    /** Where kubelets keep their heartbeat Leases; the node lifecycle controller reads them. */
    static final String NODE_LEASE_NAMESPACE = "kube-node-lease";
    /** A kubelet's defaults: a 40 s lease renewed every quarter of it. */
    private static final int LEASE_SECONDS = 40;
    private static final Duration LEASE_RENEW = Duration.ofSeconds(10);
    /**
     * A Lease's MicroTime as Kubernetes writes it, always six fraction digits. {@code ZonedDateTime.toString()}
     * drops trailing zero digits, which fabric8 then cannot read back from a server that echoes the value.
     */
    private static final DateTimeFormatter MICRO_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX");

    /**
     * A running server as a kubelet would register it.
     *
     * @param internalIp the server's address (as its cloud reports it), or null when it has none
     */
    public record Machine(String group, String hostname, String providerId, String offering, Resources allocatable,
                          String internalIp) {
    }

    private final KubernetesClient client;
    private final Supplier<List<Machine>> machines;
    private final Clock clock;
    /** When each registered node's Lease was last renewed; entries go with their node. */
    private final Map<String, Instant> leaseRenewed = new ConcurrentHashMap<>();
    private ScheduledExecutorService executor;
    /** Namespaces whose bound pods these kubelets run; null for all. */
    private volatile Set<String> podNamespaces;

    public SimulatedKubelets(KubernetesClient client, Supplier<List<Machine>> machines, Clock clock) {
        this.client = client;
        this.machines = machines;
        this.clock = clock;
    }

    /**
     * Runs (and finishes deleting) only the pods of these namespaces: at tens of thousands of pods, listing them
     * all every round would be the heaviest load on the API server. Pods elsewhere stay as created.
     */
    public SimulatedKubelets runPodsOnlyIn(Set<String> namespaces) {
        podNamespaces = Set.copyOf(namespaces);
        return this;
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

    /** One round: register new machines, retire gone ones, renew leases, run bound pods. */
    public void syncOnce() {
        Map<String, Machine> wanted = new HashMap<>();
        for (Machine m : machines.get()) {
            wanted.put(m.hostname(), m);
        }
        List<Node> ours = client.nodes().withLabel(SIMULATED_LABEL, "true").list().getItems();
        Map<String, Node> existing = new HashMap<>();
        for (Node n : ours) {
            String name = n.getMetadata().getName();
            if (!wanted.containsKey(name)) {
                retire(name);
            } else {
                existing.put(name, n);
            }
        }
        for (Machine m : wanted.values()) {
            if (!existing.containsKey(m.hostname())) {
                Node created = register(m);
                if (created != null) {
                    existing.put(m.hostname(), created);
                }
            }
        }
        // A Node deleted by someone else (the autoscaler's reconciler) takes its lease bookkeeping with it.
        leaseRenewed.keySet().retainAll(existing.keySet());
        for (Node n : existing.values()) {
            renewLease(n);
            if (!ready(n)) {
                reportReady(n.getMetadata().getName());
            }
        }
        runBoundPods(existing.keySet());
    }

    private Node register(Machine m) {
        String now = now();
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
                .withNewStatus().withAllocatable(allocatable).withCapacity(allocatable).withAddresses(addresses(m))
                .addNewCondition().withType("Ready").withStatus("True").withReason("KubeletReady")
                .withLastTransitionTime(now).withLastHeartbeatTime(now).endCondition()
                .endStatus()
                .build();
        Node created;
        try {
            created = client.nodes().resource(node).create();
            LOG.info("simulated kubelet registered node {} ({})", m.hostname(), m.group());
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            return null;
        }
        // Status is a subresource a real API server may drop on create. Written as a kubelet does: a merge patch
        // without resourceVersion, since the node lifecycle controller writes a new Node at once and a locked
        // write would get 409.
        client.nodes().withName(m.hostname()).subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE),
                Serialization.asJson(Map.of("status", node.getStatus())));
        return created;
    }

    /**
     * What a kubelet reports: the InternalIP (the server's address, so tools that find a server's Node by IP, as
     * VPSie's Go autoscaler does, find this one) and the Hostname.
     */
    private static List<NodeAddress> addresses(Machine m) {
        List<NodeAddress> out = new ArrayList<>();
        if (m.internalIp() != null && !m.internalIp().isBlank()) {
            out.add(new NodeAddressBuilder().withType("InternalIP").withAddress(m.internalIp()).build());
        }
        out.add(new NodeAddressBuilder().withType("Hostname").withAddress(m.hostname()).build());
        return out;
    }

    private static boolean ready(Node node) {
        return node.getStatus() != null && node.getStatus().getConditions() != null
                && node.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /**
     * A kubelet posts its node's status on every sync, so a Ready condition the node lifecycle controller set
     * to Unknown (a lease renewed late on a loaded machine is enough) is True again at its next sync, and the
     * controller then lifts its unreachable taint. This one writes only when the Node is not Ready, so an idle
     * cluster sees no status writes. The pressure conditions are the ones the controller adds as Unknown when a
     * kubelet never posted them; a healthy kubelet reports them False.
     */
    private void reportReady(String nodeName) {
        String now = now();
        List<Map<String, String>> conditions = new ArrayList<>();
        conditions.add(Map.of("type", "Ready", "status", "True", "reason", "KubeletReady",
                "lastHeartbeatTime", now, "lastTransitionTime", now));
        for (String pressure : List.of("MemoryPressure", "DiskPressure", "PIDPressure")) {
            conditions.add(Map.of("type", pressure, "status", "False", "reason", "KubeletHasNo" + pressure,
                    "lastHeartbeatTime", now, "lastTransitionTime", now));
        }
        try {
            client.nodes().withName(nodeName).subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE),
                    Serialization.asJson(Map.of("status", Map.of("conditions", conditions))));
            LOG.info("simulated kubelet reported node {} Ready again", nodeName);
        } catch (KubernetesClientException e) {
            // Deleted meanwhile (the reconciler removing it); the next round retires its bookkeeping.
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    /** Without a fresh Lease the node lifecycle controller marks the Node NotReady and taints it. */
    private void renewLease(Node node) {
        String name = node.getMetadata().getName();
        Instant now = clock.instant();
        Instant last = leaseRenewed.get(name);
        if (last != null && Duration.between(last, now).compareTo(LEASE_RENEW) < 0) {
            return;
        }
        ZonedDateTime renewTime = ZonedDateTime.ofInstant(now.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("holderIdentity", name);
        spec.put("leaseDurationSeconds", LEASE_SECONDS);
        spec.put("renewTime", MICRO_TIME.format(renewTime));
        try {
            client.leases().inNamespace(NODE_LEASE_NAMESPACE).withName(name)
                    .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of("spec", spec)));
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
            // Owned by the Node, as a kubelet's lease is, so the garbage collector removes it with the Node.
            Lease lease = new LeaseBuilder().withNewMetadata().withName(name).withNamespace(NODE_LEASE_NAMESPACE)
                    .addNewOwnerReference().withApiVersion("v1").withKind("Node").withName(name)
                    .withUid(node.getMetadata().getUid()).endOwnerReference().endMetadata()
                    .withNewSpec().withHolderIdentity(name).withLeaseDurationSeconds(LEASE_SECONDS)
                    .withRenewTime(renewTime).endSpec().build();
            try {
                client.leases().inNamespace(NODE_LEASE_NAMESPACE).resource(lease).create();
            } catch (KubernetesClientException conflict) {
                if (conflict.getCode() != 409) {
                    throw conflict;
                }
            }
        }
        leaseRenewed.put(name, now);
    }

    private void retire(String nodeName) {
        // No kubelet is left to finish a graceful deletion: remove the pods outright, as the pod GC would.
        client.pods().inAnyNamespace().withField("spec.nodeName", nodeName).list().getItems()
                .forEach(p -> client.pods().inNamespace(p.getMetadata().getNamespace())
                        .withName(p.getMetadata().getName()).withGracePeriod(0).delete());
        client.nodes().withName(nodeName).delete();
        client.leases().inNamespace(NODE_LEASE_NAMESPACE).withName(nodeName).delete();
        leaseRenewed.remove(nodeName);
        LOG.info("simulated kubelet retired node {}", nodeName);
    }

    private void runBoundPods(Set<String> nodes) {
        Set<String> only = podNamespaces;
        List<Pod> pods = new ArrayList<>();
        if (only == null) {
            pods.addAll(client.pods().inAnyNamespace().list().getItems());
        } else {
            only.forEach(ns -> pods.addAll(client.pods().inNamespace(ns).list().getItems()));
        }
        for (Pod p : pods) {
            String node = p.getSpec() == null ? null : p.getSpec().getNodeName();
            if (node == null || !nodes.contains(node)) {
                continue;
            }
            String ns = p.getMetadata().getNamespace();
            String name = p.getMetadata().getName();
            try {
                if (p.getMetadata().getDeletionTimestamp() != null) {
                    // The containers "stopped" at once; a kubelet then removes the pod object with grace 0.
                    client.pods().inNamespace(ns).withName(name).withGracePeriod(0).delete();
                } else if (!runningAndReady(p)) {
                    markRunning(ns, name);
                }
            } catch (KubernetesClientException e) {
                // The pod went meanwhile; the next round sees the current state.
                if (e.getCode() != 404 && e.getCode() != 409) {
                    throw e;
                }
            }
        }
    }

    private static boolean runningAndReady(Pod p) {
        return p.getStatus() != null && "Running".equals(p.getStatus().getPhase())
                && p.getStatus().getConditions() != null && p.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private void markRunning(String ns, String name) {
        String now = now();
        List<Map<String, String>> conditions = new ArrayList<>();
        for (String type : List.of("PodScheduled", "Initialized", "ContainersReady", "Ready")) {
            conditions.add(Map.of("type", type, "status", "True", "lastTransitionTime", now));
        }
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("phase", "Running");
        status.put("startTime", now);
        status.put("conditions", conditions);
        // Unlocked, as a kubelet writes: the scheduler and controllers touch pods too, and a stale write would 409.
        client.pods().inNamespace(ns).withName(name).subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE),
                Serialization.asJson(Map.of("status", status)));
    }

    private String now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    @Override
    public synchronized void close() {
        if (executor != null) {
            executor.shutdownNow();
            try {
                // A round still running could register a Node after the caller has cleaned up.
                executor.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
