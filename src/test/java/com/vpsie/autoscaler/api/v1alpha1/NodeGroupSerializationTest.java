package com.vpsie.autoscaler.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON names and defaults are a compatibility contract with the Go autoscaler's manifests. */
class NodeGroupSerializationTest {

    private final KubernetesSerialization serialization = new KubernetesSerialization();

    private static final String GO_STYLE = """
            apiVersion: autoscaler.vpsie.com/v1alpha1
            kind: NodeGroup
            metadata:
              name: general
              namespace: vpsie-system
            spec:
              minNodes: 2
              maxNodes: 10
              datacenterID: "us-east-1"
              offeringIDs: ["small-2cpu-4gb", "medium-4cpu-8gb"]
              resourceIdentifier: "6c5f0b0e-cluster"
              project: "prod"
              kubernetesVersion: "v1.34.2"
              osImageID: "ubuntu-24.04-lts"
              preferredInstanceType: "small-2cpu-4gb"
              labels: {workload: general}
              taints:
                - {key: dedicated, value: batch, effect: NoSchedule}
              scaleUpPolicy: {enabled: false, stabilizationWindowSeconds: 30, cpuThreshold: 70, memoryThreshold: 75}
              scaleDownPolicy: {cpuThreshold: 40}
              sshKeyIDs: ["key-1"]
              tags: ["env:prod"]
              notes: "workers"
              userData: "#cloud-config\\n"
              kubeSizeID: 3
              spotConfig: {enabled: true, maxSpotPercentage: 80, nested: {list: [1, 2]}}
              multiRegion: {enabled: false, datacenterIDs: ["us-east-1"]}
              costOptimization: {strategy: auto}
              someFutureField: kept-out
            status:
              currentNodes: 3
              desiredNodes: 4
              readyNodes: 2
              vpsieGroupID: 4242
              nodes:
                - {nodeName: general-1, vpsID: 90011, instanceType: small-2cpu-4gb, status: Ready,
                   createdAt: "2026-11-01T08:00:00Z", readyAt: "2026-11-01T08:01:30Z", ipAddress: 10.0.0.11}
              conditions:
                - {type: Ready, status: "True", reason: Reconciled, message: ok,
                   lastTransitionTime: "2026-11-01T08:01:30Z", lastUpdateTime: "2026-11-22T11:00:00Z"}
              lastScaleTime: "2026-11-22T09:00:00Z"
              lastScaleUpTime: "2026-11-22T09:00:00Z"
              lastScaleDownTime: "2026-11-20T09:00:00Z"
              observedGeneration: 7
            """;

    @Test
    void readsAGoAutoscalerManifestWithEveryField() {
        NodeGroup ng = serialization.unmarshal(GO_STYLE, NodeGroup.class);
        NodeGroupSpec spec = ng.getSpec();
        assertThat(spec.getMinNodes()).isEqualTo(2);
        assertThat(spec.getMaxNodes()).isEqualTo(10);
        assertThat(spec.getDatacenterID()).isEqualTo("us-east-1");
        assertThat(spec.getOfferingIDs()).containsExactly("small-2cpu-4gb", "medium-4cpu-8gb");
        assertThat(spec.getResourceIdentifier()).isEqualTo("6c5f0b0e-cluster");
        assertThat(spec.getProject()).isEqualTo("prod");
        assertThat(spec.getKubernetesVersion()).isEqualTo("v1.34.2");
        assertThat(spec.getOsImageID()).isEqualTo("ubuntu-24.04-lts");
        assertThat(spec.getPreferredInstanceType()).isEqualTo("small-2cpu-4gb");
        assertThat(spec.getAllowMixedInstances()).as("default").isTrue();
        assertThat(spec.getLabels()).containsExactly(Map.entry("workload", "general"));
        assertThat(spec.getTaints()).singleElement().satisfies(t -> {
            assertThat(t.getKey()).isEqualTo("dedicated");
            assertThat(t.getEffect()).isEqualTo("NoSchedule");
        });
        assertThat(spec.getScaleUpPolicy().getEnabled()).isFalse();
        assertThat(spec.getScaleUpPolicy().getStabilizationWindowSeconds()).isEqualTo(30);
        assertThat(spec.getScaleUpPolicy().getCpuThreshold()).isEqualTo(70);
        assertThat(spec.getScaleUpPolicy().getMemoryThreshold()).isEqualTo(75);
        assertThat(spec.getScaleDownPolicy().getCpuThreshold()).isEqualTo(40);
        assertThat(spec.getScaleDownPolicy().getMemoryThreshold()).as("default").isEqualTo(50);
        assertThat(spec.getScaleDownPolicy().getStabilizationWindowSeconds()).as("default").isEqualTo(600);
        assertThat(spec.getScaleDownPolicy().getCooldownSeconds()).as("default").isEqualTo(600);
        assertThat(spec.getScaleDownPolicy().getEnabled()).as("default").isTrue();
        assertThat(spec.getSshKeyIDs()).containsExactly("key-1");
        assertThat(spec.getTags()).containsExactly("env:prod");
        assertThat(spec.getNotes()).isEqualTo("workers");
        assertThat(spec.getUserData()).isEqualTo("#cloud-config\n");
        assertThat(spec.getKubeSizeID()).isEqualTo(3);
        assertThat(spec.getSpotConfig()).containsEntry("maxSpotPercentage", 80)
                .containsEntry("nested", Map.of("list", List.of(1, 2)));
        assertThat(spec.getMultiRegion()).containsEntry("datacenterIDs", List.of("us-east-1"));
        assertThat(spec.getCostOptimization()).containsEntry("strategy", "auto");

        NodeGroupStatus status = ng.getStatus();
        assertThat(status.getCurrentNodes()).isEqualTo(3);
        assertThat(status.getDesiredNodes()).isEqualTo(4);
        assertThat(status.getReadyNodes()).isEqualTo(2);
        assertThat(status.getVpsieGroupID()).isEqualTo(4242L);
        NodeGroupNodeStatus node = status.getNodes().get(0);
        assertThat(node.getNodeName()).isEqualTo("general-1");
        assertThat(node.getVpsID()).isEqualTo(90011L);
        assertThat(node.getInstanceType()).isEqualTo("small-2cpu-4gb");
        assertThat(node.getStatus()).isEqualTo("Ready");
        assertThat(node.getCreatedAt()).isEqualTo("2026-11-01T08:00:00Z");
        assertThat(node.getReadyAt()).isEqualTo("2026-11-01T08:01:30Z");
        assertThat(node.getIpAddress()).isEqualTo("10.0.0.11");
        NodeGroupCondition condition = status.getConditions().get(0);
        assertThat(condition.getType()).isEqualTo(NodeGroupCondition.TYPE_READY);
        assertThat(condition.getStatus()).isEqualTo(NodeGroupCondition.STATUS_TRUE);
        assertThat(condition.getReason()).isEqualTo("Reconciled");
        assertThat(condition.getMessage()).isEqualTo("ok");
        assertThat(condition.getLastTransitionTime()).isEqualTo("2026-11-01T08:01:30Z");
        assertThat(condition.getLastUpdateTime()).isEqualTo("2026-11-22T11:00:00Z");
        assertThat(status.getLastScaleTime()).isEqualTo("2026-11-22T09:00:00Z");
        assertThat(status.getLastScaleUpTime()).isEqualTo("2026-11-22T09:00:00Z");
        assertThat(status.getLastScaleDownTime()).isEqualTo("2026-11-20T09:00:00Z");
        assertThat(status.getObservedGeneration()).isEqualTo(7L);
    }

    @Test
    void writesTheGoFieldNamesAndRoundTripsFreeFormObjects() throws Exception {
        NodeGroup ng = serialization.unmarshal(GO_STYLE, NodeGroup.class);
        JsonNode json = new ObjectMapper().readTree(serialization.asJson(ng));
        assertThat(fieldNames(json.get("spec"))).containsExactlyInAnyOrder(
                "minNodes", "maxNodes", "datacenterID", "offeringIDs", "resourceIdentifier", "project",
                "kubernetesVersion", "osImageID", "preferredInstanceType", "allowMixedInstances", "labels", "taints",
                "scaleUpPolicy", "scaleDownPolicy", "sshKeyIDs", "tags", "notes", "userData", "kubeSizeID",
                "spotConfig", "multiRegion", "costOptimization");
        assertThat(fieldNames(json.get("status"))).containsExactlyInAnyOrder(
                "currentNodes", "desiredNodes", "readyNodes", "vpsieGroupID", "nodes", "conditions", "lastScaleTime",
                "lastScaleUpTime", "lastScaleDownTime", "observedGeneration");
        assertThat(fieldNames(json.at("/status/nodes/0"))).containsExactlyInAnyOrder(
                "nodeName", "vpsID", "instanceType", "status", "createdAt", "readyAt", "ipAddress");
        assertThat(fieldNames(json.at("/status/conditions/0"))).containsExactlyInAnyOrder(
                "type", "status", "lastTransitionTime", "lastUpdateTime", "reason", "message");
        // utilizationSource is ours, written with its default as the Go fields left out are
        assertThat(fieldNames(json.at("/spec/scaleDownPolicy"))).containsExactlyInAnyOrder(
                "enabled", "stabilizationWindowSeconds", "cpuThreshold", "memoryThreshold", "cooldownSeconds",
                "utilizationSource");
        assertThat(json.at("/spec/spotConfig/nested/list/1").asInt()).isEqualTo(2);

        NodeGroup again = serialization.unmarshal(serialization.asJson(ng), NodeGroup.class);
        assertThat(again.getSpec()).isEqualTo(ng.getSpec());
        assertThat(again.getStatus()).isEqualTo(ng.getStatus());
    }

    @Test
    void absentFieldsStayAbsentSoAMergePatchClearsNothing() throws Exception {
        NodeGroup ng = new NodeGroup();
        NodeGroupStatus status = new NodeGroupStatus();
        status.setDesiredNodes(3);
        ng.setStatus(status);
        JsonNode json = new ObjectMapper().readTree(serialization.asJson(ng));
        assertThat(fieldNames(json.get("status"))).containsExactly("desiredNodes");
    }

    @Test
    void defaultsOfANewSpec() {
        NodeGroupSpec spec = new NodeGroupSpec();
        assertThat(spec.getAllowMixedInstances()).isTrue();
        ScaleUpPolicySpec up = new ScaleUpPolicySpec();
        assertThat(List.of(up.getEnabled(), up.getStabilizationWindowSeconds(), up.getCpuThreshold(),
                up.getMemoryThreshold())).containsExactly(true, 60, 80, 80);
        ScaleDownPolicySpec down = new ScaleDownPolicySpec();
        assertThat(List.of(down.getEnabled(), down.getStabilizationWindowSeconds(), down.getCpuThreshold(),
                down.getMemoryThreshold(), down.getCooldownSeconds())).containsExactly(true, 600, 50, 50, 600);
    }

    @Test
    void resourceNamesMatchTheGoCrd() {
        NodeGroup ng = new NodeGroup();
        assertThat(ng.getApiVersion()).isEqualTo("autoscaler.vpsie.com/v1alpha1");
        assertThat(ng.getKind()).isEqualTo("NodeGroup");
        assertThat(ng.getPlural()).isEqualTo("nodegroups");
        assertThat(ng.getSingular()).isEqualTo("nodegroup");
        assertThat(ng.getScope()).isEqualTo("Namespaced");
        assertThat(CustomResource.getCRDName(NodeGroup.class)).isEqualTo("nodegroups.autoscaler.vpsie.com");
        assertThat(CustomResource.getShortNames(NodeGroup.class)).containsExactly("ng", "ngs");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
