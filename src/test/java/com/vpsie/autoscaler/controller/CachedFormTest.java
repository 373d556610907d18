package com.vpsie.autoscaler.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.vpsie.autoscaler.bench.RealisticPods;
import com.vpsie.autoscaler.model.WellKnown;
import com.vpsie.autoscaler.snapshot.ClusterObjectConverter;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import com.vpsie.autoscaler.model.PodInfo;
import java.util.ArrayList;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.List;
import org.junit.jupiter.api.Test;

class CachedFormTest {

    @Test
    void theDecisionCoreSeesTheSamePodTrimmedOrNot() {
        List<Pod> pods = new ArrayList<>();
        for (int d = 0; d < 20; d++) {
            pods.add(RealisticPods.asListed(d, d, "shop", d % 2 == 0 ? "node-" + d : null));
        }
        pods.add(everyConstraint());
        for (Pod full : pods) {
            Pod trimmed = CachedForm.pod(full);
            PodInfo before = ClusterObjectConverter.toPodInfo(full);
            PodInfo after = ClusterObjectConverter.toPodInfo(trimmed);
            // The core reads annotations by these keys only (DrainRules, ScaleDownPlanner, PodInfo.isMirror).
            assertThat(after.annotations()).as(full.getMetadata().getName())
                    .isEqualTo(Maps.filterKeys(before.annotations(), CachedForm.POD_ANNOTATIONS::contains));
            assertThat(after).as(full.getMetadata().getName()).usingRecursiveComparison().ignoringFields("annotations")
                    .isEqualTo(before);
            assertThat(AutoscalingLoop.unschedulable(trimmed)).isEqualTo(AutoscalingLoop.unschedulable(full));
            assertThat(InvolvedObject.of(trimmed)).isEqualTo(InvolvedObject.of(full));
            assertThat(trimmed.getMetadata().getResourceVersion()).isEqualTo(full.getMetadata().getResourceVersion());
        }
    }

    @Test
    void whatNothingReadsIsDropped() {
        Pod full = RealisticPods.asListed(12, 3, "shop", "node-1");
        Pod trimmed = CachedForm.pod(full);
        assertThat(full.getMetadata().getManagedFields()).isNotEmpty();
        assertThat(trimmed.getMetadata().getManagedFields()).isNullOrEmpty();
        assertThat(trimmed.getMetadata().getAnnotations()).isNullOrEmpty();
        assertThat(trimmed.getMetadata().getGenerateName()).isNull();
        assertThat(trimmed.getStatus().getContainerStatuses()).isNullOrEmpty();
        assertThat(trimmed.getStatus().getConditions()).extracting("type").containsExactly("PodScheduled");
        assertThat(trimmed.getStatus().getPodIP()).isNull();
        assertThat(trimmed.getSpec().getContainers()).allSatisfy(c -> {
            assertThat(c.getEnv()).isNullOrEmpty();
            assertThat(c.getImage()).isNull();
            assertThat(c.getLivenessProbe()).isNull();
            assertThat(c.getVolumeMounts()).isNullOrEmpty();
            assertThat(c.getPorts()).isNullOrEmpty();
        });
        assertThat(trimmed.getSpec().getVolumes()).allSatisfy(v -> {
            assertThat(v.getProjected()).isNull();
            assertThat(v.getConfigMap()).isNull();
        });
        assertThat(trimmed.getSpec().getAffinity().getNodeAffinity()
                .getPreferredDuringSchedulingIgnoredDuringExecution()).isNullOrEmpty();
        assertThat(Serialization.asJson(trimmed).length()).isLessThan(Serialization.asJson(full).length() / 4);
    }

    @Test
    void nodesAndPdbsLoseManagedFieldsImagesAndTheLastAppliedCopy() {
        Node full = new NodeBuilder().withNewMetadata().withName("n1").withResourceVersion("7")
                .addToLabels(WellKnown.NODEGROUP_LABEL, "g")
                .addToAnnotations(WellKnown.DRAIN_STATE_ANNOTATION, WellKnown.DRAIN_STATE_DRAINED)
                .addToAnnotations(CachedForm.LAST_APPLIED_ANNOTATION, "{\"big\":true}")
                .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kubelet").build())
                .endMetadata()
                .withNewSpec().withProviderID("vpsie://1").addNewTaint().withKey("k").withEffect("NoSchedule").endTaint()
                .endSpec()
                .withNewStatus().addToAllocatable("cpu", new Quantity("4")).addToAllocatable("memory", new Quantity("8Gi"))
                .addToAllocatable("pods", new Quantity("110"))
                .addNewCondition().withType("Ready").withStatus("True").endCondition()
                .addNewImage().withNames("registry.example.com/a:1").withSizeBytes(1000L).endImage()
                .endStatus().build();
        Node trimmed = CachedForm.node(full);
        assertThat(ClusterObjectConverter.toNodeInfo(trimmed).annotations())
                .containsOnlyKeys(WellKnown.DRAIN_STATE_ANNOTATION);
        assertThat(ClusterObjectConverter.toNodeInfo(trimmed)).usingRecursiveComparison().ignoringFields("annotations")
                .isEqualTo(ClusterObjectConverter.toNodeInfo(full));
        assertThat(trimmed.getStatus().getConditions()).isEqualTo(full.getStatus().getConditions());
        assertThat(trimmed.getStatus().getImages()).isNullOrEmpty();
        assertThat(trimmed.getMetadata().getManagedFields()).isNullOrEmpty();
        assertThat(full.getMetadata().getManagedFields()).as("the informer's object is not changed").isNotEmpty();

        PodDisruptionBudget pdb = new PodDisruptionBudgetBuilder().withNewMetadata().withName("p").withNamespace("shop")
                .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kcm").build()).endMetadata()
                .withNewSpec().withNewSelector().addToMatchLabels("app", "a").endSelector().endSpec()
                .withNewStatus().withDisruptionsAllowed(2).endStatus().build();
        PodDisruptionBudget trimmedPdb = CachedForm.pdb(pdb);
        assertThat(ClusterObjectConverter.toPdbInfo(trimmedPdb)).isEqualTo(ClusterObjectConverter.toPdbInfo(pdb));
        assertThat(trimmedPdb.getMetadata().getManagedFields()).isNullOrEmpty();
    }

    private static final class Maps {
        static Map<String, String> filterKeys(Map<String, String> m, java.util.function.Predicate<String> keep) {
            return m.entrySet().stream().filter(e -> keep.test(e.getKey()))
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        }
    }

    /** A pod using every field the converter reads, so a field it starts to read and trimming drops shows here. */
    private static Pod everyConstraint() {
        return new PodBuilder().withNewMetadata().withName("every").withNamespace("shop").withUid("u-1")
                .withResourceVersion("9").withCreationTimestamp("2026-11-22T10:00:00Z")
                .withDeletionTimestamp("2026-11-22T11:00:00Z")
                .addToLabels("app", "every")
                .addToAnnotations(WellKnown.SAFE_TO_EVICT_ANNOTATION, "false")
                .addToAnnotations(WellKnown.SAFE_TO_EVICT_LOCAL_VOLUMES_ANNOTATION, "scratch")
                .addToAnnotations(WellKnown.DO_NOT_DISRUPT_ANNOTATION, "true")
                .addToAnnotations(WellKnown.MIRROR_POD_ANNOTATION, "x")
                .addToAnnotations("unrelated", "y")
                .addNewOwnerReference().withKind("StatefulSet").withName("every").withController(true).endOwnerReference()
                .addNewOwnerReference().withKind("Thing").withName("other").withController(false).endOwnerReference()
                .endMetadata()
                .withNewSpec()
                .withPriority(1000).withPriorityClassName("high").withHostNetwork(true)
                .withTerminationGracePeriodSeconds(120L)
                .addToNodeSelector("pool", "a")
                .addToOverhead("cpu", new Quantity("50m"))
                .addNewToleration().withKey("dedicated").withOperator("Equal").withValue("batch").withEffect("NoSchedule")
                .endToleration()
                .withNewAffinity()
                .withNewPodAffinity().addNewRequiredDuringSchedulingIgnoredDuringExecution()
                .withNewLabelSelector().addToMatchLabels("app", "cache").endLabelSelector()
                .withTopologyKey("topology.kubernetes.io/zone").withNamespaces("shop")
                .endRequiredDuringSchedulingIgnoredDuringExecution().endPodAffinity()
                .withNewPodAntiAffinity().addNewRequiredDuringSchedulingIgnoredDuringExecution()
                .withNewLabelSelector().addToMatchLabels("app", "every").endLabelSelector()
                .withTopologyKey("kubernetes.io/hostname").withNewNamespaceSelector().endNamespaceSelector()
                .endRequiredDuringSchedulingIgnoredDuringExecution().endPodAntiAffinity()
                .endAffinity()
                .addNewTopologySpreadConstraint().withMaxSkew(2).withTopologyKey("topology.kubernetes.io/zone")
                .withWhenUnsatisfiable("DoNotSchedule").withNewLabelSelector().addToMatchLabels("app", "every")
                .endLabelSelector().withMatchLabelKeys("app").endTopologySpreadConstraint()
                .addNewInitContainer().withName("sidecar").withRestartPolicy("Always").withNewResources()
                .addToRequests("cpu", new Quantity("200m")).endResources().endInitContainer()
                .addNewInitContainer().withName("init").withNewResources().addToRequests("memory", new Quantity("1Gi"))
                .endResources().endInitContainer()
                .addNewContainer().withName("main").withNewResources().addToRequests("cpu", new Quantity("1"))
                .addToLimits("memory", new Quantity("2Gi")).addToRequests("nvidia.com/gpu", new Quantity("1"))
                .endResources()
                .addNewPort().withContainerPort(8080).withProtocol("TCP").endPort()
                .addNewPort().withContainerPort(53).withHostPort(5353).withHostIP("10.0.0.1").withProtocol("UDP").endPort()
                .endContainer()
                .addNewVolume().withName("scratch").withNewEmptyDir().endEmptyDir().endVolume()
                .addNewVolume().withName("shm").withNewEmptyDir().withMedium("Memory").endEmptyDir().endVolume()
                .addNewVolume().withName("logs").withNewHostPath().withPath("/var/log").endHostPath().endVolume()
                .addNewVolume().withName("data").withNewPersistentVolumeClaim().withClaimName("d")
                .endPersistentVolumeClaim().endVolume()
                .endSpec()
                .withNewStatus().withPhase("Pending")
                .addNewCondition().withType("PodScheduled").withStatus("False").withReason("Unschedulable")
                .withMessage("0/3 nodes are available").endCondition()
                .endStatus()
                .build();
    }
}
