package com.vpsie.autoscaler.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Manifests users already have must pass the CRD's schema: ours in examples/, and ones written for the Go
 * autoscaler. CEL rules are left to the real-API-server tests.
 */
class NodeGroupManifestSchemaTest {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Set<String> TOP_LEVEL = Set.of("apiVersion", "kind", "metadata", "spec", "status");

    /** Shaped like the Go project's examples plus the fields they leave out, with a status as it writes one. */
    private static final String GO_AUTOSCALER_MANIFEST = """
            apiVersion: autoscaler.vpsie.com/v1alpha1
            kind: NodeGroup
            metadata:
              name: workers
              namespace: kube-system
              labels: {autoscaler.vpsie.com/managed: "true"}
            spec:
              minNodes: 1
              maxNodes: 10
              datacenterID: "dc-1"
              offeringIDs: ["small-2cpu-4gb", "medium-4cpu-8gb"]
              resourceIdentifier: "5b9e3e0c-7a1d-4f7e-9a52-8f0c1d2e3f4a"
              project: "prod"
              kubernetesVersion: "v1.34.2"
              osImageID: "ubuntu-24.04"
              preferredInstanceType: "small-2cpu-4gb"
              allowMixedInstances: true
              labels: {pool: workers}
              taints: [{key: dedicated, value: workers, effect: NoSchedule}]
              scaleUpPolicy: {enabled: true, stabilizationWindowSeconds: 60, cpuThreshold: 80, memoryThreshold: 80}
              scaleDownPolicy: {enabled: true, stabilizationWindowSeconds: 600, cpuThreshold: 50,
                                memoryThreshold: 50, cooldownSeconds: 600}
              sshKeyIDs: ["key-1"]
              tags: ["env:prod"]
              notes: "workers"
              userData: "#cloud-config\\n"
              kubeSizeID: 3
              spotConfig: {enabled: true, maxSpotPercentage: 80, fallbackToOnDemand: true}
              multiRegion: {enabled: false, datacenterIDs: ["dc-1", "dc-2"], distribution: {dc-1: 50}}
              costOptimization: {enabled: true, strategy: balanced, reportIntervalMinutes: 60}
            status:
              currentNodes: 3
              desiredNodes: 4
              readyNodes: 2
              vpsieGroupID: 4242
              nodes:
                - {nodeName: workers-1, vpsID: 90011, instanceType: small-2cpu-4gb, status: Ready,
                   createdAt: "2026-11-01T08:00:00Z", readyAt: "2026-11-01T08:01:30Z", ipAddress: 10.0.0.11}
              conditions:
                - {type: Ready, status: "True", reason: Reconciled, message: ok,
                   lastTransitionTime: "2026-11-01T08:01:30Z", lastUpdateTime: "2026-11-22T11:00:00Z"}
              lastScaleTime: "2026-11-22T09:00:00Z"
              lastScaleUpTime: "2026-11-22T09:00:00Z"
              lastScaleDownTime: "2026-11-20T09:00:00Z"
              observedGeneration: 7
            """;

    private static JSONSchemaProps specSchema;
    private static JSONSchemaProps statusSchema;

    @BeforeAll
    static void readSchema() {
        CustomResourceDefinitionVersion version = NodeGroupCrdFiles.checkedIn().getSpec().getVersions().get(0);
        specSchema = version.getSchema().getOpenAPIV3Schema().getProperties().get("spec");
        statusSchema = version.getSchema().getOpenAPIV3Schema().getProperties().get("status");
    }

    @Test
    void everyExampleManifestPassesTheSchema() throws IOException {
        List<JsonNode> manifests = new ArrayList<>();
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class)
                .readValues(new File("examples/nodegroups.yaml"))) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc != null && !doc.isEmpty()) {
                    manifests.add(doc);
                }
            }
        }
        assertThat(manifests).as("NodeGroups in examples/nodegroups.yaml").hasSizeGreaterThanOrEqualTo(3);
        for (JsonNode manifest : manifests) {
            assertThat(violations(manifest)).as(manifest.path("metadata").path("name").asText()).isEmpty();
        }
    }

    @Test
    void aManifestWrittenForTheGoAutoscalerPassesTheSchema() throws IOException {
        assertThat(violations(YAML.readTree(GO_AUTOSCALER_MANIFEST))).isEmpty();
    }

    @Test
    void theCheckCatchesWhatTheSchemaForbids() throws IOException {
        JsonNode broken = YAML.readTree("""
                apiVersion: autoscaler.vpsie.com/v1alpha1
                kind: NodeGroup
                metadata: {name: broken}
                spec:
                  minNodes: -1
                  maxNodes: 0
                  offeringIDs: []
                  kubeSizeID: 0
                  scaleUpPolicy: {cpuThreshold: 101, stabilizationWindowSeconds: -5}
                  scaleDownPolicy: {memoryThreshold: -1, cooldownSeconds: -1}
                  spotConfig: enabled
                  maxNode: 3
                """);
        assertThat(violations(broken)).containsExactlyInAnyOrder(
                "spec.datacenterID: required",
                "spec.minNodes: must be at least 0.0 (got -1.0)",
                "spec.maxNodes: must be at least 1.0 (got 0.0)",
                "spec.offeringIDs: must have at least 1 items",
                "spec.kubeSizeID: must be at least 1.0 (got 0.0)",
                "spec.scaleUpPolicy.cpuThreshold: must be at most 100.0 (got 101.0)",
                "spec.scaleUpPolicy.stabilizationWindowSeconds: must be at least 0.0 (got -5.0)",
                "spec.scaleDownPolicy.memoryThreshold: must be at least 0.0 (got -1.0)",
                "spec.scaleDownPolicy.cooldownSeconds: must be at least 0.0 (got -1.0)",
                "spec.spotConfig: must be of type object (got STRING)",
                "spec.maxNode: unknown field");
    }

    private static List<String> violations(JsonNode manifest) {
        List<String> out = new ArrayList<>();
        assertThat(manifest.path("apiVersion").asText()).isEqualTo(NodeGroup.API_VERSION);
        assertThat(manifest.path("kind").asText()).isEqualTo(NodeGroup.KIND);
        manifest.fieldNames().forEachRemaining(name -> {
            if (!TOP_LEVEL.contains(name)) {
                out.add(name + ": unknown field");
            }
        });
        if (manifest.has("spec")) {
            out.addAll(StructuralSchemaCheck.violations(specSchema, manifest.get("spec"), "spec"));
        }
        if (manifest.has("status")) {
            out.addAll(StructuralSchemaCheck.violations(statusSchema, manifest.get("status"), "status"));
        }
        return out;
    }
}
