package com.vpsie.autoscaler.config;

import com.vpsie.autoscaler.plan.PlannerSettings;
import com.vpsie.autoscaler.provider.vpsie.StaticTokenAuth;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything `run` is configured with, validated and immutable. Built from flags (with environment
 * fallbacks) by the run command; defaults are cluster-autoscaler's where it has one.
 *
 * @param kubeconfig a kubeconfig file, or null for in-cluster config / the default kubeconfig
 * @param namespaces namespaces whose NodeGroups are managed; empty means all
 * @param scanInterval how often the autoscaling pass runs at the latest
 * @param leaderElect elect one active replica through a Lease
 * @param leaseName the Lease's name
 * @param leaseNamespace the Lease's namespace (the pod's own namespace in a cluster)
 * @param identity this replica's name in the Lease (the pod name)
 * @param leaseDuration how long a lease is valid without renewal
 * @param renewDeadline how long the leader keeps trying to renew before it steps down
 * @param retryPeriod how often candidates try to take the lease
 * @param metricsPort port of /metrics, /healthz and /readyz
 * @param workers NodeGroup reconcile workers
 * @param provider cloud provider name (only "vpsie" outside tests)
 * @param vpsieSecretName Secret holding the VPSie credentials
 * @param vpsieSecretNamespace its namespace
 * @param vpsieBaseUrl VPSie API base URL (a {@code url} key in the Secret wins)
 * @param vpsieTokenAuth which header(s) carry a static token from the Secret
 * @param defaultClusterId VPSie cluster used by NodeGroups without spec.resourceIdentifier
 * @param provisioningTimeout a server not Ready as a node by then is a failed scale-up
 * @param maxGracefulTermination cap on a pod's termination grace period while draining
 * @param maxPodEvictionTime how long an eviction refused by a PDB is retried
 * @param maxEmptyBulkDelete empty nodes removed per pass at most
 * @param maxDrainParallelism non-empty nodes drained at a time
 * @param scaleDownFailureCooldown no scale-down of a group for this long after a failed one
 * @param shutdownGracePeriod how long in-flight work may finish after SIGTERM
 * @param logFormat "json", "text" or "auto" (JSON when stdout is not a terminal)
 * @param planner the decision core's settings
 * @param plannerConfigFile where {@code planner} came from, or null for defaults
 * @param unavailableOfferingsTtl how long a size refused for lack of capacity in a datacenter is skipped there
 * @param usageSampleInterval how often node usage is read from the metrics.k8s.io API
 */
public record ControllerConfig(
        Path kubeconfig,
        List<String> namespaces,
        Duration scanInterval,
        boolean leaderElect,
        String leaseName,
        String leaseNamespace,
        String identity,
        Duration leaseDuration,
        Duration renewDeadline,
        Duration retryPeriod,
        int metricsPort,
        int workers,
        String provider,
        String vpsieSecretName,
        String vpsieSecretNamespace,
        String vpsieBaseUrl,
        StaticTokenAuth vpsieTokenAuth,
        String defaultClusterId,
        Duration provisioningTimeout,
        Duration maxGracefulTermination,
        Duration maxPodEvictionTime,
        int maxEmptyBulkDelete,
        int maxDrainParallelism,
        Duration scaleDownFailureCooldown,
        Duration shutdownGracePeriod,
        String logFormat,
        PlannerSettings planner,
        Path plannerConfigFile,
        Duration unavailableOfferingsTtl,
        Duration usageSampleInterval) {

    /** Karpenter keeps its unavailable-offerings cache this long. */
    public static final Duration DEFAULT_UNAVAILABLE_OFFERINGS_TTL = Duration.ofMinutes(3);

    /** The Go VPSie autoscaler's: metrics-server refreshes about this often. */
    public static final Duration DEFAULT_USAGE_SAMPLE_INTERVAL = Duration.ofSeconds(60);

    public ControllerConfig {
        namespaces = List.copyOf(namespaces);
        unavailableOfferingsTtl = unavailableOfferingsTtl == null ? DEFAULT_UNAVAILABLE_OFFERINGS_TTL
                : unavailableOfferingsTtl;
        usageSampleInterval = usageSampleInterval == null ? DEFAULT_USAGE_SAMPLE_INTERVAL : usageSampleInterval;
        if (usageSampleInterval.isNegative() || usageSampleInterval.isZero()) {
            throw new IllegalArgumentException("usageSampleInterval must be positive, got " + usageSampleInterval);
        }
    }

    /** Without the settings added later: Karpenter's 3-minute TTL, usage sampled every 60 s. */
    public ControllerConfig(Path kubeconfig, List<String> namespaces, Duration scanInterval, boolean leaderElect,
                            String leaseName, String leaseNamespace, String identity, Duration leaseDuration,
                            Duration renewDeadline, Duration retryPeriod, int metricsPort, int workers, String provider,
                            String vpsieSecretName, String vpsieSecretNamespace, String vpsieBaseUrl,
                            StaticTokenAuth vpsieTokenAuth, String defaultClusterId, Duration provisioningTimeout,
                            Duration maxGracefulTermination, Duration maxPodEvictionTime, int maxEmptyBulkDelete,
                            int maxDrainParallelism, Duration scaleDownFailureCooldown, Duration shutdownGracePeriod,
                            String logFormat, PlannerSettings planner, Path plannerConfigFile) {
        this(kubeconfig, namespaces, scanInterval, leaderElect, leaseName, leaseNamespace, identity, leaseDuration,
                renewDeadline, retryPeriod, metricsPort, workers, provider, vpsieSecretName, vpsieSecretNamespace,
                vpsieBaseUrl, vpsieTokenAuth, defaultClusterId, provisioningTimeout, maxGracefulTermination,
                maxPodEvictionTime, maxEmptyBulkDelete, maxDrainParallelism, scaleDownFailureCooldown,
                shutdownGracePeriod, logFormat, planner, plannerConfigFile, null, null);
    }

    /** The same configuration with another unavailable-offerings TTL. */
    public ControllerConfig withUnavailableOfferingsTtl(Duration ttl) {
        return new ControllerConfig(kubeconfig, namespaces, scanInterval, leaderElect, leaseName, leaseNamespace,
                identity, leaseDuration, renewDeadline, retryPeriod, metricsPort, workers, provider, vpsieSecretName,
                vpsieSecretNamespace, vpsieBaseUrl, vpsieTokenAuth, defaultClusterId, provisioningTimeout,
                maxGracefulTermination, maxPodEvictionTime, maxEmptyBulkDelete, maxDrainParallelism,
                scaleDownFailureCooldown, shutdownGracePeriod, logFormat, planner, plannerConfigFile, ttl,
                usageSampleInterval);
    }

    /** This configuration with node usage sampled every {@code interval}. */
    public ControllerConfig withUsageSampleInterval(Duration interval) {
        return new ControllerConfig(kubeconfig, namespaces, scanInterval, leaderElect, leaseName, leaseNamespace,
                identity, leaseDuration, renewDeadline, retryPeriod, metricsPort, workers, provider, vpsieSecretName,
                vpsieSecretNamespace, vpsieBaseUrl, vpsieTokenAuth, defaultClusterId, provisioningTimeout,
                maxGracefulTermination, maxPodEvictionTime, maxEmptyBulkDelete, maxDrainParallelism,
                scaleDownFailureCooldown, shutdownGracePeriod, logFormat, planner, plannerConfigFile,
                unavailableOfferingsTtl, interval);
    }

    /** The defaults `run --help` documents; tests start from these. */
    public static ControllerConfig defaults() {
        return new ControllerConfig(null, List.of(), Duration.ofSeconds(10), true, "vpsie-autoscaler",
                "kube-system", "vpsie-autoscaler", Duration.ofSeconds(15), Duration.ofSeconds(10),
                Duration.ofSeconds(2), 8080, 4, "vpsie", "vpsie-credentials", "kube-system",
                "https://api.vpsie.com/v2", StaticTokenAuth.BOTH, null, Duration.ofMinutes(15), Duration.ofSeconds(600),
                Duration.ofMinutes(2), 10, 1, Duration.ofMinutes(3), Duration.ofSeconds(30), "auto",
                PlannerSettings.defaults(), null);
    }
}
