package com.vpsie.autoscaler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.vpsie.autoscaler.plan.Plan;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanJsonWriterTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    static Plan samplePlan() {
        return new Plan(
                List.of(new Plan.ScaleUp("general", "vps-4c-8g", 2, List.of("default/web-1", "default/web-2"))),
                List.of(new Plan.ScaleDown("node-3", "general", Plan.ScaleDownKind.Empty),
                        new Plan.ScaleDown("node-4", "batch", Plan.ScaleDownKind.Underutilized)),
                List.of(new Plan.Unremovable("node-1", "general", "BlockedByPod", "default/db-0", "NotEnoughPdb"),
                        new Plan.Unremovable("node-2", null, "NotAutoscaled", null, null)),
                List.of(new Plan.NoScaleUp("default/huge", "NoNodeGroupFits", "general: insufficient cpu")));
    }

    @Test
    void writesTheContractShape() throws Exception {
        JsonNode expected = MAPPER.readTree("""
                {"scaleUp":[{"nodeGroup":"general","offering":"vps-4c-8g","count":2,
                             "pods":["default/web-1","default/web-2"]}],
                 "scaleDown":[{"node":"node-3","nodeGroup":"general","reason":"Empty"},
                              {"node":"node-4","nodeGroup":"batch","reason":"Underutilized"}],
                 "unremovable":[{"node":"node-1","nodeGroup":"general","reason":"BlockedByPod",
                                 "pod":"default/db-0","podReason":"NotEnoughPdb"},
                                {"node":"node-2","reason":"NotAutoscaled"}],
                 "noScaleUp":[{"pod":"default/huge","reason":"NoNodeGroupFits","message":"general: insufficient cpu"}]}
                """);
        String text = PlanJsonWriter.render(samplePlan());
        assertThat(MAPPER.readTree(text)).isEqualTo(expected);
        assertThat(text).doesNotContain("null");
    }

    @Test
    void keysComeInContractOrder() throws Exception {
        JsonNode tree = MAPPER.readTree(PlanJsonWriter.render(samplePlan()));
        assertThat(fieldNames(tree)).containsExactly("scaleUp", "scaleDown", "unremovable", "noScaleUp");
        assertThat(fieldNames(tree.get("scaleUp").get(0))).containsExactly("nodeGroup", "offering", "count", "pods");
        assertThat(fieldNames(tree.get("scaleDown").get(0))).containsExactly("node", "nodeGroup", "reason");
        assertThat(fieldNames(tree.get("unremovable").get(0)))
                .containsExactly("node", "nodeGroup", "reason", "pod", "podReason");
        assertThat(fieldNames(tree.get("noScaleUp").get(0))).containsExactly("pod", "reason", "message");
    }

    @Test
    void aScaleDownJudgedByUsageAddsItsUsageAfterTheExistingKeys() throws Exception {
        Plan plan = new Plan(List.of(), List.of(new Plan.ScaleDown("node-5", "batch", Plan.ScaleDownKind.Underutilized,
                new Plan.Usage("Underutilized", 10, 9, 0.123456, 0.5))), List.of(), List.of());
        JsonNode entry = MAPPER.readTree(PlanJsonWriter.render(plan)).get("scaleDown").get(0);
        assertThat(fieldNames(entry)).containsExactly("node", "nodeGroup", "reason", "usage");
        assertThat(entry.get("reason").asText()).isEqualTo("Underutilized");
        assertThat(entry.get("usage")).isEqualTo(MAPPER.readTree(
                "{\"state\":\"Underutilized\",\"samples\":10,\"samplesBelow\":9,"
                        + "\"cpuFraction\":0.123,\"memoryFraction\":0.5}"));
    }

    @Test
    void emptyPlanHasAllFourArrays() throws Exception {
        String text = PlanJsonWriter.render(new Plan(List.of(), List.of(), List.of(), List.of()));
        assertThat(text).contains("\"scaleUp\": []");
        assertThat(MAPPER.readTree(text)).isEqualTo(
                MAPPER.readTree("{\"scaleUp\":[],\"scaleDown\":[],\"unremovable\":[],\"noScaleUp\":[]}"));
    }

    @Test
    void isExactlyOneDocument() throws Exception {
        String text = PlanJsonWriter.render(samplePlan());
        var parser = MAPPER.getFactory().createParser(text);
        MAPPER.readTree(parser);
        assertThat(parser.nextToken()).isNull();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
