package com.vpsie.autoscaler.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.vpsie.autoscaler.testing.realkube.KubeControlPlane;
import com.vpsie.autoscaler.testing.realkube.RealKubernetes;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The control plane the scenarios rely on, without any autoscaler code: the scheduler binds pods to a
 * registered Node, the deployment and replicaset controllers create them, the disruption controller computes
 * PDB status, the Eviction API enforces it (201 then 429), and the garbage collector removes what a deleted
 * Deployment owned. Here the test plays the kubelet (Node status, pod readiness), as the simulated kubelet does
 * in the scenarios.
 */
@RealKubernetes
class ControlPlaneE2E {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void schedulerControllersAndEvictionBehaveAsInACluster(KubeControlPlane kube) {
        KubernetesClient client = kube.client();
        String ns = kube.createNamespace("control-plane");
        String nodeName = ns + "-node";
        Map<String, String> app = Map.of("app", "smoke");
        try {
            registerReadyNode(client, nodeName);

            Instant created = Instant.now();
            client.apps().deployments().inNamespace(ns).resource(deployment(app)).create();
            List<Pod> pods = Awaitility.await().atMost(WAIT).until(() -> pods(client, ns),
                    ps -> ps.size() == 3 && ps.stream().allMatch(p -> nodeName.equals(p.getSpec().getNodeName())));
            Duration bound = Duration.between(created, Instant.now());
            assertThat(pods).allSatisfy(p -> assertThat(p.getMetadata().getOwnerReferences())
                    .anySatisfy(o -> assertThat(o.getKind()).isEqualTo("ReplicaSet")));

            client.policy().v1().podDisruptionBudget().inNamespace(ns).resource(new PodDisruptionBudgetBuilder()
                    .withNewMetadata().withName("smoke").endMetadata()
                    .withNewSpec().withMinAvailable(new IntOrString(2)).withNewSelector().withMatchLabels(app)
                    .endSelector().endSpec().build()).create();
            Instant ready = Instant.now();
            pods.forEach(p -> markRunningAndReady(client, p));
            Awaitility.await().atMost(WAIT).until(() -> budget(client, ns), b -> b.getStatus() != null
                    && b.getStatus().getCurrentHealthy() == 3 && b.getStatus().getDisruptionsAllowed() == 1
                    && b.getMetadata().getGeneration().equals(b.getStatus().getObservedGeneration()));
            Duration budgeted = Duration.between(ready, Instant.now());

            // A client that does not retry 429 itself: the second eviction must come back blocked, at once.
            try (KubernetesClient noRetry = kube.newClient(0)) {
                assertThat(noRetry.pods().inNamespace(ns).withName(pods.get(0).getMetadata().getName()).evict())
                        .as("the first eviction fits the budget").isTrue();
                assertThat(noRetry.pods().inNamespace(ns).withName(pods.get(1).getMetadata().getName()).evict())
                        .as("the second would leave fewer than minAvailable: 429").isFalse();
            }
            assertThat(budget(client, ns).getStatus().getDisruptionsAllowed()).isZero();
            assertThat(client.pods().inNamespace(ns).withName(pods.get(1).getMetadata().getName()).get()).isNotNull();

            Instant deleted = Instant.now();
            client.apps().deployments().inNamespace(ns).withName("smoke").delete();
            Awaitility.await().atMost(WAIT).until(() -> client.apps().replicaSets().inNamespace(ns).list().getItems()
                    .isEmpty() && pods(client, ns).isEmpty());
            Duration collected = Duration.between(deleted, Instant.now());

            System.out.printf(Locale.ROOT, "[e2e] control plane: 3 pods created and bound in %d ms; PDB status "
                            + "computed %d ms after the pods were ready; garbage collected %d ms after the delete%n",
                    bound.toMillis(), budgeted.toMillis(), collected.toMillis());
        } finally {
            // The plane is shared by the run: a stray Node would offer capacity to other tests' pods.
            client.nodes().withName(nodeName).delete();
            client.namespaces().withName(ns).delete();
        }
    }

    private static void registerReadyNode(KubernetesClient client, String name) {
        Map<String, Quantity> capacity = Map.of("cpu", new Quantity("4"), "memory", new Quantity("8Gi"),
                "pods", new Quantity("110"));
        String now = Instant.now().toString();
        Node node = new NodeBuilder()
                .withNewMetadata().withName(name).addToLabels("kubernetes.io/hostname", name).endMetadata()
                .withNewStatus().withCapacity(capacity).withAllocatable(capacity)
                .addNewCondition().withType("Ready").withStatus("True").withReason("KubeletReady")
                .withLastHeartbeatTime(now).withLastTransitionTime(now).endCondition()
                .endStatus().build();
        client.nodes().resource(node).create();
        // Status is a subresource: whatever the create kept, write it the way a kubelet does. Unlocked (no
        // resourceVersion): the node lifecycle controller writes the new Node at once, and a locked write would 409.
        client.nodes().withName(name).subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE),
                Serialization.asJson(Map.of("status", node.getStatus())));
    }

    private static Deployment deployment(Map<String, String> labels) {
        return new DeploymentBuilder()
                .withNewMetadata().withName("smoke").endMetadata()
                .withNewSpec().withReplicas(3).withNewSelector().withMatchLabels(labels).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
                // Nothing runs the container; a zero grace period lets deletions finish without a kubelet.
                .withNewSpec().withTerminationGracePeriodSeconds(0L)
                .addNewContainer().withName("app").withImage("registry.invalid/smoke:1")
                .withNewResources().addToRequests("cpu", new Quantity("100m"))
                .addToRequests("memory", new Quantity("64Mi")).endResources()
                .endContainer().endSpec().endTemplate().endSpec().build();
    }

    /** What a kubelet reports once the containers run; the disruption controller counts Ready pods as healthy. */
    private static void markRunningAndReady(KubernetesClient client, Pod pod) {
        String now = Instant.now().toString();
        client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                .editStatus(p -> {
                    List<PodCondition> conditions = new ArrayList<>();
                    for (String type : List.of("PodScheduled", "Initialized", "ContainersReady", "Ready")) {
                        conditions.add(new PodConditionBuilder().withType(type).withStatus("True")
                                .withLastTransitionTime(now).build());
                    }
                    p.getStatus().setPhase("Running");
                    p.getStatus().setStartTime(now);
                    p.getStatus().setConditions(conditions);
                    return p;
                });
    }

    private static List<Pod> pods(KubernetesClient client, String ns) {
        return client.pods().inNamespace(ns).list().getItems();
    }

    private static PodDisruptionBudget budget(KubernetesClient client, String ns) {
        return client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("smoke").get();
    }
}
