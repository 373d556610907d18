package com.vpsie.autoscaler.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The checked-in CRD carries the names, columns and validation the design and the Go autoscaler promise. */
class NodeGroupCrdTest {

    private static CustomResourceDefinition crd;
    private static CustomResourceDefinitionVersion version;
    private static JSONSchemaProps spec;
    private static JSONSchemaProps status;

    @BeforeAll
    static void readCrd() {
        crd = NodeGroupCrdFiles.checkedIn();
        assertThat(crd.getSpec().getVersions()).hasSize(1);
        version = crd.getSpec().getVersions().get(0);
        Map<String, JSONSchemaProps> root = version.getSchema().getOpenAPIV3Schema().getProperties();
        spec = root.get("spec");
        status = root.get("status");
    }

    @Test
    void namesScopeAndVersion() {
        assertThat(crd.getMetadata().getName()).isEqualTo("nodegroups.autoscaler.vpsie.com");
        assertThat(crd.getSpec().getGroup()).isEqualTo(NodeGroup.GROUP);
        assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
        assertThat(crd.getSpec().getNames().getKind()).isEqualTo("NodeGroup");
        assertThat(crd.getSpec().getNames().getPlural()).isEqualTo("nodegroups");
        assertThat(crd.getSpec().getNames().getSingular()).isEqualTo("nodegroup");
        assertThat(crd.getSpec().getNames().getShortNames()).containsExactlyInAnyOrder("ng", "ngs");
        assertThat(version.getName()).isEqualTo(NodeGroup.VERSION);
        assertThat(version.getServed()).isTrue();
        assertThat(version.getStorage()).isTrue();
    }

    @Test
    void statusIsASubresource() {
        assertThat(version.getSubresources()).isNotNull();
        assertThat(version.getSubresources().getStatus()).isNotNull();
        assertThat(version.getSubresources().getScale()).isNull();
    }

    @Test
    void printerColumnsMatchTheGoAutoscaler() {
        // The generator orders columns by JSON path, so only the set is asserted, not the Go CRD's column order.
        assertThat(version.getAdditionalPrinterColumns())
                .extracting(CustomResourceColumnDefinition::getName, CustomResourceColumnDefinition::getJsonPath,
                        CustomResourceColumnDefinition::getType)
                .containsExactlyInAnyOrder(
                        tuple("Min", ".spec.minNodes", "integer"),
                        tuple("Max", ".spec.maxNodes", "integer"),
                        tuple("Desired", ".status.desiredNodes", "integer"),
                        tuple("Current", ".status.currentNodes", "integer"),
                        tuple("Ready", ".status.readyNodes", "integer"),
                        tuple("Utilization%", ".status.utilizationPercent", "integer"), // ours, not the Go CRD's
                        tuple("Age", ".metadata.creationTimestamp", "date"));
    }

    @Test
    void specRequiresSizeDatacenterAndOfferings() {
        assertThat(spec.getRequired()).containsExactlyInAnyOrder("minNodes", "maxNodes", "datacenterID", "offeringIDs");
        assertThat(prop(spec, "minNodes").getMinimum()).isEqualTo(0.0);
        assertThat(prop(spec, "maxNodes").getMinimum()).isEqualTo(1.0);
        assertThat(prop(spec, "datacenterID").getMinLength()).isEqualTo(1L);
        assertThat(prop(spec, "offeringIDs").getMinItems()).isEqualTo(1L);
        assertThat(prop(spec, "kubeSizeID").getMinimum()).isEqualTo(1.0);
    }

    @Test
    void minNotAboveMaxIsACelRuleOnTheSpec() {
        assertThat(spec.getXKubernetesValidations())
                .extracting(ValidationRule::getRule, ValidationRule::getMessage)
                .containsExactly(tuple("self.minNodes <= self.maxNodes",
                        "minNodes must be less than or equal to maxNodes"));
    }

    @Test
    void policyThresholdsArePercentagesAndWindowsAreNotNegative() {
        for (String policy : List.of("scaleUpPolicy", "scaleDownPolicy")) {
            JSONSchemaProps p = prop(spec, policy);
            for (String threshold : List.of("cpuThreshold", "memoryThreshold")) {
                assertThat(prop(p, threshold).getMinimum()).as(policy + "." + threshold).isEqualTo(0.0);
                assertThat(prop(p, threshold).getMaximum()).as(policy + "." + threshold).isEqualTo(100.0);
            }
            assertThat(prop(p, "stabilizationWindowSeconds").getMinimum()).as(policy).isEqualTo(0.0);
        }
        assertThat(prop(prop(spec, "scaleDownPolicy"), "cooldownSeconds").getMinimum()).isEqualTo(0.0);
    }

    @Test
    void schemaDefaultsAreTheModelsFieldInitialisers() {
        // The API server fills these in; the Java initialisers do the same for objects built in code. They must agree.
        JSONSchemaProps up = prop(spec, "scaleUpPolicy");
        assertThat(prop(up, "enabled").getDefault().asBoolean()).isEqualTo(ScaleUpPolicySpec.DEFAULT_ENABLED);
        assertThat(prop(up, "stabilizationWindowSeconds").getDefault().asInt())
                .isEqualTo(ScaleUpPolicySpec.DEFAULT_STABILIZATION_WINDOW_SECONDS);
        assertThat(prop(up, "cpuThreshold").getDefault().asInt()).isEqualTo(ScaleUpPolicySpec.DEFAULT_CPU_THRESHOLD);
        assertThat(prop(up, "memoryThreshold").getDefault().asInt())
                .isEqualTo(ScaleUpPolicySpec.DEFAULT_MEMORY_THRESHOLD);
        JSONSchemaProps down = prop(spec, "scaleDownPolicy");
        assertThat(prop(down, "enabled").getDefault().asBoolean()).isEqualTo(ScaleDownPolicySpec.DEFAULT_ENABLED);
        assertThat(prop(down, "stabilizationWindowSeconds").getDefault().asInt())
                .isEqualTo(ScaleDownPolicySpec.DEFAULT_STABILIZATION_WINDOW_SECONDS);
        assertThat(prop(down, "cpuThreshold").getDefault().asInt())
                .isEqualTo(ScaleDownPolicySpec.DEFAULT_CPU_THRESHOLD);
        assertThat(prop(down, "memoryThreshold").getDefault().asInt())
                .isEqualTo(ScaleDownPolicySpec.DEFAULT_MEMORY_THRESHOLD);
        assertThat(prop(down, "cooldownSeconds").getDefault().asInt())
                .isEqualTo(ScaleDownPolicySpec.DEFAULT_COOLDOWN_SECONDS);
        assertThat(prop(spec, "allowMixedInstances").getDefault().asBoolean())
                .isEqualTo(NodeGroupSpec.DEFAULT_ALLOW_MIXED_INSTANCES);
    }

    @Test
    void goOnlyObjectsAreFreeFormAndKeepUnknownFields() {
        for (String name : List.of("spotConfig", "multiRegion", "costOptimization")) {
            JSONSchemaProps p = prop(spec, name);
            assertThat(p.getType()).as(name).isEqualTo("object");
            assertThat(p.getXKubernetesPreserveUnknownFields()).as(name).isTrue();
            // Any typed additionalProperties would reject scalars such as `enabled: false`.
            assertThat(p.getAdditionalProperties()).as(name).isNull();
            assertThat(p.getProperties()).as(name).isNullOrEmpty();
        }
    }

    @Test
    void specHasEveryFieldOfTheGoAutoscaler() {
        assertThat(spec.getProperties()).containsKeys("minNodes", "maxNodes", "datacenterID", "offeringIDs",
                "resourceIdentifier", "project", "kubernetesVersion", "osImageID", "preferredInstanceType",
                "allowMixedInstances", "labels", "taints", "scaleUpPolicy", "scaleDownPolicy", "sshKeyIDs", "tags",
                "notes", "userData", "kubeSizeID", "spotConfig", "multiRegion", "costOptimization");
        assertThat(prop(spec, "scaleUpPolicy").getProperties()).containsOnlyKeys("enabled",
                "stabilizationWindowSeconds", "cpuThreshold", "memoryThreshold");
        // utilizationSource is ours: the Go autoscaler judges by usage only, cluster-autoscaler by requests only
        assertThat(prop(spec, "scaleDownPolicy").getProperties()).containsOnlyKeys("enabled",
                "stabilizationWindowSeconds", "cpuThreshold", "memoryThreshold", "cooldownSeconds",
                "utilizationSource");
        assertThat(prop(prop(spec, "scaleDownPolicy"), "utilizationSource").getPattern())
                .isEqualTo("^(requests|usage|both)$");
        assertThat(prop(prop(spec, "scaleDownPolicy"), "utilizationSource").getDefault().asText())
                .isEqualTo(ScaleDownPolicySpec.DEFAULT_UTILIZATION_SOURCE);
        assertThat(prop(spec, "taints").getItems().getSchema().getProperties()).containsKeys("key", "value", "effect");
    }

    @Test
    void statusHasEveryFieldOfTheGoAutoscalerAndRequiresNone() {
        // The Go autoscaler's fields, plus ours: vpsieGroups (one VPSie group per offering) and plannedOfferings
        // (the offerings the plan chose for nodes not asked for yet).
        assertThat(status.getProperties()).containsOnlyKeys("currentNodes", "desiredNodes", "readyNodes",
                "vpsieGroupID", "vpsieGroups", "plannedOfferings", "nodes", "conditions", "lastScaleTime",
                "lastScaleUpTime", "lastScaleDownTime", "observedGeneration",
                "utilizationPercent"); // the last is ours, for kubectl get ng
        assertThat(prop(status, "vpsieGroups").getItems().getSchema().getProperties())
                .containsOnlyKeys("offeringID", "groupID");
        JSONSchemaProps node = prop(status, "nodes").getItems().getSchema();
        // The Go autoscaler's fields, plus ours: requestID ties a Creating entry to its add call across a crash.
        assertThat(node.getProperties()).containsOnlyKeys("nodeName", "vpsID", "instanceType", "status", "createdAt",
                "readyAt", "ipAddress", "requestID");
        JSONSchemaProps condition = prop(status, "conditions").getItems().getSchema();
        assertThat(condition.getProperties()).containsOnlyKeys("type", "status", "lastTransitionTime",
                "lastUpdateTime", "reason", "message");
        // A required status field would make every create without status, and every spec-only update, fail.
        assertThat(status.getRequired()).isNullOrEmpty();
        assertThat(node.getRequired()).isNullOrEmpty();
        assertThat(condition.getRequired()).isNullOrEmpty();
    }

    private static JSONSchemaProps prop(JSONSchemaProps parent, String name) {
        assertThat(parent.getProperties()).containsKey(name);
        return parent.getProperties().get(name);
    }
}
