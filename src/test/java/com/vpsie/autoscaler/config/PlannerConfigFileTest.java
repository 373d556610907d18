package com.vpsie.autoscaler.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vpsie.autoscaler.model.Resources;
import com.vpsie.autoscaler.plan.PlannerSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlannerConfigFileTest {

    private static final PlannerSettings DEFAULTS = PlannerSettings.defaults();

    private static PlannerSettings parse(String yaml) throws InvalidConfigException {
        return PlannerConfigFile.parse(yaml, "planner.yaml");
    }

    private static void assertError(String yaml, String... fragments) {
        assertThatThrownBy(() -> parse(yaml))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("planner.yaml: ")
                .hasMessageContainingAll(fragments)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void emptyFileGivesDefaults() throws Exception {
        assertThat(parse("")).isEqualTo(DEFAULTS);
        assertThat(parse("{}")).isEqualTo(DEFAULTS);
        assertThat(parse("# nothing set\n")).isEqualTo(DEFAULTS);
    }

    @Test
    void nodeStartupTimeoutTakesGoAndIsoDurations() throws Exception {
        assertThat(parse("nodeStartupTimeout: 20m").nodeStartupTimeout()).isEqualTo(Duration.ofMinutes(20));
        assertThat(parse("nodeStartupTimeout: 90s").nodeStartupTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(parse("nodeStartupTimeout: 1h30m").nodeStartupTimeout()).isEqualTo(Duration.ofMinutes(90));
        assertThat(parse("nodeStartupTimeout: PT5M").nodeStartupTimeout()).isEqualTo(Duration.ofMinutes(5));
        PlannerSettings s = parse("nodeStartupTimeout: 20m");
        assertThat(s.expanders()).isEqualTo(DEFAULTS.expanders());
        assertThat(s.newNodeOverhead()).isEqualTo(DEFAULTS.newNodeOverhead());
    }

    @Test
    void nodeStartupTimeoutErrors() {
        assertError("nodeStartupTimeout: 15x", "nodeStartupTimeout", "15x");
        assertError("nodeStartupTimeout: 900", "nodeStartupTimeout", "without a unit");
        assertError("nodeStartupTimeout: 0s", "nodeStartupTimeout", "longer than zero");
        assertError("nodeStartupTimeout: -1m", "nodeStartupTimeout", "longer than zero");
    }

    @Test
    void drainRuleSettingsDefaultToClusterAutoscalersAndCanBeSet() throws Exception {
        assertThat(DEFAULTS.skipNodesWithCustomControllerPods()).isTrue();
        assertThat(DEFAULTS.blockingSystemPodDisruptionTimeout()).isEqualTo(Duration.ofHours(1));
        PlannerSettings s = parse("skipNodesWithCustomControllerPods: false\nblockingSystemPodDisruptionTimeout: 90m\n");
        assertThat(s.skipNodesWithCustomControllerPods()).isFalse();
        assertThat(s.blockingSystemPodDisruptionTimeout()).isEqualTo(Duration.ofMinutes(90));
        assertError("skipNodesWithCustomControllerPods: yes please", "skipNodesWithCustomControllerPods", "true or false");
        assertError("blockingSystemPodDisruptionTimeout: soon", "blockingSystemPodDisruptionTimeout", "soon");
    }

    @Test
    void utilizationSwitches() throws Exception {
        PlannerSettings s = parse("ignoreDaemonSetsUtilization: false\nignoreMirrorPodsUtilization: false\n");
        assertThat(s.ignoreDaemonSetUtilization()).isFalse();
        assertThat(s.ignoreMirrorPodUtilization()).isFalse();
        assertError("ignoreDaemonSetsUtilization: maybe", "ignoreDaemonSetsUtilization", "true or false");
        assertError("ignoreMirrorPodsUtilization: 1", "ignoreMirrorPodsUtilization", "true or false");
    }

    @Test
    void expandersAsListOrCommaString() throws Exception {
        assertThat(parse("expanders: [priority, least-waste]").expanders()).containsExactly("priority", "least-waste");
        assertThat(parse("expanders: \"priority, least-waste,random\"").expanders())
                .containsExactly("priority", "least-waste", "random");
        assertThat(parse("expanders: price").expanders()).containsExactly("price");
    }

    @Test
    void expanderErrors() {
        assertError("expanders: [priority, cheapest]", "expanders", "unknown expander 'cheapest'", "least-waste");
        assertError("expanders: []", "expanders", "at least one");
        assertError("expanders: \"priority,,price\"", "expanders", "unknown expander ''");
        assertError("expanders: [1]", "expanders[0]");
        assertError("expanders: {a: b}", "expanders", "a mapping");
    }

    @Test
    void priorities() throws Exception {
        PlannerSettings s = parse("""
                priorities:
                  10: [".*-spot-.*", "^batch-.*"]
                  50:
                    - general-.*
                  0: fallback
                """);
        assertThat(s.priorities()).isEqualTo(Map.of(
                10, List.of(".*-spot-.*", "^batch-.*"), 50, List.of("general-.*"), 0, List.of("fallback")));
    }

    @Test
    void priorityErrors() {
        assertError("priorities: {high: [a]}", "priorities.high", "whole number");
        assertError("priorities: {10: [\"a(\"]}", "priorities.10[0]", "invalid regular expression 'a('");
        assertError("priorities: {10: []}", "priorities.10", "non-empty list");
        assertError("priorities: {10: [3]}", "priorities.10[0]", "regular expression");
        assertError("priorities: [a]", "priorities", "mapping");
        assertError("priorities: {10: [a], \" 10\": [b]}", "given twice");
    }

    @Test
    void randomSeedAndMaxNodes() throws Exception {
        PlannerSettings s = parse("randomSeed: -7\nmaxNodesPerScaleUp: 50\n");
        assertThat(s.randomSeed()).isEqualTo(-7);
        assertThat(s.maxNodesPerScaleUp()).isEqualTo(50);
        assertError("randomSeed: abc", "randomSeed", "whole number");
        assertError("randomSeed: 1.5", "randomSeed", "whole number");
        assertError("maxNodesPerScaleUp: 0", "maxNodesPerScaleUp", "at least 1");
        assertError("maxNodesPerScaleUp: ten", "maxNodesPerScaleUp", "whole number");
    }

    @Test
    void newNodeOverhead() throws Exception {
        PlannerSettings s = parse("newNodeOverhead: {cpu: 250m, memory: 1Gi}");
        assertThat(s.newNodeOverhead()).isEqualTo(new Resources(250, 1024L * 1024 * 1024,
                DEFAULTS.newNodeOverhead().ephemeralStorageBytes(), DEFAULTS.newNodeOverhead().pods()));
        PlannerSettings cpuOnly = parse("newNodeOverhead:\n  cpu: 1\n");
        assertThat(cpuOnly.newNodeOverhead().cpuMillis()).isEqualTo(1000);
        assertThat(cpuOnly.newNodeOverhead().memoryBytes()).isEqualTo(DEFAULTS.newNodeOverhead().memoryBytes());
    }

    @Test
    void newNodeOverheadErrors() {
        assertError("newNodeOverhead: {cpu: lots}", "newNodeOverhead.cpu", "lots");
        assertError("newNodeOverhead: {memory: -1Gi}", "newNodeOverhead.memory");
        assertError("newNodeOverhead: {gpu: 1}", "newNodeOverhead.gpu", "unknown key");
        assertError("newNodeOverhead: 100m", "newNodeOverhead", "mapping");
    }

    @Test
    void unknownKeysAreErrorsNamingTheKey() {
        assertError("nodeStartupTimout: 15m", "nodeStartupTimout", "unknown key", "nodeStartupTimeout");
        assertError("expander: priority", "expander:", "unknown key");
    }

    @Test
    void structuralErrors() {
        assertError("expanders:", "expanders", "no value");
        assertError("- a\n- b\n", "top level");
        assertError("expanders: [a\n", "not valid YAML or JSON", "line");
        assertError("randomSeed: 1\nrandomSeed: 2\n", "randomSeed");
    }

    @Test
    void readsJsonFilesAndNamesTheFile(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("planner.json");
        Files.writeString(json, "{\"expanders\": [\"price\"], \"randomSeed\": 3}");
        PlannerSettings s = PlannerConfigFile.load(json);
        assertThat(s.expanders()).containsExactly("price");
        assertThat(s.randomSeed()).isEqualTo(3);

        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"randomSeed\": \"x\"}");
        assertThatThrownBy(() -> PlannerConfigFile.load(bad)).hasMessageStartingWith(bad + ": randomSeed: ");
        assertThatThrownBy(() -> PlannerConfigFile.load(dir.resolve("missing.yaml")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("missing.yaml")
                .hasMessageContaining("no such file");
    }
}
