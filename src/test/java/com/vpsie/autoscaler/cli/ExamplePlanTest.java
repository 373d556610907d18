package com.vpsie.autoscaler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The plan `make demo` shows, over the bundled example, in the JSON contract the README documents. */
class ExamplePlanTest {

    private static JsonNode examplePlan() throws Exception {
        CliRun run = CliRun.of("plan", "--snapshot", "examples/snapshot.yaml", "--offerings", "examples/offerings.yaml",
                "--now", "2026-11-22T12:00:00Z", "--output", "json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty();
        return new ObjectMapper().readTree(run.out());
    }

    @Test
    void theContractHasFourArraysWithTheirKeys() throws Exception {
        JsonNode plan = examplePlan();
        List<String> keys = new ArrayList<>();
        plan.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("scaleUp", "scaleDown", "unremovable", "noScaleUp");
        plan.get("scaleUp").forEach(u -> assertThat(fields(u)).containsExactly("nodeGroup", "offering", "count", "pods"));
        plan.get("scaleDown").forEach(d -> assertThat(fields(d)).containsExactly("node", "nodeGroup", "reason"));
        plan.get("noScaleUp").forEach(n -> assertThat(fields(n)).containsExactly("pod", "reason", "message"));
    }

    @Test
    void everyNodeOfTheSnapshotIsInScaleDownOrUnremovableOnce() throws Exception {
        JsonNode plan = examplePlan();
        List<String> nodes = new ArrayList<>();
        plan.get("scaleDown").forEach(d -> nodes.add(d.get("node").asText()));
        plan.get("unremovable").forEach(u -> nodes.add(u.get("node").asText()));
        assertThat(nodes).containsExactlyInAnyOrder("cp-1", "general-a1b2c", "general-d3e4f", "general-g5h6i",
                "general-j7k8l", "highmem-m9n0p", "gpu-q1r2s");
    }

    @Test
    void theExampleTellsTheWholeStory() throws Exception {
        JsonNode plan = examplePlan();
        assertThat(plan.at("/scaleUp/0/nodeGroup").asText()).isEqualTo("highmem");
        assertThat(plan.at("/scaleUp/0/pods").toString()).contains("shop/search-5d8b6c7f4-n8wq3");
        assertThat(plan.get("scaleDown").toString())
                .contains("{\"node\":\"general-j7k8l\",\"nodeGroup\":\"general\",\"reason\":\"Empty\"}")
                .contains("{\"node\":\"general-g5h6i\",\"nodeGroup\":\"general\",\"reason\":\"Underutilized\"}");
        assertThat(plan.get("unremovable").toString())
                .contains("{\"node\":\"cp-1\",\"reason\":\"NotAutoscaled\"}")
                .contains("{\"node\":\"highmem-m9n0p\",\"nodeGroup\":\"highmem\",\"reason\":\"ScaleDownDisabledAnnotation\"}");
        assertThat(plan.get("noScaleUp").toString()).contains("\"pod\":\"ml/train-big\",\"reason\":\"NoNodeGroupFits\"");
    }

    private static List<String> fields(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
