package com.vpsie.autoscaler.sim.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupSpec;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The strict mock behaves like an API server where the autoscaler depends on it, and stays a CRUD store otherwise. */
class StrictCrudDispatcherTest {

    private static final String NS = StrictMockServer.DEFAULT_NAMESPACE;
    // Before the client's request timeout: the mock answered rather than leaving the request hanging. Not tighter,
    // so a busy build machine does not make it flaky.
    private static final Duration PROMPT = StrictMockServer.REQUEST_TIMEOUT.minusSeconds(1);

    private StrictMockServer kube;
    private KubernetesClient client;

    @BeforeEach
    void start() {
        kube = StrictMockServer.start();
        client = kube.client();
    }

    @AfterEach
    void stop() {
        kube.close();
    }

    // --- stale status writes

    @Test
    void aStaleStatusMergePatchIsAConflictAndLeavesTheStoredStatusAlone() {
        NodeGroup created = nodeGroups().resource(nodeGroup("general")).create();
        NodeGroup written = nodeGroups().resource(withDesired(created, 2)).patchStatus();
        assertThat(written.getStatus().getDesiredNodes()).isEqualTo(2);

        NodeGroup stale = withDesired(created, 5); // still carries the resourceVersion from before the write
        assertThatThrownBy(() -> nodeGroups().resource(stale).patchStatus())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(409);
                    assertThat(e.getStatus().getReason()).isEqualTo("Conflict");
                    assertThat(e.getStatus().getMessage()).contains("nodegroups.autoscaler.vpsie.com \"general\"");
                });
        assertThat(nodeGroup(created).get().getStatus().getDesiredNodes()).isEqualTo(2);
    }

    @Test
    void aStatusMergePatchOnTheCurrentResourceVersionIsApplied() {
        NodeGroup created = nodeGroups().resource(nodeGroup("general")).create();
        NodeGroup written = nodeGroups().resource(withDesired(created, 3)).patchStatus();

        assertThat(written.getStatus().getDesiredNodes()).isEqualTo(3);
        assertThat(written.getMetadata().getResourceVersion()).isNotEqualTo(created.getMetadata().getResourceVersion());
        assertThat(nodeGroup(created).get().getStatus().getDesiredNodes()).isEqualTo(3);
    }

    @Test
    void aMergePatchReplacesArraysWholeAsTheApiServerDoes() {
        NodeGroup group = nodeGroups().resource(nodeGroup("arrays")).create();
        String patch = "{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}";
        for (int i = 0; i < 3; i++) {
            kube.client().resources(NodeGroup.class).inNamespace(NS).withName(group.getMetadata().getName())
                    .subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), patch);
        }
        NodeGroup stored = kube.client().resources(NodeGroup.class).inNamespace(NS)
                .withName(group.getMetadata().getName()).get();
        assertThat(stored.getStatus().getConditions()).hasSize(1);
    }

    @Test
    void podsCanBeListedByNodeName() {
        for (String node : List.of("n1", "n1", "n2")) {
            client.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withGenerateName("p-")
                    .withName("p-" + node + "-" + System.nanoTime()).endMetadata().withNewSpec().withNodeName(node)
                    .endSpec().build()).create();
        }
        assertThat(client.pods().inAnyNamespace().withField("spec.nodeName", "n1").list().getItems()).hasSize(2)
                .allSatisfy(p -> assertThat(p.getSpec().getNodeName()).isEqualTo("n1"));
        assertThat(client.pods().inNamespace(NS).withoutField("spec.nodeName", "n1").list().getItems())
                .extracting(p -> p.getSpec().getNodeName()).containsExactly("n2");
        assertThat(client.pods().inAnyNamespace().withField("spec.nodeName", "n3").list().getItems()).isEmpty();
    }

    @Test
    void aStaleStatusUpdateIsAConflictToo() {
        NodeGroup created = nodeGroups().resource(nodeGroup("general")).create();
        nodeGroups().resource(withDesired(created, 2)).updateStatus();

        assertThatThrownBy(() -> nodeGroups().resource(withDesired(created, 7)).updateStatus())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(409);
                    assertThat(e.getStatus().getReason()).isEqualTo("Conflict");
                });
        assertThat(nodeGroup(created).get().getStatus().getDesiredNodes()).isEqualTo(2);
    }

    @Test
    void aStatusWriteWithoutResourceVersionIsUnconditional() {
        NodeGroup created = nodeGroups().resource(nodeGroup("general")).create();
        nodeGroups().resource(withDesired(created, 2)).patchStatus();

        NodeGroup unlocked = withDesired(created, 4);
        unlocked.getMetadata().setResourceVersion(null);
        nodeGroups().resource(unlocked).patchStatus();

        assertThat(nodeGroup(created).get().getStatus().getDesiredNodes()).isEqualTo(4);
    }

    @Test
    void statusIsASubresourceOfNodeGroups() {
        NodeGroup created = nodeGroups().resource(nodeGroup("general")).create();
        NodeGroup withStatus = nodeGroups().resource(withDesired(created, 2)).patchStatus();

        NodeGroup specAndStatus = withDesired(withStatus, 9);
        specAndStatus.getSpec().setMaxNodes(8);
        NodeGroup afterMainWrite = nodeGroups().resource(specAndStatus).update();
        assertThat(afterMainWrite.getSpec().getMaxNodes()).isEqualTo(8);
        assertThat(afterMainWrite.getStatus().getDesiredNodes()).as("status ignored on the main endpoint").isEqualTo(2);

        NodeGroup statusAndSpec = withDesired(afterMainWrite, 3);
        statusAndSpec.getSpec().setMaxNodes(1);
        NodeGroup afterStatusWrite = nodeGroups().resource(statusAndSpec).patchStatus();
        assertThat(afterStatusWrite.getStatus().getDesiredNodes()).isEqualTo(3);
        assertThat(afterStatusWrite.getSpec().getMaxNodes()).as("spec ignored on /status").isEqualTo(8);
    }

    // --- eviction

    @Test
    void evictingAMissingPodIsNotFound() {
        long started = System.nanoTime();
        assertThatThrownBy(() -> client.pods().inNamespace(NS).withName("ghost").evict())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(404));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(PROMPT);
    }

    @Test
    void anEvictionASpentBudgetForbidsIsTooManyRequestsAndKeepsThePod() throws Exception {
        create(pod("web-1", "web"));
        create(budget("web-pdb", "web", 0));

        long started = System.nanoTime();
        assertThat(client.pods().inNamespace(NS).withName("web-1").evict()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(PROMPT);

        HttpResponse<String> answer = postEviction("web-1");
        assertThat(answer.statusCode()).isEqualTo(429);
        Status status = Serialization.unmarshal(answer.body(), Status.class);
        assertThat(status.getReason()).isEqualTo("TooManyRequests");
        assertThat(status.getMessage()).contains("web-pdb");
        assertThat(status.getDetails().getCauses()).extracting("reason").containsExactly("DisruptionBudget");
        assertThat(client.pods().inNamespace(NS).withName("web-1").get()).isNotNull();
    }

    @Test
    void anEvictionWithinBudgetDeletesThePodAndChargesTheBudget() throws Exception {
        create(pod("web-1", "web"));
        create(pod("web-2", "web"));
        create(budget("web-pdb", "web", 1));

        HttpResponse<String> answer = postEviction("web-1");

        assertThat(answer.statusCode()).isEqualTo(201);
        assertThat(Serialization.unmarshal(answer.body(), Status.class).getStatus()).isEqualTo("Success");
        assertThat(client.pods().inNamespace(NS).withName("web-1").get()).isNull();
        PodDisruptionBudget charged = client.policy().v1().podDisruptionBudget().inNamespace(NS).withName("web-pdb")
                .get();
        assertThat(charged.getStatus().getDisruptionsAllowed()).isZero();
        assertThat(charged.getStatus().getDisruptedPods()).containsKey("web-1");
        // The spent budget now protects the second pod.
        assertThat(client.pods().inNamespace(NS).withName("web-2").evict()).isFalse();
        assertThat(client.pods().inNamespace(NS).withName("web-2").get()).isNotNull();
    }

    @Test
    void aPodNoBudgetSelectsIsEvictedFreely() {
        create(pod("db-1", "db"));
        create(budget("web-pdb", "web", 0));

        assertThat(client.pods().inNamespace(NS).withName("db-1").evict()).isTrue();
        assertThat(client.pods().inNamespace(NS).withName("db-1").get()).isNull();
    }

    @Test
    void aPendingPodIsEvictedWhateverItsBudget() {
        Pod pending = new PodBuilder(pod("web-1", "web")).withNewStatus().withPhase("Pending").endStatus().build();
        create(pending);
        create(budget("web-pdb", "web", 0));

        assertThat(client.pods().inNamespace(NS).withName("web-1").evict()).isTrue();
    }

    @Test
    void aPodTwoBudgetsSelectCannotBeEvicted() throws Exception {
        create(pod("web-1", "web"));
        create(budget("web-pdb", "web", 1));
        create(budget("web-pdb-2", "web", 1));

        HttpResponse<String> answer = postEviction("web-1");

        assertThat(answer.statusCode()).isEqualTo(500);
        assertThat(answer.body()).contains("more than one PodDisruptionBudget");
        assertThat(client.pods().inNamespace(NS).withName("web-1").get()).isNotNull();
    }

    // --- JSON patch

    @Test
    void aJsonPatchWhoseTestOpFailsIsUnprocessablePromptly() {
        create(pod("web-1", "web"));
        String patch = "[{\"op\":\"test\",\"path\":\"/metadata/labels/app\",\"value\":\"db\"},"
                + "{\"op\":\"replace\",\"path\":\"/metadata/labels/app\",\"value\":\"api\"}]";

        long started = System.nanoTime();
        assertThatThrownBy(() -> client.pods().inNamespace(NS).withName("web-1")
                .patch(PatchContext.of(PatchType.JSON), patch))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(PROMPT);
        assertThat(client.pods().inNamespace(NS).withName("web-1").get().getMetadata().getLabels())
                .containsEntry("app", "web");
    }

    @Test
    void aJsonPatchWhoseTestOpPassesIsApplied() {
        create(pod("web-1", "web"));
        String patch = "[{\"op\":\"test\",\"path\":\"/metadata/labels/app\",\"value\":\"web\"},"
                + "{\"op\":\"replace\",\"path\":\"/metadata/labels/app\",\"value\":\"api\"}]";

        client.pods().inNamespace(NS).withName("web-1").patch(PatchContext.of(PatchType.JSON), patch);

        assertThat(client.pods().inNamespace(NS).withName("web-1").get().getMetadata().getLabels())
                .containsEntry("app", "api");
    }

    // --- plain CRUD

    @Test
    void podsCanBeCreatedReadAndListedBySelector() {
        create(pod("web-1", "web"));
        create(pod("db-1", "db"));

        assertThat(client.pods().inNamespace(NS).withName("web-1").get().getMetadata().getLabels())
                .containsEntry("app", "web");
        assertThat(client.pods().inNamespace(NS).withLabel("app", "web").list().getItems())
                .extracting(p -> p.getMetadata().getName()).containsExactly("web-1");
        assertThat(client.pods().inNamespace(NS).list().getItems()).hasSize(2);
    }

    @Test
    void nodesCanBeCreatedReadAndListed() {
        client.nodes().resource(node("node-1")).create();
        client.nodes().resource(node("node-2")).create();

        assertThat(client.nodes().withName("node-1").get().getMetadata().getLabels())
                .containsEntry("autoscaler.vpsie.com/nodegroup", "general");
        assertThat(client.nodes().withLabel("autoscaler.vpsie.com/nodegroup", "general").list().getItems())
                .extracting(n -> n.getMetadata().getName()).containsExactlyInAnyOrder("node-1", "node-2");
    }

    @Test
    void nodeGroupsCanBeCreatedReadAndListed() {
        nodeGroups().resource(nodeGroup("general")).create();
        nodeGroups().resource(nodeGroup("highmem")).create();

        NodeGroup read = nodeGroups().withName("general").get();
        assertThat(read.getSpec().getOfferingIDs()).containsExactly("small");
        assertThat(read.getMetadata().getGeneration()).isEqualTo(1L);
        assertThat(nodeGroups().list().getItems()).extracting(g -> g.getMetadata().getName())
                .containsExactlyInAnyOrder("general", "highmem");
    }

    @Test
    void watchesSeeAddsUpdatesAndDeletes() {
        Queue<String> events = new ConcurrentLinkedQueue<>();
        try (Watch pods = client.pods().inNamespace(NS).watch(recordInto(events));
                Watch nodes = client.nodes().watch(recordInto(events));
                Watch groups = nodeGroups().watch(recordInto(events))) {
            create(pod("web-1", "web"));
            client.nodes().resource(node("node-1")).create();
            nodeGroups().resource(nodeGroup("general")).create();
            client.nodes().withName("node-1").edit(n -> new NodeBuilder(n).editSpec().withUnschedulable(true)
                    .endSpec().build());
            client.pods().inNamespace(NS).withName("web-1").delete();

            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(events).contains(
                    "ADDED Pod web-1", "ADDED Node node-1", "ADDED NodeGroup general", "MODIFIED Node node-1",
                    "DELETED Pod web-1"));
        }
    }

    // --- helpers

    private NonNamespaceOperation<NodeGroup, KubernetesResourceList<NodeGroup>, Resource<NodeGroup>> nodeGroups() {
        return client.resources(NodeGroup.class).inNamespace(NS);
    }

    private Resource<NodeGroup> nodeGroup(NodeGroup group) {
        return nodeGroups().withName(group.getMetadata().getName());
    }

    private static NodeGroup nodeGroup(String name) {
        NodeGroupSpec spec = new NodeGroupSpec();
        spec.setMinNodes(0);
        spec.setMaxNodes(5);
        spec.setDatacenterID("us-ny-1");
        spec.setOfferingIDs(List.of("small"));
        NodeGroup group = new NodeGroup();
        group.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
        group.setSpec(spec);
        return group;
    }

    /** A copy of {@code group}, same resourceVersion, with status.desiredNodes set. */
    private NodeGroup withDesired(NodeGroup group, int desired) {
        NodeGroup copy = client.getKubernetesSerialization().clone(group);
        if (copy.getStatus() == null) {
            copy.setStatus(new NodeGroupStatus());
        }
        copy.getStatus().setDesiredNodes(desired);
        return copy;
    }

    private static Pod pod(String name, String app) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace(NS).addToLabels("app", app)
                .endMetadata().withNewSpec().addNewContainer().withName("main").withImage("registry.k8s.io/pause:3.10")
                .endContainer().endSpec().build();
    }

    private static Node node(String name) {
        return new NodeBuilder().withNewMetadata().withName(name)
                .addToLabels("autoscaler.vpsie.com/nodegroup", "general").endMetadata().build();
    }

    private static PodDisruptionBudget budget(String name, String app, int disruptionsAllowed) {
        return new PodDisruptionBudgetBuilder().withNewMetadata().withName(name).withNamespace(NS).endMetadata()
                .withNewSpec().withNewSelector().addToMatchLabels("app", app).endSelector().endSpec()
                .withNewStatus().withDisruptionsAllowed(disruptionsAllowed).withCurrentHealthy(2)
                .withDesiredHealthy(2 - disruptionsAllowed).withExpectedPods(2).endStatus()
                .build();
    }

    private <T extends HasMetadata> void create(T object) {
        client.resource(object).create();
    }

    /** The eviction as raw HTTP, to read the Status body that fabric8's evict() turns into a boolean. */
    private HttpResponse<String> postEviction(String pod) throws IOException, InterruptedException {
        String eviction = "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"" + pod
                + "\",\"namespace\":\"" + NS + "\"}}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(kube.url() + "api/v1/namespaces/" + NS + "/pods/" + pod
                        + "/eviction"))
                .timeout(StrictMockServer.REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(eviction))
                .build();
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(StrictMockServer.CONNECT_TIMEOUT).build()
                .send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static <T extends HasMetadata> Watcher<T> recordInto(Queue<String> events) {
        return new Watcher<>() {
            @Override
            public void eventReceived(Action action, T resource) {
                events.add(action + " " + resource.getKind() + " " + resource.getMetadata().getName());
            }

            @Override
            public void onClose(WatcherException cause) {
                // A closed watch shows up as missing events in the assertion.
            }
        };
    }
}
