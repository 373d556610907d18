package com.vpsie.autoscaler.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeGroupValidationTest {

    private static NodeGroup valid() {
        NodeGroup ng = new NodeGroup();
        ng.setMetadata(new ObjectMetaBuilder().withName("general").withNamespace("vpsie-system").build());
        NodeGroupSpec spec = new NodeGroupSpec();
        spec.setMinNodes(1);
        spec.setMaxNodes(5);
        spec.setDatacenterID("us-ny-1");
        spec.setOfferingIDs(List.of("vps-2c-4g", "vps-4c-8g"));
        ng.setSpec(spec);
        return ng;
    }

    private static List<String> errors(NodeGroup ng) {
        List<String> out = new ArrayList<>();
        for (FieldError e : NodeGroupValidation.validate(ng)) {
            out.add(e.toString());
        }
        return out;
    }

    @Test
    void aMinimalGroupIsValidWithoutResourceIdentifierProjectOrKubernetesVersion() {
        NodeGroup ng = valid();
        assertThat(ng.getSpec().getResourceIdentifier()).isNull();
        assertThat(ng.getSpec().getProject()).isNull();
        assertThat(ng.getSpec().getKubernetesVersion()).isNull();
        assertThat(NodeGroupValidation.validate(ng)).isEmpty();
    }

    @Test
    void missingSpec() {
        NodeGroup ng = valid();
        ng.setSpec(null);
        assertThat(errors(ng)).containsExactly("spec: required");
    }

    @Test
    void minNodesMustNotExceedMaxNodes() {
        NodeGroup ng = valid();
        ng.getSpec().setMinNodes(5);
        ng.getSpec().setMaxNodes(3);
        assertThat(NodeGroupValidation.validate(ng))
                .containsExactly(new FieldError("spec.minNodes", "minNodes (5) must not exceed maxNodes (3)"));
    }

    @Test
    void minEqualToMaxIsFine() {
        NodeGroup ng = valid();
        ng.getSpec().setMinNodes(3);
        ng.getSpec().setMaxNodes(3);
        assertThat(errors(ng)).isEmpty();
    }

    @Test
    void boundsOfMinAndMax() {
        NodeGroup ng = valid();
        ng.getSpec().setMinNodes(-1);
        ng.getSpec().setMaxNodes(0);
        assertThat(errors(ng)).containsExactly(
                "spec.minNodes: must be at least 0 (got -1)",
                "spec.maxNodes: must be at least 1 (got 0)");
    }

    @Test
    void minAndMaxAreRequired() {
        NodeGroup ng = valid();
        ng.getSpec().setMinNodes(null);
        ng.getSpec().setMaxNodes(null);
        assertThat(errors(ng)).containsExactly("spec.minNodes: required", "spec.maxNodes: required");
    }

    @Test
    void datacenterIsRequired() {
        NodeGroup ng = valid();
        ng.getSpec().setDatacenterID(" ");
        assertThat(errors(ng)).containsExactly("spec.datacenterID: required");
    }

    @Test
    void offeringsMustBeGivenAndNotBlank() {
        NodeGroup ng = valid();
        ng.getSpec().setOfferingIDs(List.of());
        assertThat(errors(ng)).containsExactly("spec.offeringIDs: at least one offering is required");

        ng.getSpec().setOfferingIDs(null);
        assertThat(errors(ng)).containsExactly("spec.offeringIDs: at least one offering is required");

        ng.getSpec().setOfferingIDs(Arrays.asList("vps-2c-4g", "", null));
        assertThat(errors(ng)).containsExactly(
                "spec.offeringIDs[1]: must not be blank", "spec.offeringIDs[2]: must not be blank");
    }

    @Test
    void preferredInstanceTypeMustBeOneOfTheOfferings() {
        NodeGroup ng = valid();
        ng.getSpec().setPreferredInstanceType("vps-8c-32g");
        assertThat(errors(ng)).containsExactly(
                "spec.preferredInstanceType: 'vps-8c-32g' is not one of offeringIDs [vps-2c-4g, vps-4c-8g]");

        ng.getSpec().setPreferredInstanceType("vps-4c-8g");
        assertThat(errors(ng)).isEmpty();

        ng.getSpec().setPreferredInstanceType("");
        assertThat(errors(ng)).as("empty is Go's 'not set'").isEmpty();
    }

    @Test
    void thresholdsArePercentages() {
        NodeGroup ng = valid();
        ScaleUpPolicySpec up = new ScaleUpPolicySpec();
        up.setCpuThreshold(101);
        up.setMemoryThreshold(-1);
        ng.getSpec().setScaleUpPolicy(up);
        ScaleDownPolicySpec down = new ScaleDownPolicySpec();
        down.setCpuThreshold(100);
        down.setMemoryThreshold(0);
        ng.getSpec().setScaleDownPolicy(down);
        assertThat(errors(ng)).containsExactly(
                "spec.scaleUpPolicy.cpuThreshold: must be between 0 and 100 (got 101)",
                "spec.scaleUpPolicy.memoryThreshold: must be between 0 and 100 (got -1)");

        down.setMemoryThreshold(250);
        assertThat(errors(ng)).contains("spec.scaleDownPolicy.memoryThreshold: must be between 0 and 100 (got 250)");
    }

    @Test
    void utilizationSourceIsOneOfItsWords() {
        NodeGroup ng = valid();
        ScaleDownPolicySpec down = new ScaleDownPolicySpec();
        down.setUtilizationSource("metrics");
        ng.getSpec().setScaleDownPolicy(down);
        assertThat(errors(ng)).containsExactly(
                "spec.scaleDownPolicy.utilizationSource: must be one of requests, usage, both (got \"metrics\")");
        for (String word : new String[] {"requests", "usage", "both"}) {
            down.setUtilizationSource(word);
            assertThat(errors(ng)).isEmpty();
        }
    }

    @Test
    void windowsAndCooldownMustNotBeNegative() {
        NodeGroup ng = valid();
        ScaleUpPolicySpec up = new ScaleUpPolicySpec();
        up.setStabilizationWindowSeconds(-5);
        ng.getSpec().setScaleUpPolicy(up);
        ScaleDownPolicySpec down = new ScaleDownPolicySpec();
        down.setStabilizationWindowSeconds(-1);
        down.setCooldownSeconds(-60);
        ng.getSpec().setScaleDownPolicy(down);
        assertThat(errors(ng)).containsExactly(
                "spec.scaleUpPolicy.stabilizationWindowSeconds: must not be negative (got -5)",
                "spec.scaleDownPolicy.stabilizationWindowSeconds: must not be negative (got -1)",
                "spec.scaleDownPolicy.cooldownSeconds: must not be negative (got -60)");

        down.setCooldownSeconds(0);
        down.setStabilizationWindowSeconds(0);
        up.setStabilizationWindowSeconds(0);
        assertThat(errors(ng)).isEmpty();
    }

    @Test
    void taintsNeedAKeyAndAKnownEffect() {
        NodeGroup ng = valid();
        Taint noKey = new Taint("NoSchedule", null, null, "x");
        Taint badEffect = new Taint("Sometimes", "dedicated", null, "gpu");
        Taint good = new Taint("NoExecute", "dedicated", null, null);
        ng.getSpec().setTaints(List.of(noKey, badEffect, good));
        assertThat(errors(ng)).containsExactly(
                "spec.taints[0].key: required",
                "spec.taints[1].effect: unknown taint effect 'Sometimes' (NoSchedule, PreferNoSchedule or NoExecute)");
    }

    @Test
    void kubeSizeIdStartsAtOne() {
        NodeGroup ng = valid();
        ng.getSpec().setKubeSizeID(0);
        assertThat(errors(ng)).containsExactly("spec.kubeSizeID: must be at least 1 (got 0)");
        ng.getSpec().setKubeSizeID(1);
        assertThat(errors(ng)).isEmpty();
    }

    @Test
    void reportsEveryProblemAtOnce() {
        NodeGroup ng = valid();
        ng.getSpec().setMinNodes(4);
        ng.getSpec().setMaxNodes(2);
        ng.getSpec().setDatacenterID(null);
        ng.getSpec().setOfferingIDs(List.of());
        assertThat(errors(ng)).containsExactly(
                "spec.minNodes: minNodes (4) must not exceed maxNodes (2)",
                "spec.datacenterID: required",
                "spec.offeringIDs: at least one offering is required");
    }
}
