package com.vpsie.autoscaler.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupSpec;
import com.vpsie.autoscaler.api.v1alpha1.ScaleUpPolicySpec;
import java.io.File;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IgnoredSpecFieldsTest {

    @Test
    void everyFieldTheAddWorkerCallCannotCarryIsNamedInTheCrdsOrder() {
        NodeGroupSpec spec = ControllerFixtures.group("g", 0, 1).getSpec();
        spec.setUserData("#cloud-config");
        ScaleUpPolicySpec up = new ScaleUpPolicySpec();
        up.setCpuThreshold(60);
        spec.setScaleUpPolicy(up);
        spec.setSshKeyIDs(List.of("ops"));
        spec.setTags(List.of("prod"));
        spec.setOsImageID("ubuntu-24.04");
        spec.setKubernetesVersion("v1.34.2");
        spec.setProject("p-1");
        spec.setNotes("managed");
        spec.setSpotConfig(Map.of("enabled", true));
        spec.setMultiRegion(Map.of("regions", List.of("us-ny-1")));
        spec.setCostOptimization(Map.of("enabled", true));

        assertThat(IgnoredSpecFields.of(spec)).containsExactly("spec.project", "spec.kubernetesVersion",
                "spec.osImageID", "spec.sshKeyIDs", "spec.tags", "spec.notes", "spec.userData", "spec.scaleUpPolicy.cpuThreshold", "spec.spotConfig",
                "spec.multiRegion", "spec.costOptimization");
    }

    @Test
    void emptyValuesAndOptionsSwitchedOffAskForNothing() {
        NodeGroupSpec spec = ControllerFixtures.group("g", 0, 1).getSpec();
        spec.setUserData("  ");
        spec.setTags(List.of());
        spec.setSpotConfig(Map.of("enabled", false));
        spec.setCostOptimization(Map.of());
        spec.setResourceIdentifier("cluster-uuid");
        spec.setKubeSizeID(3);
        spec.setLabels(Map.of("workload", "general"));
        spec.setScaleUpPolicy(new ScaleUpPolicySpec()); // the defaults the API server fills in

        assertThat(IgnoredSpecFields.of(spec)).isEmpty();
        assertThat(IgnoredSpecFields.of(null)).isEmpty();
    }

    @Test
    void theMessageNamesTheFieldsAndWhy() {
        assertThat(IgnoredSpecFields.message(List.of("spec.userData"))).startsWith("spec.userData is accepted but not "
                + "used: VPSie's add-worker call takes no server settings");
        assertThat(IgnoredSpecFields.message(List.of("spec.tags", "spec.userData")))
                .startsWith("spec.tags, spec.userData are accepted");
    }

    @Test
    void theExampleManifestsSayWhatTheConditionWillSay() throws IOException {
        Map<String, List<String>> ignored = new LinkedHashMap<>();
        try (MappingIterator<NodeGroup> docs = new ObjectMapper(new YAMLFactory()).readerFor(NodeGroup.class)
                .readValues(new File("examples/nodegroups.yaml"))) {
            while (docs.hasNext()) {
                NodeGroup g = docs.next();
                ignored.put(g.getMetadata().getName(), IgnoredSpecFields.of(g.getSpec()));
            }
        }

        assertThat(ignored).containsOnly(Map.entry("general", List.of()), Map.entry("highmem", List.of()),
                Map.entry("gpu", List.of("spec.osImageID", "spec.tags", "spec.userData")));
    }
}
