package com.vpsie.autoscaler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchCommandTest {

    @Test
    void lastLineIsTheJsonSummary() throws Exception {
        CliRun run = CliRun.of("bench", "--nodes", "30", "--pods-per-node", "10", "--pending", "20", "--groups", "3",
                "--passes", "2", "--warmup", "1");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("synthetic cluster", "planning pass", "baseline", "plan: scale up");
        JsonNode json = new ObjectMapper().readTree(run.lastOutLine());
        List<String> keys = new ArrayList<>();
        json.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("nodes", "pods", "pending", "passMsP50", "passMsP99", "baselineMsP50",
                "podsPerSec");
        assertThat(json.get("nodes").asInt()).isEqualTo(30);
        assertThat(json.get("pods").asInt()).isEqualTo(30 * 10 + 30 + 20);
        assertThat(json.get("pending").asInt()).isEqualTo(20);
    }

    @Test
    void flagsMustBePositive() {
        for (String flag : new String[] {"--nodes", "--pods-per-node", "--groups", "--passes"}) {
            CliRun run = CliRun.of("bench", flag, "0");
            assertThat(run.exitCode()).as(flag).isEqualTo(2);
            assertThat(run.err()).as(flag).contains(flag).doesNotContain("\tat ");
        }
        CliRun negative = CliRun.of("bench", "--pending", "-1");
        assertThat(negative.exitCode()).isEqualTo(2);
        assertThat(negative.err()).contains("--pending");
        CliRun notANumber = CliRun.of("bench", "--nodes", "many");
        assertThat(notANumber.exitCode()).isEqualTo(2);
        assertThat(notANumber.err()).contains("--nodes").contains("many");
    }

    @Test
    void cacheHeapPrintsTheThreeFormsLastLineJson() throws Exception {
        CliRun run = CliRun.of("bench", "--scenario", "cache-heap", "--cache-pods", "200");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.lastOutLine());
        assertThat(json.get("pods").asInt()).isEqualTo(200);
        assertThat(json.has("fullMiB") && json.has("trimmedMiB") && json.has("projectedMiB")).isTrue();
    }

    @Test
    void anUnknownScenarioIsNamed() {
        CliRun run = CliRun.of("bench", "--scenario", "ca-scale-sideways");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--scenario", "ca-scale-sideways").doesNotContain("\tat ");
    }
}
