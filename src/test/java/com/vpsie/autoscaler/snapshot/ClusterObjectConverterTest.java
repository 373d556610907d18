package com.vpsie.autoscaler.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.model.LabelSelector;
import com.vpsie.autoscaler.model.NodeGroupInfo;
import com.vpsie.autoscaler.model.NodeInfo;
import com.vpsie.autoscaler.model.PdbInfo;
import com.vpsie.autoscaler.model.Resources;
import com.vpsie.autoscaler.model.ScaleDownPolicy;
import com.vpsie.autoscaler.model.SelectorOperator;
import com.vpsie.autoscaler.model.SelectorRequirement;
import com.vpsie.autoscaler.model.Taint;
import com.vpsie.autoscaler.model.TaintEffect;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Nodes, PodDisruptionBudgets and NodeGroups; pods have their own test. */
class ClusterObjectConverterTest {

    private static final long MI = 1024L * 1024;
    private static final long GI = 1024 * MI;
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private static Node node(String yaml) {
        return SERIALIZATION.unmarshal(yaml, Node.class);
    }

    private static final String WORKER = """
            apiVersion: v1
            kind: Node
            metadata:
              name: general-a1b2c
              creationTimestamp: "2026-11-01T08:05:00Z"
              labels: {autoscaler.vpsie.com/nodegroup: general, kubernetes.io/hostname: general-a1b2c}
              annotations: {cluster-autoscaler.kubernetes.io/scale-down-disabled: "true"}
            spec:
              providerID: vpsie://90011
              taints:
                - {key: dedicated, value: gpu, effect: NoSchedule}
                - {key: node.kubernetes.io/unreachable, effect: NoExecute, timeAdded: "2026-11-22T11:00:00Z"}
            status:
              capacity: {cpu: "2", memory: 4025424Ki, ephemeral-storage: 80Gi, pods: "110"}
              allocatable: {cpu: 1900m, memory: 3560Mi, ephemeral-storage: 75Gi, pods: "110"}
              conditions:
                - {type: MemoryPressure, status: "False"}
                - {type: Ready, status: "True"}
            """;

    @Test
    void node() {
        NodeInfo n = ClusterObjectConverter.toNodeInfo(node(WORKER));
        assertThat(n.name()).isEqualTo("general-a1b2c");
        assertThat(n.nodeGroup()).isEqualTo("general");
        assertThat(n.annotations()).containsEntry("cluster-autoscaler.kubernetes.io/scale-down-disabled", "true");
        assertThat(n.taints()).containsExactly(
                new Taint("dedicated", "gpu", TaintEffect.NO_SCHEDULE),
                new Taint("node.kubernetes.io/unreachable", "", TaintEffect.NO_EXECUTE));
        assertThat(n.allocatable()).isEqualTo(new Resources(1900, 3560 * MI, 75 * GI, 110));
        assertThat(n.ready()).isTrue();
        assertThat(n.unschedulable()).isFalse();
        assertThat(n.providerId()).isEqualTo("vpsie://90011");
        assertThat(n.creationTimestamp()).isEqualTo(Instant.parse("2026-11-01T08:05:00Z"));
        assertThat(n.deleting()).isFalse();
    }

    @Test
    void readyOnlyWhenTheReadyConditionIsTrue() {
        Node notReady = node(WORKER);
        notReady.getStatus().getConditions().get(1).setStatus("Unknown");
        assertThat(ClusterObjectConverter.toNodeInfo(notReady).ready()).isFalse();

        Node noConditions = node(WORKER);
        noConditions.getStatus().setConditions(null);
        assertThat(ClusterObjectConverter.toNodeInfo(noConditions).ready()).isFalse();

        Node noStatus = node(WORKER);
        noStatus.setStatus(null);
        NodeInfo n = ClusterObjectConverter.toNodeInfo(noStatus);
        assertThat(n.ready()).isFalse();
        assertThat(n.allocatable()).isEqualTo(Resources.ZERO);
    }

    @Test
    void cordonedAndDeleting() {
        Node source = new NodeBuilder(node(WORKER))
                .editSpec().withUnschedulable(true).endSpec()
                .editMetadata().withDeletionTimestamp("2026-11-22T11:59:00Z").endMetadata()
                .build();
        NodeInfo n = ClusterObjectConverter.toNodeInfo(source);
        assertThat(n.unschedulable()).isTrue();
        assertThat(n.deleting()).isTrue();
    }

    @Test
    void allocatableFallsBackToCapacityPerResource() {
        Node source = node(WORKER);
        source.getStatus().getAllocatable().remove("memory");
        source.getStatus().getAllocatable().remove("pods");
        NodeInfo n = ClusterObjectConverter.toNodeInfo(source);
        assertThat(n.allocatable()).isEqualTo(new Resources(1900, 4025424 * 1024L, 75 * GI, 110));

        source.getStatus().setAllocatable(null);
        assertThat(ClusterObjectConverter.toNodeInfo(source).allocatable())
                .isEqualTo(new Resources(2000, 4025424 * 1024L, 80 * GI, 110));
    }

    @Test
    void nodeErrorsNameTheField() {
        Node badEffect = node(WORKER);
        badEffect.getSpec().getTaints().get(1).setEffect("NoWay");
        assertThatThrownBy(() -> ClusterObjectConverter.toNodeInfo(badEffect))
                .isInstanceOf(SnapshotException.class)
                .hasMessage("Node general-a1b2c: spec.taints[1].effect: unknown taint effect 'NoWay'");

        Node badCpu = node(WORKER.replace("cpu: 1900m", "cpu: lots"));
        assertThatThrownBy(() -> ClusterObjectConverter.toNodeInfo(badCpu))
                .hasMessage("Node general-a1b2c: status.allocatable.cpu: cannot parse quantity 'lots'");
    }

    @Test
    void convertingDoesNotModifyTheNode() {
        Node source = node(WORKER);
        source.getStatus().getAllocatable().remove("memory");
        Node before = new NodeBuilder(source).build();
        ClusterObjectConverter.toNodeInfo(source);
        assertThat(source).isEqualTo(before);
    }

    // ---- PodDisruptionBudgets

    private static PodDisruptionBudget pdb(String selector, String status) {
        return SERIALIZATION.unmarshal("""
                apiVersion: policy/v1
                kind: PodDisruptionBudget
                metadata: {name: web, namespace: shop}
                spec:
                  minAvailable: 2
                %s
                %s
                """.formatted(selector, status), PodDisruptionBudget.class);
    }

    @Test
    void pdbWithMatchLabelsAndExpressions() {
        PdbInfo p = ClusterObjectConverter.toPdbInfo(pdb("""
                  selector:
                    matchLabels: {app: web}
                    matchExpressions: [{key: track, operator: NotIn, values: [canary]}]
                """, "status: {disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3}"));
        assertThat(p.namespace()).isEqualTo("shop");
        assertThat(p.name()).isEqualTo("web");
        assertThat(p.disruptionsAllowed()).isEqualTo(1);
        assertThat(p.selector()).isEqualTo(new LabelSelector(Map.of("app", "web"),
                List.of(new SelectorRequirement("track", SelectorOperator.NOT_IN, List.of("canary"))), false));
    }

    @Test
    void aNullPdbSelectorSelectsNothingAndAnEmptyOneEverything() {
        PdbInfo nullSelector = ClusterObjectConverter.toPdbInfo(pdb("", ""));
        assertThat(nullSelector.selector().matchesNothing()).isTrue();
        assertThat(nullSelector.selector().matches(Map.of("app", "web"))).isFalse();

        PdbInfo emptySelector = ClusterObjectConverter.toPdbInfo(pdb("  selector: {}", ""));
        assertThat(emptySelector.selector().matchesNothing()).isFalse();
        assertThat(emptySelector.selector().matches(Map.of("anything", "at-all"))).isTrue();
    }

    @Test
    void noStatusMeansNoDisruptionAllowed() {
        assertThat(ClusterObjectConverter.toPdbInfo(pdb("  selector: {}", "")).disruptionsAllowed()).isZero();
    }

    // ---- NodeGroups

    private static NodeGroup group(String spec, String status) {
        return SERIALIZATION.unmarshal("""
                apiVersion: autoscaler.vpsie.com/v1alpha1
                kind: NodeGroup
                metadata: {name: general, namespace: vpsie-system}
                spec:
                %s
                %s
                """.formatted(spec.stripIndent().indent(2), status), NodeGroup.class);
    }

    private static final String MINIMAL = """
            minNodes: 1
            maxNodes: 5
            datacenterID: us-ny-1
            offeringIDs: [vps-2c-4g, vps-4c-8g]
            """;

    @Test
    void nodeGroupWithDefaults() {
        NodeGroupInfo g = ClusterObjectConverter.toNodeGroupInfo(group(MINIMAL, ""));
        assertThat(g.namespace()).isEqualTo("vpsie-system");
        assertThat(g.name()).isEqualTo("general");
        assertThat(g.minNodes()).isEqualTo(1);
        assertThat(g.maxNodes()).isEqualTo(5);
        assertThat(g.desiredNodes()).isZero();
        assertThat(g.offeringIds()).containsExactly("vps-2c-4g", "vps-4c-8g");
        assertThat(g.preferredOffering()).isNull();
        assertThat(g.allowMixedOfferings()).isTrue();
        assertThat(g.labels()).isEmpty();
        assertThat(g.taints()).isEmpty();
        assertThat(g.scaleUpEnabled()).isTrue();
        assertThat(g.scaleDownPolicy()).isEqualTo(ScaleDownPolicy.DEFAULT);
    }

    @Test
    void nodeGroupWithEverythingSet() {
        NodeGroupInfo g = ClusterObjectConverter.toNodeGroupInfo(group(MINIMAL + """
                preferredInstanceType: vps-4c-8g
                allowMixedInstances: false
                labels: {workload: gpu}
                taints: [{key: dedicated, value: gpu, effect: NoSchedule}]
                scaleUpPolicy: {enabled: false}
                scaleDownPolicy: {cpuThreshold: 30, cooldownSeconds: 1200, utilizationSource: usage}
                """, "status: {desiredNodes: 3, currentNodes: 2}"));
        assertThat(g.desiredNodes()).isEqualTo(3);
        assertThat(g.preferredOffering()).isEqualTo("vps-4c-8g");
        assertThat(g.allowMixedOfferings()).isFalse();
        assertThat(g.candidateOfferings()).containsExactly("vps-4c-8g");
        assertThat(g.labels()).isEqualTo(Map.of("workload", "gpu"));
        assertThat(g.taints()).containsExactly(new Taint("dedicated", "gpu", TaintEffect.NO_SCHEDULE));
        assertThat(g.scaleUpEnabled()).isFalse();
        assertThat(g.scaleDownPolicy()).isEqualTo(new ScaleDownPolicy(true, 30, 50, 600, 1200,
                com.vpsie.autoscaler.model.UtilizationSource.USAGE));
    }

    @Test
    void anExplicitNullInAPolicyTakesTheDefault() {
        NodeGroup ng = group(MINIMAL, "");
        ng.getSpec().setScaleDownPolicy(new com.vpsie.autoscaler.api.v1alpha1.ScaleDownPolicySpec());
        ng.getSpec().getScaleDownPolicy().setEnabled(null);
        ng.getSpec().getScaleDownPolicy().setStabilizationWindowSeconds(null);
        ng.getSpec().setAllowMixedInstances(null);
        NodeGroupInfo g = ClusterObjectConverter.toNodeGroupInfo(ng);
        assertThat(g.scaleDownPolicy()).isEqualTo(ScaleDownPolicy.DEFAULT);
        assertThat(g.allowMixedOfferings()).isTrue();
    }

    @Test
    void anInvalidNodeGroupReportsEveryFieldError() {
        NodeGroup ng = group("""
                minNodes: 5
                maxNodes: 3
                offeringIDs: []
                """, "");
        assertThatThrownBy(() -> ClusterObjectConverter.toNodeGroupInfo(ng))
                .isInstanceOf(SnapshotException.class)
                .satisfies(e -> assertThat(((SnapshotException) e).problems()).containsExactly(
                        "NodeGroup vpsie-system/general: spec.minNodes: minNodes (5) must not exceed maxNodes (3)",
                        "NodeGroup vpsie-system/general: spec.datacenterID: required",
                        "NodeGroup vpsie-system/general: spec.offeringIDs: at least one offering is required"));
    }
}
