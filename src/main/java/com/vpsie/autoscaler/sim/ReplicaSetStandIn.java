package com.vpsie.autoscaler.sim;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the ReplicaSet controller where there is none (the embedded demo): keeps the asked
 * number of pods of each workload, so a pod evicted from a draining node comes back elsewhere.
 */
public final class ReplicaSetStandIn {

    /**
     * What a workload's pods look like and how many there should be; {@code spread} keeps its pods at most
     * two apart across nodes (a hostname topology spread constraint). Not one: a node being drained still counts
     * as a spread domain until it is gone (as kube-scheduler sees it, and as the planner simulates it), so with
     * maxSkew 1 and one pod per node no node of the workload could ever be drained.
     */
    public record Workload(String namespace, String name, String cpu, String memory, int replicas, boolean spread) {
        Workload withReplicas(int n) {
            return new Workload(namespace, name, cpu, memory, n, spread);
        }
    }

    public static final String WORKLOAD_LABEL = "app";

    private final KubernetesClient client;
    private final Map<String, Workload> workloads = new ConcurrentHashMap<>();
    private final AtomicInteger sequence = new AtomicInteger();

    public ReplicaSetStandIn(KubernetesClient client) {
        this.client = client;
    }

    public void apply(Workload w) {
        workloads.put(w.namespace() + "/" + w.name(), w);
    }

    public void scale(String namespace, String name, int replicas) {
        workloads.computeIfPresent(namespace + "/" + name, (k, w) -> w.withReplicas(replicas));
    }

    /** One round: create missing pods, delete surplus ones (newest first). */
    public void reconcileOnce() {
        for (Workload w : workloads.values()) {
            List<Pod> pods = client.pods().inNamespace(w.namespace()).withLabel(WORKLOAD_LABEL, w.name()).list()
                    .getItems().stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
            for (int i = pods.size(); i < w.replicas(); i++) {
                client.pods().inNamespace(w.namespace()).resource(newPod(w)).create();
            }
            if (pods.size() > w.replicas()) {
                pods.stream().sorted(Comparator.comparing((Pod p) -> p.getMetadata().getCreationTimestamp()).reversed())
                        .limit(pods.size() - w.replicas())
                        .forEach(p -> client.pods().inNamespace(w.namespace()).withName(p.getMetadata().getName())
                                .delete());
            }
        }
    }

    private Pod newPod(Workload w) {
        return new PodBuilder()
                .withNewMetadata().withName(w.name() + "-" + Integer.toString(sequence.incrementAndGet(), 36) + "x")
                .withNamespace(w.namespace()).addToLabels(WORKLOAD_LABEL, w.name())
                .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName(w.name())
                .withUid("rs-" + w.name()).withController(true).endOwnerReference()
                .endMetadata()
                .withNewSpec().addNewContainer().withName(w.name()).withImage("registry.example/" + w.name())
                .withNewResources().withRequests(Map.of("cpu", new Quantity(w.cpu()), "memory", new Quantity(w.memory())))
                .endResources().endContainer().withTerminationGracePeriodSeconds(1L)
                .withTopologySpreadConstraints(w.spread()
                        ? List.of(new TopologySpreadConstraintBuilder().withMaxSkew(2)
                                .withTopologyKey("kubernetes.io/hostname").withWhenUnsatisfiable("DoNotSchedule")
                                .withNewLabelSelector().addToMatchLabels(WORKLOAD_LABEL, w.name()).endLabelSelector()
                                .build())
                        : List.of())
                .endSpec()
                .withNewStatus().withPhase("Pending").endStatus()
                .build();
    }
}
