package com.vpsie.autoscaler.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.vpsie.autoscaler.cli.RootCommand;
import com.vpsie.autoscaler.cli.RunOptions;
import com.vpsie.autoscaler.config.ControllerConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/** The controller's pod: hardened, bounded, probed, and started with flags the controller accepts. */
class DeploymentTest {

    private final Chart.Rendered rendered = Chart.renderDefaults();
    private final PodSpec pod = rendered.one(Deployment.class).getSpec().getTemplate().getSpec();
    private final Container container = pod.getContainers().get(0);

    @Test
    void podRunsAsNonRootUnderTheRuntimeDefaultSeccompProfile() {
        PodSecurityContext podContext = pod.getSecurityContext();

        assertThat(podContext.getRunAsNonRoot()).isTrue();
        assertThat(podContext.getRunAsUser()).isPositive();
        assertThat(podContext.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
        assertThat(pod.getHostPID()).isNotEqualTo(Boolean.TRUE);
        assertThat(pod.getHostIPC()).isNotEqualTo(Boolean.TRUE);
        assertThat(pod.getVolumes()).allSatisfy(v -> assertThat(v.getHostPath()).isNull());
    }

    @Test
    void containerIsLockedDown() {
        assertThat(pod.getContainers()).hasSize(1);
        assertThat(pod.getInitContainers()).isNullOrEmpty();
        SecurityContext c = container.getSecurityContext();

        assertThat(c.getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getReadOnlyRootFilesystem()).isTrue();
        assertThat(c.getPrivileged()).isNotEqualTo(Boolean.TRUE);
        assertThat(c.getRunAsNonRoot()).isTrue();
        assertThat(c.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(c.getCapabilities().getAdd()).isNullOrEmpty();
        assertThat(c.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        // With a read-only root, the JVM's temporary files go to a bounded emptyDir.
        assertThat(container.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
        assertThat(pod.getVolumes()).anySatisfy(v -> {
            assertThat(v.getName()).isEqualTo("tmp");
            assertThat(v.getEmptyDir().getSizeLimit()).isNotNull();
        });
    }

    @Test
    void requestsAndLimitsAreSet() {
        Map<String, Quantity> requests = container.getResources().getRequests();
        Map<String, Quantity> limits = container.getResources().getLimits();

        assertThat(requests).containsKeys("cpu", "memory");
        assertThat(limits).containsKeys("cpu", "memory");
        assertThat(Quantity.getAmountInBytes(limits.get("memory")))
                .isGreaterThanOrEqualTo(Quantity.getAmountInBytes(requests.get("memory")));
    }

    @Test
    void probesHitTheHealthEndpointsOnTheMetricsPort() {
        assertThat(container.getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getName()).isEqualTo("metrics");
            assertThat(p.getContainerPort()).isEqualTo(8080);
        });
        assertProbe(container.getLivenessProbe(), "/healthz");
        assertProbe(container.getReadinessProbe(), "/readyz");
        assertProbe(container.getStartupProbe(), "/healthz");
        assertThat(RbacLeastPrivilegeTest.containerArgs(rendered)).contains("--metrics-port=8080");
        Service service = rendered.one(Service.class);
        assertThat(service.getSpec().getPorts()).singleElement().satisfies(p ->
                assertThat(p.getTargetPort().getStrVal()).isEqualTo("metrics"));
    }

    @Test
    void identityComesFromThePodName() {
        assertThat(container.getEnv()).filteredOn(e -> e.getName().equals("POD_NAME")).singleElement()
                .extracting(EnvVar::getValueFrom).satisfies(from ->
                        assertThat(from.getFieldRef().getFieldPath()).isEqualTo("metadata.name"));
    }

    @Test
    void twoReplicasElectALeaderAndOneMayBeDisrupted() {
        assertThat(rendered.one(Deployment.class).getSpec().getReplicas()).isEqualTo(2);
        assertThat(RbacLeastPrivilegeTest.containerArgs(rendered)).contains("--leader-elect=true");
        PodDisruptionBudget pdb = rendered.one(PodDisruptionBudget.class);
        assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
        assertThat(pdb.getSpec().getSelector().getMatchLabels())
                .isEqualTo(rendered.one(Deployment.class).getSpec().getSelector().getMatchLabels());
        // The replicas prefer different nodes.
        assertThat(pod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution())
                .isNotEmpty();
    }

    @Test
    void terminationGraceOutlastsTheControllersShutdownGrace() {
        long shutdownGrace = ControllerConfig.defaults().shutdownGracePeriod().toSeconds();

        assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThan(shutdownGrace);
    }

    @Test
    void defaultArgsAreAcceptedByTheControllersOwnParser() throws Exception {
        List<String> args = container.getArgs();
        Map<String, String> given = parseRun(args);
        ControllerConfig config = new RunOptions(given, Map.of("POD_NAME", "vpsie-autoscaler-0")::get,
                path -> Chart.NAMESPACE).toConfig();

        assertThat(config.scanInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.leaseNamespace()).isEqualTo(Chart.NAMESPACE);
        assertThat(config.vpsieSecretNamespace()).isEqualTo(Chart.NAMESPACE);
        assertThat(config.identity()).isEqualTo("vpsie-autoscaler-0");
        assertThat(config.logFormat()).isEqualTo("json");
    }

    @Test
    void everyValueBecomesAFlagTheControllerKnows() {
        Chart.Rendered all = Chart.render(Map.ofEntries(
                Map.entry("vpsie.url", "https://api.example.test/v2"),
                Map.entry("vpsie.defaultClusterId", "cluster-1"),
                Map.entry("vpsie.tokenAuth", "bearer"),
                Map.entry("leaderElection.leaseName", "my-lease"),
                Map.entry("leaderElection.leaseDuration", "30s"),
                Map.entry("leaderElection.renewDeadline", "20s"),
                Map.entry("leaderElection.retryPeriod", "4s"),
                Map.entry("scanInterval", "30s"),
                Map.entry("logFormat", "text"),
                Map.entry("watchNamespaces[0]", "team-a"),
                Map.entry("watchNamespaces[1]", "team-b"),
                Map.entry("plannerConfig.expanders[0]", "least-waste"),
                Map.entry("extraArgs[0]", "--max-drain-parallelism=2"),
                Map.entry("javaToolOptions", "-Xss512k")));
        Container c = all.one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);

        Map<String, String> given = parseRun(c.getArgs());

        assertThat(given).containsEntry("--vpsie-url", "https://api.example.test/v2")
                .containsEntry("--default-cluster-id", "cluster-1")
                .containsEntry("--vpsie-token-auth", "bearer")
                .containsEntry("--lease-name", "my-lease")
                .containsEntry("--lease-duration", "30s")
                .containsEntry("--renew-deadline", "20s")
                .containsEntry("--retry-period", "4s")
                .containsEntry("--scan-interval", "30s")
                .containsEntry("--log-format", "text")
                .containsEntry("--namespaces", "team-a,team-b")
                .containsEntry("--planner-config", "/etc/vpsie-autoscaler/planner.yaml")
                .containsEntry("--max-drain-parallelism", "2");
        assertThat(c.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("JAVA_TOOL_OPTIONS");
            assertThat(e.getValue()).isEqualTo("-Xss512k");
        });
        assertThat(c.getVolumeMounts()).anySatisfy(m ->
                assertThat(m.getMountPath()).isEqualTo("/etc/vpsie-autoscaler"));
        String planner = all.ofKind("ConfigMap").get(0).toString();
        assertThat(planner).contains("least-waste");
    }

    private static void assertProbe(Probe probe, String path) {
        assertThat(probe).as("probe for %s", path).isNotNull();
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("metrics");
    }

    /** The flags of {@code run} as picocli parses them; an unknown flag fails the parse. */
    private static Map<String, String> parseRun(List<String> args) {
        assertThat(args.get(0)).isEqualTo("run");
        ParseResult result = RootCommand.commandLine().parseArgs(args.toArray(String[]::new));
        ParseResult run = result.subcommand();
        assertThat(run.commandSpec().name()).isEqualTo("run");
        Map<String, String> given = new LinkedHashMap<>();
        for (OptionSpec option : run.matchedOptions()) {
            given.put(option.longestName(), option.getValue());
        }
        assertThat(run.unmatched()).isEmpty();
        assertThat(given).hasSize(args.size() - 1);
        return given;
    }
}
