package com.vpsie.autoscaler.cli;

import com.vpsie.autoscaler.config.ControllerConfig;
import com.vpsie.autoscaler.config.Durations;
import com.vpsie.autoscaler.config.InvalidConfigException;
import com.vpsie.autoscaler.config.LogFormat;
import com.vpsie.autoscaler.config.PlannerConfigFile;
import com.vpsie.autoscaler.plan.PlannerSettings;
import com.vpsie.autoscaler.provider.vpsie.StaticTokenAuth;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Turns {@code run}'s flags, their {@code VPSIE_AUTOSCALER_*} environment fallbacks and the documented defaults
 * into a validated {@link ControllerConfig}. The environment and the files it reads are handed in, so tests
 * need neither.
 */
public final class RunOptions {

    public static final String ENV_PREFIX = "VPSIE_AUTOSCALER_";
    static final Path SERVICE_ACCOUNT_NAMESPACE = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");
    /** The kernel's host name; read instead of asking the resolver, which could wait on DNS. */
    static final Path HOSTNAME_FILE = Path.of("/proc/sys/kernel/hostname");
    static final List<String> PROVIDERS = List.of("vpsie");

    private static final String FALLBACK_NAMESPACE = "kube-system";
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile(
            "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final int MAX_SUBDOMAIN = 253;

    /**
     * Every flag of {@code run}: its default as parsed ({@code null} when there is none or it is derived from
     * the pod) and as {@code --help} words it. A test holds the help text to these.
     */
    enum Flag {
        KUBECONFIG("--kubeconfig", null, "$KUBECONFIG, ~/.kube/config or the pod's service account"),
        NAMESPACES("--namespaces", "", "all namespaces"),
        SCAN_INTERVAL("--scan-interval", "10s"),
        LEADER_ELECT("--leader-elect", "true"),
        LEASE_NAME("--lease-name", "vpsie-autoscaler"),
        LEASE_NAMESPACE("--lease-namespace", null, "the pod's namespace, else kube-system"),
        IDENTITY("--identity", null, "$POD_NAME, else the host name"),
        LEASE_DURATION("--lease-duration", "15s"),
        RENEW_DEADLINE("--renew-deadline", "10s"),
        RETRY_PERIOD("--retry-period", "2s"),
        METRICS_PORT("--metrics-port", "8080"),
        WORKERS("--workers", "4"),
        PROVIDER("--provider", "vpsie"),
        VPSIE_SECRET_NAME("--vpsie-secret-name", "vpsie-credentials"),
        VPSIE_SECRET_NAMESPACE("--vpsie-secret-namespace", null, "the pod's namespace, else kube-system"),
        VPSIE_URL("--vpsie-url", "https://api.vpsie.com/v2"),
        VPSIE_TOKEN_AUTH("--vpsie-token-auth", "both"),
        DEFAULT_CLUSTER_ID("--default-cluster-id", null, "none"),
        PROVISIONING_TIMEOUT("--provisioning-timeout", "15m"),
        MAX_GRACEFUL_TERMINATION("--max-graceful-termination", "600s"),
        MAX_POD_EVICTION_TIME("--max-pod-eviction-time", "2m"),
        MAX_EMPTY_BULK_DELETE("--max-empty-bulk-delete", "10"),
        MAX_DRAIN_PARALLELISM("--max-drain-parallelism", "1"),
        SCALE_DOWN_FAILURE_COOLDOWN("--scale-down-failure-cooldown", "3m"),
        UNAVAILABLE_OFFERINGS_TTL("--unavailable-offerings-ttl", "3m"),
        USAGE_SAMPLE_INTERVAL("--usage-sample-interval", "60s"),
        SHUTDOWN_GRACE_PERIOD("--shutdown-grace-period", "30s"),
        LOG_FORMAT("--log-format", "auto"),
        PLANNER_CONFIG("--planner-config", null, "the built-in planner settings"),
        SKIP_NODES_WITH_CUSTOM_CONTROLLER_PODS("--skip-nodes-with-custom-controller-pods", null,
                "true, or the planner settings' value"),
        BLOCKING_SYSTEM_POD_DISRUPTION_TIMEOUT("--blocking-system-pod-disruption-timeout", null,
                "1h, or the planner settings' value");

        final String option;
        final String defaultValue;
        final String helpDefault;

        Flag(String option, String defaultValue) {
            this(option, defaultValue, defaultValue);
        }

        Flag(String option, String defaultValue, String helpDefault) {
            this.option = option;
            this.defaultValue = defaultValue;
            this.helpDefault = helpDefault;
        }

        /** {@code --scan-interval} falls back to {@code VPSIE_AUTOSCALER_SCAN_INTERVAL}. */
        String envName() {
            return ENV_PREFIX + option.substring(2).toUpperCase(Locale.ROOT).replace('-', '_');
        }

        static Flag byOption(String option) {
            for (Flag f : values()) {
                if (f.option.equals(option)) {
                    return f;
                }
            }
            throw new IllegalArgumentException("no run flag " + option);
        }
    }

    /** One bad value; the message starts with the flag (and the variable it came from) and fits on one line. */
    public static final class InvalidOptionException extends Exception {
        private final String option;

        InvalidOptionException(String option, String message) {
            super(message);
            this.option = option;
        }

        public String option() {
            return option;
        }
    }

    private final Map<String, String> given;
    private final Function<String, String> env;
    private final Function<Path, String> files;

    /**
     * @param given the flags given on the command line, by long name ("--scan-interval" to "30s")
     * @param env the process environment, e.g. {@code System::getenv}
     * @param files a file's trimmed content, or null when it cannot be read, e.g. {@link #readFile}
     */
    public RunOptions(Map<String, String> given, Function<String, String> env, Function<Path, String> files) {
        this.given = Map.copyOf(given);
        this.env = Objects.requireNonNull(env, "env");
        this.files = Objects.requireNonNull(files, "files");
    }

    /** Parses and checks every setting; the first bad one is the exception. */
    public ControllerConfig toConfig() throws InvalidOptionException {
        Path kubeconfig = kubeconfig(value(Flag.KUBECONFIG));
        List<String> namespaces = namespaces(value(Flag.NAMESPACES));
        Duration scanInterval = duration(value(Flag.SCAN_INTERVAL));
        boolean leaderElect = bool(value(Flag.LEADER_ELECT));
        String leaseName = objectName(value(Flag.LEASE_NAME));
        String leaseNamespace = namespace(withDerivedDefault(Flag.LEASE_NAMESPACE, podNamespace()));
        String identity = nonBlank(withDerivedDefault(Flag.IDENTITY, defaultIdentity()));
        Value leaseDurationValue = value(Flag.LEASE_DURATION);
        Duration leaseDuration = duration(leaseDurationValue);
        Value renewDeadlineValue = value(Flag.RENEW_DEADLINE);
        Duration renewDeadline = duration(renewDeadlineValue);
        Value retryPeriodValue = value(Flag.RETRY_PERIOD);
        Duration retryPeriod = duration(retryPeriodValue);
        // client-go's leader election rules: otherwise a leader could lose the lease while it still renews.
        if (renewDeadline.compareTo(leaseDuration) >= 0) {
            throw invalid(renewDeadlineValue, renewDeadlineValue.text + " must be shorter than "
                    + Flag.LEASE_DURATION.option + " (" + leaseDurationValue.text + ")");
        }
        if (retryPeriod.compareTo(renewDeadline) >= 0) {
            throw invalid(retryPeriodValue, retryPeriodValue.text + " must be shorter than "
                    + Flag.RENEW_DEADLINE.option + " (" + renewDeadlineValue.text + ")");
        }
        int metricsPort = integer(value(Flag.METRICS_PORT), 1, 65535);
        int workers = integer(value(Flag.WORKERS), 1, Integer.MAX_VALUE);
        String provider = provider(value(Flag.PROVIDER));
        String secretName = objectName(value(Flag.VPSIE_SECRET_NAME));
        String secretNamespace = namespace(withDerivedDefault(Flag.VPSIE_SECRET_NAMESPACE, podNamespace()));
        String vpsieUrl = httpUrl(value(Flag.VPSIE_URL));
        StaticTokenAuth vpsieTokenAuth = tokenAuth(value(Flag.VPSIE_TOKEN_AUTH));
        String defaultClusterId = optional(value(Flag.DEFAULT_CLUSTER_ID));
        Duration provisioningTimeout = duration(value(Flag.PROVISIONING_TIMEOUT));
        Duration maxGracefulTermination = duration(value(Flag.MAX_GRACEFUL_TERMINATION));
        Duration maxPodEvictionTime = duration(value(Flag.MAX_POD_EVICTION_TIME));
        int maxEmptyBulkDelete = integer(value(Flag.MAX_EMPTY_BULK_DELETE), 1, Integer.MAX_VALUE);
        int maxDrainParallelism = integer(value(Flag.MAX_DRAIN_PARALLELISM), 1, Integer.MAX_VALUE);
        Duration scaleDownFailureCooldown = duration(value(Flag.SCALE_DOWN_FAILURE_COOLDOWN));
        Duration usageSampleInterval = duration(value(Flag.USAGE_SAMPLE_INTERVAL));
        Duration shutdownGracePeriod = duration(value(Flag.SHUTDOWN_GRACE_PERIOD));
        Duration unavailableOfferingsTtl = duration(value(Flag.UNAVAILABLE_OFFERINGS_TTL));
        String logFormat = logFormat(value(Flag.LOG_FORMAT));
        Value plannerValue = value(Flag.PLANNER_CONFIG);
        String plannerFile = optional(plannerValue);
        Path plannerConfigFile = plannerFile == null ? null : Path.of(plannerFile);
        PlannerSettings planner = planner(plannerValue, plannerConfigFile);
        // a flag given wins over the planner settings file, which wins over the built-in default
        Value skipCustom = value(Flag.SKIP_NODES_WITH_CUSTOM_CONTROLLER_PODS);
        if (optional(skipCustom) != null) {
            planner = planner.withSkipNodesWithCustomControllerPods(bool(skipCustom));
        }
        Value systemTimeout = value(Flag.BLOCKING_SYSTEM_POD_DISRUPTION_TIMEOUT);
        if (optional(systemTimeout) != null) {
            planner = planner.withBlockingSystemPodDisruptionTimeout(duration(systemTimeout));
        }

        return new ControllerConfig(kubeconfig, namespaces, scanInterval, leaderElect, leaseName, leaseNamespace,
                identity, leaseDuration, renewDeadline, retryPeriod, metricsPort, workers, provider, secretName,
                secretNamespace, vpsieUrl, vpsieTokenAuth, defaultClusterId, provisioningTimeout,
                maxGracefulTermination, maxPodEvictionTime, maxEmptyBulkDelete, maxDrainParallelism,
                scaleDownFailureCooldown, shutdownGracePeriod, logFormat, planner, plannerConfigFile,
                unavailableOfferingsTtl, usageSampleInterval);
    }

    /** A file's content without surrounding white space, or null when it is missing or unreadable. */
    public static String readFile(Path path) {
        try {
            return Files.readString(path).strip();
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    // ---- where a value comes from ----

    private enum Source { FLAG, ENV, DEFAULT }

    /** A raw value and where it came from, so an error can point at the flag or the variable to fix. */
    private record Value(Flag flag, String text, Source source) {
        String label() {
            return source == Source.ENV ? flag.option + " (from " + flag.envName() + ")" : flag.option;
        }
    }

    private Value value(Flag flag) {
        if (given.containsKey(flag.option)) {
            return new Value(flag, given.get(flag.option), Source.FLAG);
        }
        // An empty variable counts as unset: manifests often template optional values to "".
        String fromEnv = env.apply(flag.envName());
        if (fromEnv != null && !fromEnv.isBlank()) {
            return new Value(flag, fromEnv.strip(), Source.ENV);
        }
        return new Value(flag, flag.defaultValue, Source.DEFAULT);
    }

    private Value withDerivedDefault(Flag flag, String derived) {
        Value v = value(flag);
        return v.source == Source.DEFAULT ? new Value(flag, derived, Source.DEFAULT) : v;
    }

    private String podNamespace() {
        String ns = files.apply(SERVICE_ACCOUNT_NAMESPACE);
        return ns == null || ns.isBlank() ? FALLBACK_NAMESPACE : ns;
    }

    /** Kubernetes sets HOSTNAME to the pod name; POD_NAME is what the chart passes through the downward API. */
    private String defaultIdentity() {
        for (String name : List.of("POD_NAME", "HOSTNAME")) {
            String v = env.apply(name);
            if (v != null && !v.isBlank()) {
                return v.strip();
            }
        }
        String host = files.apply(HOSTNAME_FILE);
        return host == null || host.isBlank() ? ControllerConfig.defaults().identity() : host;
    }

    private static InvalidOptionException invalid(Value v, String problem) {
        return new InvalidOptionException(v.flag.option, v.label() + ": " + problem.replace('\n', ' '));
    }

    // ---- parsers, one per kind of value ----

    private static Duration duration(Value v) throws InvalidOptionException {
        Duration d;
        try {
            d = Durations.parse(v.text);
        } catch (IllegalArgumentException e) {
            throw invalid(v, "'" + v.text + "' is not a duration (e.g. 10s, 1m30s)");
        }
        if (d.isNegative() || d.isZero()) {
            throw invalid(v, "must be longer than zero, got '" + v.text + "'");
        }
        return d;
    }

    private static boolean bool(Value v) throws InvalidOptionException {
        String t = v.text == null ? "" : v.text.strip().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(v, "'" + v.text + "' is not true or false");
        };
    }

    private static int integer(Value v, int min, int max) throws InvalidOptionException {
        int n;
        try {
            n = Integer.parseInt(v.text == null ? "" : v.text.strip());
        } catch (NumberFormatException e) {
            throw invalid(v, "'" + v.text + "' is not a whole number");
        }
        if (n < min || n > max) {
            throw invalid(v, max == Integer.MAX_VALUE ? "must be at least " + min + ", got " + n
                    : "must be between " + min + " and " + max + ", got " + n);
        }
        return n;
    }

    private static Path kubeconfig(Value v) throws InvalidOptionException {
        String file = optional(v);
        if (file == null) {
            return null;
        }
        Path path = Path.of(file);
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw invalid(v, "'" + file + "' is not a readable file");
        }
        return path;
    }

    private static List<String> namespaces(Value v) throws InvalidOptionException {
        List<String> result = new ArrayList<>();
        for (String part : (v.text == null ? "" : v.text).split(",")) {
            String ns = part.strip();
            if (ns.isEmpty()) {
                continue;
            }
            if (!DNS_LABEL.matcher(ns).matches()) {
                throw invalid(v, "'" + ns + "' is not a namespace name (lower-case letters, digits and '-', "
                        + "at most 63)");
            }
            if (!result.contains(ns)) {
                result.add(ns);
            }
        }
        return result;
    }

    private static String namespace(Value v) throws InvalidOptionException {
        String ns = v.text == null ? "" : v.text.strip();
        if (!DNS_LABEL.matcher(ns).matches()) {
            throw invalid(v, "'" + v.text + "' is not a namespace name (lower-case letters, digits and '-', "
                    + "at most 63)");
        }
        return ns;
    }

    private static String objectName(Value v) throws InvalidOptionException {
        String name = v.text == null ? "" : v.text.strip();
        if (name.length() > MAX_SUBDOMAIN || !DNS_SUBDOMAIN.matcher(name).matches()) {
            throw invalid(v, "'" + v.text + "' is not an object name (lower-case letters, digits, '-' and '.', "
                    + "at most 253)");
        }
        return name;
    }

    private static String nonBlank(Value v) throws InvalidOptionException {
        if (v.text == null || v.text.isBlank()) {
            throw invalid(v, "must not be empty");
        }
        return v.text.strip();
    }

    /** Blank means "none", so an empty flag can switch off a value set in the environment. */
    private static String optional(Value v) {
        return v.text == null || v.text.isBlank() ? null : v.text.strip();
    }

    private static String provider(Value v) throws InvalidOptionException {
        String p = v.text == null ? "" : v.text.strip().toLowerCase(Locale.ROOT);
        if (!PROVIDERS.contains(p)) {
            throw invalid(v, "'" + v.text + "' is not a supported provider (supported: "
                    + String.join(", ", PROVIDERS) + ")");
        }
        return p;
    }

    private static String httpUrl(Value v) throws InvalidOptionException {
        String text = v.text == null ? "" : v.text.strip();
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                // The client appends paths to it; one form avoids "v2//servers".
                return text.replaceAll("/+$", "");
            }
        } catch (URISyntaxException e) {
            // reported below, with the same message as any other malformed URL
        }
        throw invalid(v, "'" + v.text + "' is not an http(s) URL");
    }

    private static StaticTokenAuth tokenAuth(Value v) throws InvalidOptionException {
        try {
            return StaticTokenAuth.parse(v.text);
        } catch (IllegalArgumentException e) {
            throw invalid(v, e.getMessage());
        }
    }

    private static String logFormat(Value v) throws InvalidOptionException {
        try {
            return LogFormat.parse(v.text).id();
        } catch (IllegalArgumentException e) {
            throw invalid(v, e.getMessage());
        }
    }

    private static PlannerSettings planner(Value v, Path file) throws InvalidOptionException {
        if (file == null) {
            return PlannerSettings.defaults();
        }
        try {
            return PlannerConfigFile.load(file);
        } catch (InvalidConfigException e) {
            throw invalid(v, e.getMessage());
        }
    }
}
