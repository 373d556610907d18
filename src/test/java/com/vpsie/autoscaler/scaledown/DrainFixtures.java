package com.vpsie.autoscaler.scaledown;

import com.vpsie.autoscaler.model.ClusterSnapshot;
import com.vpsie.autoscaler.model.NodeGroupInfo;
import com.vpsie.autoscaler.model.NodeInfo;
import com.vpsie.autoscaler.model.PdbInfo;
import com.vpsie.autoscaler.model.PodInfo;
import com.vpsie.autoscaler.model.WellKnown;
import com.vpsie.autoscaler.snapshot.ClusterObjectConverter;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Kubernetes objects, settings and snapshots for drain tests against the mock API server. */
public final class DrainFixtures {

    public static final String NS = "test";

    private DrainFixtures() {
    }

    /** Test-sized timings: re-check after 50 ms, 429s retried every 20–40 ms for 2 s, pods polled every 20 ms. */
    public static DrainSettings fast() {
        return new DrainSettings(Duration.ofMillis(50), Duration.ofMillis(20), Duration.ofMillis(40),
                Duration.ofSeconds(2), Duration.ofSeconds(600), Duration.ofSeconds(2), Duration.ofMillis(20), 10, 1,
                Duration.ofMinutes(3), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(50),
                Duration.ofHours(1));
    }

    /** {@link #fast()} with other eviction and drain limits. */
    public static DrainSettings fast(Duration maxPodEvictionTime, int maxEmpty, int maxParallel) {
        DrainSettings f = fast();
        return new DrainSettings(f.recheckDelay(), f.evictionRetryMin(), f.evictionRetryMax(), maxPodEvictionTime,
                f.maxGracefulTermination(), f.podsGoneSlack(), f.pollInterval(), maxEmpty, maxParallel,
                f.failureCooldown(), f.requestTimeout(), f.cleanupDeadline(), f.cleanupRetry(), f.sweepInterval());
    }

    /** {@link #fast()} with another re-check delay (to give a test time to act between mark and re-check). */
    public static DrainSettings withRecheckDelay(DrainSettings s, Duration recheckDelay) {
        return new DrainSettings(recheckDelay, s.evictionRetryMin(), s.evictionRetryMax(), s.maxPodEvictionTime(),
                s.maxGracefulTermination(), s.podsGoneSlack(), s.pollInterval(), s.maxEmptyBulkDelete(),
                s.maxDrainParallelism(), s.failureCooldown(), s.requestTimeout(), s.cleanupDeadline(),
                s.cleanupRetry(), s.sweepInterval());
    }

    /** A Ready node of {@code group} with 4 CPUs, 8 GiB and 110 pod slots, registered an hour before {@code now}. */
    public static Node node(String name, String group, String providerId, Instant now) {
        Map<String, Quantity> allocatable = Map.of("cpu", new Quantity("4"), "memory", new Quantity("8Gi"),
                "pods", new Quantity("110"), "ephemeral-storage", new Quantity("100Gi"));
        return new NodeBuilder()
                .withNewMetadata().withName(name)
                .addToLabels(WellKnown.NODEGROUP_LABEL, group).addToLabels(WellKnown.HOSTNAME_LABEL, name)
                .addToLabels("kubernetes.io/os", "linux")
                .withCreationTimestamp(now.minus(Duration.ofHours(1)).toString())
                .endMetadata()
                .withNewSpec().withProviderID(providerId).endSpec()
                .withNewStatus().withAllocatable(allocatable).withCapacity(allocatable)
                .addNewCondition().withType("Ready").withStatus("True")
                .withLastTransitionTime(now.minus(Duration.ofMinutes(59)).toString()).endCondition()
                .endStatus()
                .build();
    }

    /** A running pod of ReplicaSet {@code app} on {@code node}, requesting 100m and 128Mi, with no grace period. */
    public static Pod pod(String name, String node, String app) {
        return new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(NS).addToLabels("app", app)
                .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName(app)
                .withUid(app + "-rs-uid").withController(true).endOwnerReference()
                .endMetadata()
                .withNewSpec().withNodeName(node).withTerminationGracePeriodSeconds(0L)
                .addNewContainer().withName("c").withImage("registry.k8s.io/pause:3.10")
                .withNewResources().withRequests(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("128Mi")))
                .endResources().endContainer().endSpec()
                .withNewStatus().withPhase("Running").endStatus()
                .build();
    }

    /** {@link #pod} with a critical priority class. */
    public static Pod criticalPod(String name, String node, String app) {
        return new PodBuilder(pod(name, node, app)).editSpec().withPriorityClassName("system-cluster-critical")
                .endSpec().build();
    }

    /** A DaemonSet pod: never evicted, it goes with the node. */
    public static Pod daemonPod(String name, String node) {
        return new PodBuilder(pod(name, node, "agent")).editMetadata().editFirstOwnerReference().withKind("DaemonSet")
                .endOwnerReference().endMetadata().build();
    }

    /** A budget over pods labelled {@code app} that allows {@code disruptionsAllowed} more disruptions now. */
    public static PodDisruptionBudget pdb(String name, String app, int disruptionsAllowed) {
        return new PodDisruptionBudgetBuilder().withNewMetadata().withName(name).withNamespace(NS).endMetadata()
                .withNewSpec().withNewSelector().addToMatchLabels("app", app).endSelector().withMinAvailable(
                        new io.fabric8.kubernetes.api.model.IntOrString(1)).endSpec()
                .withNewStatus().withDisruptionsAllowed(disruptionsAllowed).withCurrentHealthy(2)
                .withDesiredHealthy(2 - disruptionsAllowed).withExpectedPods(2).endStatus()
                .build();
    }

    /** Fresh snapshots read straight from the API server, with the given groups (the drainer's re-check input). */
    public static Supplier<ClusterSnapshot> snapshots(KubernetesClient client, Supplier<List<NodeGroupInfo>> groups) {
        return snapshots(client, groups, true);
    }

    /**
     * With {@code seeBudgets} false the snapshot shows no PodDisruptionBudgets, as an informer cache that has not
     * caught up with a budget would: the plan lets the node go, and the refusal comes from the API server at
     * eviction time (the planner itself never picks a node whose pods a spent budget protects).
     */
    public static Supplier<ClusterSnapshot> snapshots(KubernetesClient client, Supplier<List<NodeGroupInfo>> groups,
                                                      boolean seeBudgets) {
        return () -> {
            List<NodeInfo> nodes = new ArrayList<>();
            client.nodes().list().getItems().forEach(n -> nodes.add(ClusterObjectConverter.toNodeInfo(n)));
            List<PodInfo> pods = new ArrayList<>();
            client.pods().inAnyNamespace().list().getItems().forEach(p -> pods.add(ClusterObjectConverter.toPodInfo(p)));
            List<PdbInfo> pdbs = new ArrayList<>();
            if (seeBudgets) {
                client.policy().v1().podDisruptionBudget().inAnyNamespace().list().getItems()
                        .forEach(b -> pdbs.add(ClusterObjectConverter.toPdbInfo(b)));
            }
            return new ClusterSnapshot(nodes, pods, pdbs, groups.get(), List.of());
        };
    }

    /** Leaves the node as a drain that began at {@code startedAt} leaves it right after marking (a "crash" point). */
    public static void markDraining(KubernetesClient client, String node, Instant startedAt,
                                    com.vpsie.autoscaler.plan.Plan.ScaleDownKind kind) {
        markDraining(client, node, startedAt, kind, null);
    }

    /** {@link #markDraining} by the NodeGroup {@code owner} ("namespace/name"). */
    public static void markDraining(KubernetesClient client, String node, Instant startedAt,
                                    com.vpsie.autoscaler.plan.Plan.ScaleDownKind kind, String owner) {
        NodeMarkExecutor.MarkOutcome outcome = new NodeMarkExecutor(client).mark(node, startedAt, kind, owner);
        if (outcome != NodeMarkExecutor.MarkOutcome.MARKED) {
            throw new IllegalStateException("could not mark " + node + ": " + outcome);
        }
    }

    /** Leaves the node as a finished drain leaves it (a "crash" point). */
    public static void markDrained(KubernetesClient client, String node, Instant startedAt,
                                   com.vpsie.autoscaler.plan.Plan.ScaleDownKind kind) {
        markDraining(client, node, startedAt, kind);
        NodeMarkExecutor.DrainedOutcome outcome = new NodeMarkExecutor(client).markDrained(node, startedAt, startedAt);
        if (outcome != NodeMarkExecutor.DrainedOutcome.DRAINED) {
            throw new IllegalStateException("could not mark " + node + " drained: " + outcome);
        }
    }

    public static Node get(KubernetesClient client, String node) {
        return client.nodes().withName(node).get();
    }

    public static NodeMarks marks(KubernetesClient client, String node) {
        return NodeMarkExecutor.marksOf(get(client, node));
    }

    /** Whether the node is cordoned now. */
    public static boolean cordoned(KubernetesClient client, String node) {
        Node n = get(client, node);
        return n.getSpec() != null && Boolean.TRUE.equals(n.getSpec().getUnschedulable());
    }

    /** Whether the node carries our to-be-deleted taint now. */
    public static boolean tainted(KubernetesClient client, String node) {
        Node n = get(client, node);
        return n.getSpec() != null && n.getSpec().getTaints() != null && n.getSpec().getTaints().stream()
                .anyMatch(t -> WellKnown.TO_BE_DELETED_TAINT.equals(t.getKey()));
    }

    /**
     * Lists every pod and keeps the node's. fabric8's mock matches field selectors against the object's name and
     * namespace only, so the production lister's {@code spec.nodeName} selector finds nothing there; a real API
     * server answers it (the real-API-server tier covers that lister).
     */
    public static NodeDrainer.PodLister podLister(KubernetesClient client) {
        return node -> {
            List<Pod> out = new ArrayList<>();
            for (Pod p : client.pods().inAnyNamespace().list().getItems()) {
                if (p.getSpec() != null && node.equals(p.getSpec().getNodeName())) {
                    out.add(p);
                }
            }
            return out;
        };
    }

    public static List<String> podNames(KubernetesClient client, String node) {
        List<String> names = new ArrayList<>();
        podLister(client).podsOn(node).forEach(p -> names.add(p.getMetadata().getName()));
        return names;
    }
}
