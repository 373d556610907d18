package com.vpsie.autoscaler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.testing.realkube.KubeControlPlane;
import com.vpsie.autoscaler.testing.realkube.RealKubernetes;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The generated CRD's schema and CEL rule, enforced by a real kube-apiserver (fabric8's mock validates nothing).
 */
@RealKubernetes
class ValidationE2E {

    private static final String CEL_MESSAGE = "minNodes must be less than or equal to maxNodes";
    private static final ResourceDefinitionContext NODE_GROUPS = new ResourceDefinitionContext.Builder()
            .withGroup(NodeGroup.GROUP).withVersion(NodeGroup.VERSION).withKind(NodeGroup.KIND)
            .withPlural("nodegroups").withNamespaced(true).build();

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void minNodesAboveMaxNodesIsRejectedByTheCelRule(KubeControlPlane kube) {
        KubernetesClient client = kube.client();
        String ns = kube.createNamespace("validation");

        assertThatThrownBy(() -> client.resources(NodeGroup.class).inNamespace(ns)
                .resource(E2eGroups.group(ns, "inverted", 5, 2)).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, invalid("spec", CEL_MESSAGE));
        assertThat(client.resources(NodeGroup.class).inNamespace(ns).withName("inverted").get()).isNull();
    }

    @Test
    void anUpdateThatInvertsTheBoundsIsRejectedToo(KubeControlPlane kube) {
        KubernetesClient client = kube.client();
        String ns = kube.createNamespace("validation");
        NodeGroup group = client.resources(NodeGroup.class).inNamespace(ns)
                .resource(E2eGroups.group(ns, "bounds", 1, 3)).create();

        group.getSpec().setMinNodes(4);
        assertThatThrownBy(() -> client.resources(NodeGroup.class).inNamespace(ns).resource(group).update())
                .isInstanceOfSatisfying(KubernetesClientException.class, invalid("spec", CEL_MESSAGE));
        assertThat(client.resources(NodeGroup.class).inNamespace(ns).withName("bounds").get().getSpec().getMinNodes())
                .isEqualTo(1);
    }

    @Test
    void theExampleNodeGroupsAreAcceptedAndNothingInThemIsPruned(KubeControlPlane kube) throws IOException {
        KubernetesClient client = kube.client();
        List<ObjectNode> examples = readExamples(KubeControlPlane.projectFile("examples/nodegroups.yaml"));
        assertThat(examples).isNotEmpty();
        try {
            for (ObjectNode example : examples) {
                String ns = example.path("metadata").path("namespace").asText();
                String name = example.path("metadata").path("name").asText();
                kube.createNamespaceNamed(ns);
                // Sent as written, not through the Java model, which would drop what it does not know.
                GenericKubernetesResource created = client.genericKubernetesResources(NODE_GROUPS).inNamespace(ns)
                        .resource(json.treeToValue(example, GenericKubernetesResource.class)).create();
                assertThat(created.getMetadata().getName()).isEqualTo(name);

                // A field the schema does not declare is pruned silently, which would break Go-autoscaler
                // manifests without an error; every field of the example must come back.
                JsonNode stored = json.valueToTree(client.genericKubernetesResources(NODE_GROUPS).inNamespace(ns)
                        .withName(name).get());
                List<String> missing = new ArrayList<>();
                containedIn(example.path("spec"), stored.path("spec"), "spec", missing);
                assertThat(missing).as("fields of %s/%s the API server did not keep", ns, name).isEmpty();

                // And the Java model reads what the API server stored.
                NodeGroup typed = client.resources(NodeGroup.class).inNamespace(ns).withName(name).get();
                assertThat(typed.getSpec().getMaxNodes()).isEqualTo(example.path("spec").path("maxNodes").asInt());
            }
        } finally {
            for (ObjectNode example : examples) {
                client.genericKubernetesResources(NODE_GROUPS)
                        .inNamespace(example.path("metadata").path("namespace").asText())
                        .withName(example.path("metadata").path("name").asText()).delete();
            }
        }
    }

    @Test
    void aMissingRequiredFieldIsRejected(KubeControlPlane kube) {
        KubernetesClient client = kube.client();
        String ns = kube.createNamespace("validation");
        NodeGroup noDatacenter = E2eGroups.group(ns, "no-datacenter", 0, 2);
        noDatacenter.getSpec().setDatacenterID(null);

        assertThatThrownBy(() -> client.resources(NodeGroup.class).inNamespace(ns).resource(noDatacenter).create())
                .isInstanceOfSatisfying(KubernetesClientException.class,
                        invalid("spec.datacenterID", "Required value"));
    }

    @Test
    void aValueBelowItsMinimumIsRejected(KubeControlPlane kube) {
        KubernetesClient client = kube.client();
        String ns = kube.createNamespace("validation");

        assertThatThrownBy(() -> client.resources(NodeGroup.class).inNamespace(ns)
                .resource(E2eGroups.group(ns, "no-room", 0, 0)).create())
                .isInstanceOfSatisfying(KubernetesClientException.class,
                        invalid("spec.maxNodes", "should be greater than or equal to 1"));
    }

    /** A 422 Invalid whose causes name {@code field} with a message containing {@code text}. */
    private static Consumer<KubernetesClientException> invalid(String field, String text) {
        return e -> {
            assertThat(e.getCode()).as("HTTP status of: %s", e.getMessage()).isEqualTo(422);
            assertThat(e.getStatus().getReason()).isEqualTo("Invalid");
            List<StatusCause> causes = e.getStatus().getDetails().getCauses();
            assertThat(causes).as("causes of: %s", e.getMessage())
                    .anySatisfy(c -> {
                        assertThat(c.getField()).isEqualTo(field);
                        assertThat(c.getMessage()).contains(text);
                    });
        };
    }

    private static List<ObjectNode> readExamples(Path file) throws IOException {
        List<ObjectNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = new YAMLMapper().readerFor(JsonNode.class).readValues(Files.newInputStream(file))) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && doc.isObject() && NodeGroup.KIND.equals(doc.path("kind").asText())) {
                    docs.add((ObjectNode) doc);
                }
            }
        }
        return docs;
    }

    /** Records in {@code missing} every path of {@code expected} that {@code actual} lacks or holds differently. */
    private static void containedIn(JsonNode expected, JsonNode actual, String path, List<String> missing) {
        if (expected.isObject()) {
            if (!actual.isObject()) {
                missing.add(path);
                return;
            }
            for (Map.Entry<String, JsonNode> field : expected.properties()) {
                containedIn(field.getValue(), actual.path(field.getKey()), path + "." + field.getKey(), missing);
            }
        } else if (expected.isArray()) {
            if (!actual.isArray() || actual.size() != expected.size()) {
                missing.add(path);
                return;
            }
            for (int i = 0; i < expected.size(); i++) {
                containedIn(expected.get(i), actual.get(i), path + "[" + i + "]", missing);
            }
        } else if (expected.isNumber()) {
            if (!actual.isNumber() || expected.decimalValue().compareTo(actual.decimalValue()) != 0) {
                missing.add(path);
            }
        } else if (!expected.equals(actual)) {
            missing.add(path);
        }
    }
}
