package com.vpsie.autoscaler.cli;

import com.vpsie.autoscaler.provider.vpsie.StaticTokenAuth;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vpsie.autoscaler.config.ControllerConfig;
import com.vpsie.autoscaler.plan.PlannerSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RunOptionsTest {

    private final Map<String, String> env = new HashMap<>();
    private final Map<Path, String> files = new HashMap<>();

    private ControllerConfig config(Map<String, String> flags) throws RunOptions.InvalidOptionException {
        return new RunOptions(flags, env::get, files::get).toConfig();
    }

    private String error(Map<String, String> flags) {
        try {
            config(flags);
        } catch (RunOptions.InvalidOptionException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected " + flags + " to be rejected");
    }

    @Test
    void nothingGivenOutsideAPodIsTheDocumentedDefaults() throws Exception {
        assertThat(config(Map.of())).isEqualTo(ControllerConfig.defaults());
    }

    @Test
    void inAPodTheNamespaceAndIdentityComeFromThePod() throws Exception {
        files.put(RunOptions.SERVICE_ACCOUNT_NAMESPACE, "autoscaling");
        env.put("POD_NAME", "vpsie-autoscaler-7d9f-abcde");
        env.put("HOSTNAME", "ignored-when-pod-name-is-set");

        ControllerConfig c = config(Map.of());

        assertThat(c.leaseNamespace()).isEqualTo("autoscaling");
        assertThat(c.vpsieSecretNamespace()).isEqualTo("autoscaling");
        assertThat(c.identity()).isEqualTo("vpsie-autoscaler-7d9f-abcde");
    }

    @Test
    void identityFallsBackToTheHostName() throws Exception {
        env.put("HOSTNAME", "from-env");
        assertThat(config(Map.of()).identity()).isEqualTo("from-env");
        env.remove("HOSTNAME");
        files.put(RunOptions.HOSTNAME_FILE, "from-kernel");
        assertThat(config(Map.of()).identity()).isEqualTo("from-kernel");
    }

    @Test
    void environmentFillsInWhatTheCommandLineLeavesOut() throws Exception {
        env.put("VPSIE_AUTOSCALER_SCAN_INTERVAL", "30s");
        env.put("VPSIE_AUTOSCALER_LEADER_ELECT", "false");
        env.put("VPSIE_AUTOSCALER_NAMESPACES", "team-a, team-b,,team-a");
        env.put("VPSIE_AUTOSCALER_WORKERS", "8");
        env.put("VPSIE_AUTOSCALER_LEASE_NAMESPACE", "from-env");
        env.put("VPSIE_AUTOSCALER_IDENTITY", "replica-1");
        env.put("VPSIE_AUTOSCALER_VPSIE_URL", "http://sim.local:8080/v2/");
        env.put("VPSIE_AUTOSCALER_DEFAULT_CLUSTER_ID", "cl-1");
        env.put("VPSIE_AUTOSCALER_LOG_FORMAT", "JSON");
        env.put("POD_NAME", "loses-to-identity");
        files.put(RunOptions.SERVICE_ACCOUNT_NAMESPACE, "loses-to-env");

        ControllerConfig c = config(Map.of());

        assertThat(c.scanInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.leaderElect()).isFalse();
        assertThat(c.namespaces()).containsExactly("team-a", "team-b");
        assertThat(c.workers()).isEqualTo(8);
        assertThat(c.leaseNamespace()).isEqualTo("from-env");
        assertThat(c.identity()).isEqualTo("replica-1");
        assertThat(c.vpsieBaseUrl()).isEqualTo("http://sim.local:8080/v2");
        assertThat(c.defaultClusterId()).isEqualTo("cl-1");
        assertThat(c.logFormat()).isEqualTo("json");
    }

    @Test
    void aFlagBeatsTheEnvironmentAndAnEmptyVariableCountsAsUnset() throws Exception {
        env.put("VPSIE_AUTOSCALER_SCAN_INTERVAL", "30s");
        env.put("VPSIE_AUTOSCALER_WORKERS", "");
        ControllerConfig c = config(Map.of("--scan-interval", "1m30s"));
        assertThat(c.scanInterval()).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.workers()).isEqualTo(4);
    }

    @Test
    void anEmptyFlagSwitchesOffAnOptionalValueFromTheEnvironment() throws Exception {
        env.put("VPSIE_AUTOSCALER_DEFAULT_CLUSTER_ID", "cl-1");
        assertThat(config(Map.of("--default-cluster-id", "")).defaultClusterId()).isNull();
    }

    @Test
    void everyFlagIsRead() throws Exception {
        Map<String, String> flags = new HashMap<>();
        flags.put("--namespaces", "a,b");
        flags.put("--scan-interval", "20s");
        flags.put("--leader-elect", "FALSE");
        flags.put("--lease-name", "my.lease");
        flags.put("--lease-namespace", "ops");
        flags.put("--identity", "me");
        flags.put("--lease-duration", "30s");
        flags.put("--renew-deadline", "20s");
        flags.put("--retry-period", "5s");
        flags.put("--metrics-port", "9090");
        flags.put("--workers", "2");
        flags.put("--provider", "VPSie");
        flags.put("--vpsie-secret-name", "creds");
        flags.put("--vpsie-secret-namespace", "secrets");
        flags.put("--vpsie-url", "https://example.com/api");
        flags.put("--vpsie-token-auth", "Bearer");
        flags.put("--default-cluster-id", "c-9");
        flags.put("--provisioning-timeout", "20m");
        flags.put("--max-graceful-termination", "5m");
        flags.put("--max-pod-eviction-time", "90s");
        flags.put("--max-empty-bulk-delete", "3");
        flags.put("--max-drain-parallelism", "2");
        flags.put("--scale-down-failure-cooldown", "10m");
        flags.put("--unavailable-offerings-ttl", "5m");
        flags.put("--shutdown-grace-period", "45s");
        flags.put("--usage-sample-interval", "2m");
        flags.put("--log-format", "text");
        flags.put("--skip-nodes-with-custom-controller-pods", "false");
        flags.put("--blocking-system-pod-disruption-timeout", "3h");

        ControllerConfig c = config(flags);

        assertThat(c).isEqualTo(new ControllerConfig(null, List.of("a", "b"), Duration.ofSeconds(20), false,
                "my.lease", "ops", "me", Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofSeconds(5), 9090,
                2, "vpsie", "creds", "secrets", "https://example.com/api",
                StaticTokenAuth.BEARER, "c-9", Duration.ofMinutes(20),
                Duration.ofMinutes(5), Duration.ofSeconds(90), 3, 2, Duration.ofMinutes(10), Duration.ofSeconds(45),
                "text", PlannerSettings.defaults().withSkipNodesWithCustomControllerPods(false)
                        .withBlockingSystemPodDisruptionTimeout(Duration.ofHours(3)), null, Duration.ofMinutes(5),
                Duration.ofMinutes(2)));
        assertThat(flags.keySet()).hasSize(RunOptions.Flag.values().length - 2); // all but the two file flags
    }

    @Test
    void filesAreReadAndChecked(@TempDir Path dir) throws Exception {
        Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), "apiVersion: v1\n");
        Path planner = Files.writeString(dir.resolve("planner.yaml"), "maxNodesPerScaleUp: 7\n");

        ControllerConfig c = config(Map.of("--kubeconfig", kubeconfig.toString(),
                "--planner-config", planner.toString()));

        assertThat(c.kubeconfig()).isEqualTo(kubeconfig);
        assertThat(c.plannerConfigFile()).isEqualTo(planner);
        assertThat(c.planner().maxNodesPerScaleUp()).isEqualTo(7);
    }

    @Test
    void aBadPlannerConfigNamesTheFlagAndTheKey(@TempDir Path dir) throws IOException {
        Path planner = Files.writeString(dir.resolve("planner.yaml"), "maxNodesPerScaleUp: 0\n");
        assertThat(error(Map.of("--planner-config", planner.toString())))
                .startsWith("--planner-config: ")
                .contains("maxNodesPerScaleUp")
                .doesNotContain("\n");
        assertThat(error(Map.of("--planner-config", dir.resolve("missing.yaml").toString())))
                .startsWith("--planner-config: ").contains("no such file");
    }

    @Test
    void drainRuleFlagsWinOverThePlannerConfig(@TempDir Path dir) throws Exception {
        Path planner = Files.writeString(dir.resolve("planner.yaml"),
                "skipNodesWithCustomControllerPods: false\nblockingSystemPodDisruptionTimeout: 2h\n");
        ControllerConfig fromFile = config(Map.of("--planner-config", planner.toString()));
        assertThat(fromFile.planner().skipNodesWithCustomControllerPods()).isFalse();
        assertThat(fromFile.planner().blockingSystemPodDisruptionTimeout()).isEqualTo(Duration.ofHours(2));

        env.put("VPSIE_AUTOSCALER_BLOCKING_SYSTEM_POD_DISRUPTION_TIMEOUT", "30m");
        ControllerConfig flags = config(Map.of("--planner-config", planner.toString(),
                "--skip-nodes-with-custom-controller-pods", "true"));
        assertThat(flags.planner().skipNodesWithCustomControllerPods()).isTrue();
        assertThat(flags.planner().blockingSystemPodDisruptionTimeout()).isEqualTo(Duration.ofMinutes(30));

        env.remove("VPSIE_AUTOSCALER_BLOCKING_SYSTEM_POD_DISRUPTION_TIMEOUT");
        ControllerConfig none = config(Map.of());
        assertThat(none.planner().skipNodesWithCustomControllerPods()).isTrue();
        assertThat(none.planner().blockingSystemPodDisruptionTimeout()).isEqualTo(Duration.ofHours(1));
        assertThat(error(Map.of("--skip-nodes-with-custom-controller-pods", "maybe")))
                .startsWith("--skip-nodes-with-custom-controller-pods: ");
    }

    @Test
    void aMissingKubeconfigIsRejected(@TempDir Path dir) {
        assertThat(error(Map.of("--kubeconfig", dir.resolve("nope").toString())))
                .startsWith("--kubeconfig: ").contains("is not a readable file");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "--scan-interval               | 10x      | '10x' is not a duration (e.g. 10s, 1m30s)",
        "--scan-interval               | 0s       | must be longer than zero, got '0s'",
        "--scan-interval               | -5s      | must be longer than zero",
        "--leader-elect                | yes      | 'yes' is not true or false",
        "--lease-name                  | Bad_Name | is not an object name",
        "--lease-namespace             | a.b      | is not a namespace name",
        "--identity                    | ' '      | must not be empty",
        "--lease-duration              | soon     | is not a duration",
        "--renew-deadline              | 15s      | 15s must be shorter than --lease-duration (15s)",
        "--retry-period                | 10s      | 10s must be shorter than --renew-deadline (10s)",
        "--metrics-port                | 0        | must be between 1 and 65535, got 0",
        "--metrics-port                | 65536    | must be between 1 and 65535, got 65536",
        "--metrics-port                | http     | 'http' is not a whole number",
        "--workers                     | 0        | must be at least 1, got 0",
        "--provider                    | aws      | 'aws' is not a supported provider (supported: vpsie)",
        "--vpsie-secret-name           | ''       | is not an object name",
        "--vpsie-secret-namespace      | -x       | is not a namespace name",
        "--vpsie-url                   | ftp://x  | 'ftp://x' is not an http(s) URL",
        "--vpsie-url                   | api      | is not an http(s) URL",
        "--vpsie-token-auth            | header   | 'header' is not one of vpsie-auth, bearer or both",
        "--namespaces                  | a,B      | 'B' is not a namespace name",
        "--provisioning-timeout        | 15       | is not a duration",
        "--max-graceful-termination    | 0        | must be longer than zero",
        "--max-pod-eviction-time       | 2x       | is not a duration",
        "--max-empty-bulk-delete       | 0        | must be at least 1",
        "--max-drain-parallelism       | -1       | must be at least 1",
        "--scale-down-failure-cooldown | 3        | is not a duration",
        "--shutdown-grace-period       | 0s       | must be longer than zero",
        "--log-format                  | xml      | 'xml' is not a log format (auto, json or text)",
    })
    void eachBadValueIsOneLineNamingItsFlag(String flag, String value, String problem) {
        String message = error(Map.of(flag, value));
        assertThat(message).startsWith(flag + ": ").contains(problem).doesNotContain("\n");
    }

    @Test
    void aBadValueFromTheEnvironmentNamesTheVariableToo() {
        env.put("VPSIE_AUTOSCALER_SCAN_INTERVAL", "10x");
        assertThat(error(Map.of())).isEqualTo(
                "--scan-interval (from VPSIE_AUTOSCALER_SCAN_INTERVAL): '10x' is not a duration (e.g. 10s, 1m30s)");
    }

    @Test
    void theExceptionKnowsItsFlag() {
        assertThatThrownBy(() -> config(Map.of("--workers", "none")))
                .isInstanceOfSatisfying(RunOptions.InvalidOptionException.class,
                        e -> assertThat(e.option()).isEqualTo("--workers"));
    }

    @Test
    void environmentNamesFollowTheFlags() {
        assertThat(RunOptions.Flag.SCAN_INTERVAL.envName()).isEqualTo("VPSIE_AUTOSCALER_SCAN_INTERVAL");
        assertThat(RunOptions.Flag.VPSIE_SECRET_NAMESPACE.envName()).isEqualTo("VPSIE_AUTOSCALER_VPSIE_SECRET_NAMESPACE");
        assertThat(RunOptions.Flag.byOption("--max-empty-bulk-delete")).isEqualTo(RunOptions.Flag.MAX_EMPTY_BULK_DELETE);
    }
}
