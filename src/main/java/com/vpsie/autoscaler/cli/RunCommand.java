package com.vpsie.autoscaler.cli;

import com.vpsie.autoscaler.config.ControllerConfig;
import com.vpsie.autoscaler.config.LogFormat;
import com.vpsie.autoscaler.controller.ControllerApp;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * Runs the controller. Every flag falls back to a {@code VPSIE_AUTOSCALER_*} variable and then to the default
 * its help shows; {@link RunOptions} does that and the checks, so a bad value stops here on one line.
 */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = ManifestVersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Run the autoscaler controller against a Kubernetes cluster.",
            "Each option can also be set through the environment variable its description names; a flag given "
                    + "on the command line wins. Durations are written like 10s, 1m30s or 2h."})
public final class RunCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Replaced in tests, so they see neither the real environment nor the real pod files. */
    Function<String, String> environment = System::getenv;
    Function<Path, String> files = RunOptions::readFile;

    // The fields below only hold what picocli parsed. The values are read back through the parse result, by
    // flag name, so that RunOptions can tell "given on the command line" from "not given"; no defaults here.

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "Kubeconfig file to use; its impersonation "
            + "(as, as-groups, as-user-extra) is honoured.%n"
            + "Env VPSIE_AUTOSCALER_KUBECONFIG.%nDefault: $KUBECONFIG, ~/.kube/config or the pod's service account.")
    String kubeconfig;

    @Option(names = "--namespaces", paramLabel = "NS[,NS...]", description = "Namespaces whose NodeGroups are "
            + "managed, comma-separated.%nEnv VPSIE_AUTOSCALER_NAMESPACES.%nDefault: all namespaces.")
    String namespaces;

    @Option(names = "--scan-interval", paramLabel = "DURATION", description = "Run the autoscaling pass at "
            + "least this often.%nEnv VPSIE_AUTOSCALER_SCAN_INTERVAL.%nDefault: 10s.")
    String scanInterval;

    @Option(names = "--leader-elect", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true",
            description = "Elect one active replica through a Lease; --leader-elect=false runs without.%n"
                    + "Env VPSIE_AUTOSCALER_LEADER_ELECT.%nDefault: true.")
    String leaderElect;

    @Option(names = "--lease-name", paramLabel = "NAME", description = "Name of the leader election Lease.%n"
            + "Env VPSIE_AUTOSCALER_LEASE_NAME.%nDefault: vpsie-autoscaler.")
    String leaseName;

    @Option(names = "--lease-namespace", paramLabel = "NS", description = "Namespace of the Lease.%n"
            + "Env VPSIE_AUTOSCALER_LEASE_NAMESPACE.%nDefault: the pod's namespace, else kube-system.")
    String leaseNamespace;

    @Option(names = "--identity", paramLabel = "NAME", description = "This replica's name in the Lease and in "
            + "Events.%nEnv VPSIE_AUTOSCALER_IDENTITY.%nDefault: $POD_NAME, else the host name.")
    String identity;

    @Option(names = "--lease-duration", paramLabel = "DURATION", description = "How long a lease is valid "
            + "without renewal.%nEnv VPSIE_AUTOSCALER_LEASE_DURATION.%nDefault: 15s.")
    String leaseDuration;

    @Option(names = "--renew-deadline", paramLabel = "DURATION", description = "How long the leader keeps "
            + "trying to renew before it steps down; shorter than --lease-duration.%n"
            + "Env VPSIE_AUTOSCALER_RENEW_DEADLINE.%nDefault: 10s.")
    String renewDeadline;

    @Option(names = "--retry-period", paramLabel = "DURATION", description = "How often candidates try to take "
            + "the lease; shorter than --renew-deadline.%nEnv VPSIE_AUTOSCALER_RETRY_PERIOD.%nDefault: 2s.")
    String retryPeriod;

    @Option(names = "--metrics-port", paramLabel = "PORT", description = "Port of /metrics, /healthz and "
            + "/readyz.%nEnv VPSIE_AUTOSCALER_METRICS_PORT.%nDefault: 8080.")
    String metricsPort;

    @Option(names = "--workers", paramLabel = "N", description = "NodeGroup reconcile workers.%n"
            + "Env VPSIE_AUTOSCALER_WORKERS.%nDefault: 4.")
    String workers;

    @Option(names = "--provider", paramLabel = "NAME", description = "Cloud provider; only vpsie.%n"
            + "Env VPSIE_AUTOSCALER_PROVIDER.%nDefault: vpsie.")
    String provider;

    @Option(names = "--vpsie-secret-name", paramLabel = "NAME", description = "Secret holding the VPSie "
            + "credentials.%nEnv VPSIE_AUTOSCALER_VPSIE_SECRET_NAME.%nDefault: vpsie-credentials.")
    String vpsieSecretName;

    @Option(names = "--vpsie-secret-namespace", paramLabel = "NS", description = "Namespace of that Secret.%n"
            + "Env VPSIE_AUTOSCALER_VPSIE_SECRET_NAMESPACE.%nDefault: the pod's namespace, else kube-system.")
    String vpsieSecretNamespace;

    @Option(names = "--vpsie-url", paramLabel = "URL", description = "VPSie API base URL; a 'url' key in the "
            + "Secret wins.%nEnv VPSIE_AUTOSCALER_VPSIE_URL.%nDefault: https://api.vpsie.com/v2.")
    String vpsieUrl;

    @Option(names = "--vpsie-token-auth", paramLabel = "MODE", description = "How a static token from the Secret "
            + "is sent: vpsie-auth (Vpsie-Auth header, as VPSie's Go SDK), bearer (Authorization: Bearer, as VPSie's "
            + "Go autoscaler) or both.%nEnv VPSIE_AUTOSCALER_VPSIE_TOKEN_AUTH.%nDefault: both.")
    String vpsieTokenAuth;

    @Option(names = "--default-cluster-id", paramLabel = "ID", description = "VPSie cluster for NodeGroups "
            + "without spec.resourceIdentifier.%nEnv VPSIE_AUTOSCALER_DEFAULT_CLUSTER_ID.%nDefault: none.")
    String defaultClusterId;

    @Option(names = "--provisioning-timeout", paramLabel = "DURATION", description = "A server that is not a "
            + "Ready node by then is a failed scale-up.%nEnv VPSIE_AUTOSCALER_PROVISIONING_TIMEOUT.%nDefault: 15m.")
    String provisioningTimeout;

    @Option(names = "--max-graceful-termination", paramLabel = "DURATION", description = "Cap on a pod's "
            + "termination grace period while draining.%nEnv VPSIE_AUTOSCALER_MAX_GRACEFUL_TERMINATION.%n"
            + "Default: 600s.")
    String maxGracefulTermination;

    @Option(names = "--max-pod-eviction-time", paramLabel = "DURATION", description = "How long an eviction "
            + "refused by a PodDisruptionBudget is retried.%nEnv VPSIE_AUTOSCALER_MAX_POD_EVICTION_TIME.%n"
            + "Default: 2m.")
    String maxPodEvictionTime;

    @Option(names = "--max-empty-bulk-delete", paramLabel = "N", description = "Empty nodes removed per pass "
            + "at most.%nEnv VPSIE_AUTOSCALER_MAX_EMPTY_BULK_DELETE.%nDefault: 10.")
    String maxEmptyBulkDelete;

    @Option(names = "--max-drain-parallelism", paramLabel = "N", description = "Non-empty nodes drained at a "
            + "time.%nEnv VPSIE_AUTOSCALER_MAX_DRAIN_PARALLELISM.%nDefault: 1.")
    String maxDrainParallelism;

    @Option(names = "--scale-down-failure-cooldown", paramLabel = "DURATION", description = "No scale-down of "
            + "a group for this long after a failed one.%nEnv VPSIE_AUTOSCALER_SCALE_DOWN_FAILURE_COOLDOWN.%n"
            + "Default: 3m.")
    String scaleDownFailureCooldown;

    @Option(names = "--unavailable-offerings-ttl", paramLabel = "DURATION", description = "How long a size VPSie "
            + "refused for lack of capacity in a datacenter is skipped there (other sizes and groups are chosen "
            + "meanwhile).%nEnv VPSIE_AUTOSCALER_UNAVAILABLE_OFFERINGS_TTL.%nDefault: 3m.")
    String unavailableOfferingsTtl;

    @Option(names = "--usage-sample-interval", paramLabel = "DURATION", description = "How often node usage is read "
            + "from the metrics.k8s.io API (metrics-server) for NodeGroups whose scale-down judges by usage."
            + "%nEnv VPSIE_AUTOSCALER_USAGE_SAMPLE_INTERVAL.%nDefault: 60s.")
    String usageSampleInterval;

    @Option(names = "--shutdown-grace-period", paramLabel = "DURATION", description = "The whole budget from "
            + "SIGTERM to exit (work in flight, then the lease release).%nEnv VPSIE_AUTOSCALER_SHUTDOWN_GRACE_PERIOD.%nDefault: 30s.")
    String shutdownGracePeriod;

    @Option(names = "--log-format", paramLabel = "FORMAT", description = "auto, json or text; auto is JSON "
            + "(on stdout) without a terminal, text (on stderr) at one. JSON times are RFC 3339, UTC.%nEnv VPSIE_AUTOSCALER_LOG_FORMAT.%n"
            + "Default: auto.")
    String logFormat;

    @Option(names = "--planner-config", paramLabel = "FILE", description = "Planner settings as YAML or JSON "
            + "(nodeStartupTimeout, expanders, priorities, ...).%nEnv VPSIE_AUTOSCALER_PLANNER_CONFIG.%n"
            + "Default: the built-in planner settings.")
    String plannerConfig;

    @Option(names = "--skip-nodes-with-custom-controller-pods", paramLabel = "BOOL", arity = "0..1",
            fallbackValue = "true", description = "A pod whose controller is not a ReplicationController, Job, "
            + "ReplicaSet or StatefulSet keeps its node, as in cluster-autoscaler; false lets any controller's pod "
            + "move. Wins over the planner settings.%nEnv VPSIE_AUTOSCALER_SKIP_NODES_WITH_CUSTOM_CONTROLLER_PODS.%n"
            + "Default: true, or the planner settings' value.")
    String skipNodesWithCustomControllerPods;

    @Option(names = "--blocking-system-pod-disruption-timeout", paramLabel = "DURATION", description = "How long "
            + "after its creation a kube-system pod without a PodDisruptionBudget keeps its node "
            + "(cluster-autoscaler's --blocking-system-pod-distruption-timeout). Wins over the planner settings.%n"
            + "Env VPSIE_AUTOSCALER_BLOCKING_SYSTEM_POD_DISRUPTION_TIMEOUT.%n"
            + "Default: 1h, or the planner settings' value.")
    String blockingSystemPodDisruptionTimeout;

    @Override
    public Integer call() {
        ControllerConfig config = toConfig();
        LogFormat.apply(config.logFormat());
        return ControllerApp.run(config);
    }

    /**
     * The validated config for the parsed command line; a bad value becomes picocli's usage error, which
     * prints one line naming the flag and exits 2.
     */
    ControllerConfig toConfig() {
        try {
            return new RunOptions(givenFlags(), environment, files).toConfig();
        } catch (RunOptions.InvalidOptionException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private Map<String, String> givenFlags() {
        Map<String, String> given = new LinkedHashMap<>();
        for (OptionSpec option : spec.commandLine().getParseResult().matchedOptions()) {
            if (!option.usageHelp() && !option.versionHelp()) {
                given.put(option.longestName(), option.getValue());
            }
        }
        return given;
    }
}
