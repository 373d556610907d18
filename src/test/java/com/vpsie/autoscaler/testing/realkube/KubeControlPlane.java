package com.vpsie.autoscaler.testing.realkube;

import com.vpsie.autoscaler.chart.Chart;
import com.vpsie.autoscaler.controller.KubernetesClients;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One running control plane: where its kubeconfig is, a shared admin client, and helpers tests need against a
 * real API server. Started through {@code scripts/kube-control-plane.sh}; closing it stops exactly that plane.
 */
public final class KubeControlPlane implements AutoCloseable {

    static final String SCRIPT = "scripts/kube-control-plane.sh";
    static final String EXTERNAL_KUBECONFIG_ENV = "VPSIE_E2E_KUBECONFIG";
    /** What the script names the identity that impersonates ServiceAccounts, and where it leaves its files. */
    static final String IMPERSONATOR = "vpsie-e2e-impersonator";
    private static final String IMPERSONATOR_KUBECONFIG = "impersonator.kubeconfig";
    private static final String AUDIT_LOG = "logs/audit.log";
    /** The script's exit status when the binaries have not been built. */
    private static final int EXIT_NOT_BUILT = 3;
    private static final Duration START_LIMIT = Duration.ofMinutes(5);
    private static final Duration STOP_LIMIT = Duration.ofMinutes(1);

    private final Path projectDir;
    private final Path runDir;
    private final Path kubeconfig;
    private final KubernetesClient client;
    private final Duration startup;
    /** The non-admin identity that impersonates ServiceAccounts; the admin one for a cluster without it. */
    private final Path impersonatorKubeconfig;
    /** Null for a cluster the script did not start (no audit log to read). */
    private final RbacAudit audit;

    private KubeControlPlane(Path projectDir, Path runDir, Path kubeconfig, Duration startup) {
        this.projectDir = projectDir;
        this.runDir = runDir;
        this.kubeconfig = kubeconfig;
        this.startup = startup;
        this.client = KubernetesClients.create(kubeconfig);
        // The script writes both beside the admin kubeconfig, also for a plane started by hand and attached through
        // VPSIE_E2E_KUBECONFIG.
        Path dir = kubeconfig.toAbsolutePath().getParent();
        Path impersonator = dir.resolve(IMPERSONATOR_KUBECONFIG);
        if (Files.isRegularFile(impersonator)) {
            this.impersonatorKubeconfig = impersonator;
            this.audit = new RbacAudit(dir.resolve(AUDIT_LOG));
        } else {
            this.impersonatorKubeconfig = kubeconfig;
            this.audit = null;
            System.err.println("[real-kubernetes] " + kubeconfig + " has no " + IMPERSONATOR_KUBECONFIG + " beside it: "
                    + "controllers impersonate their ServiceAccount from the admin identity, and a Forbidden they "
                    + "only log cannot be seen (no audit log)");
        }
    }

    /**
     * Starts a plane in a fresh temp folder (or attaches to {@code VPSIE_E2E_KUBECONFIG}), installs the chart's CRDs
     * and lets the impersonator act as ServiceAccounts.
     */
    static KubeControlPlane start() {
        Path project = projectDir();
        String external = System.getenv(EXTERNAL_KUBECONFIG_ENV);
        KubeControlPlane plane;
        if (external != null && !external.isBlank()) {
            plane = new KubeControlPlane(project, null, Path.of(external), Duration.ZERO);
        } else {
            plane = launch(project);
        }
        try {
            plane.installCrds();
            plane.allowImpersonation();
        } catch (RuntimeException e) {
            plane.close();
            throw e;
        }
        return plane;
    }

    private static KubeControlPlane launch(Path project) {
        return launch(project, Map.of());
    }

    /** Starts a plane in a fresh temp folder with {@code environment} added to the script's, without the CRD. */
    static KubeControlPlane launch(Path project, Map<String, String> environment) {
        Path runDir;
        try {
            runDir = Files.createTempDirectory("vpsie-kube-e2e-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path startLog = runDir.resolve("start.log");
        long began = System.nanoTime();
        // --owner-pid: if this JVM is killed, the plane notices and stops itself instead of lingering.
        ScriptResult result = runScript(project, startLog, START_LIMIT, environment, "start", "--dir",
                runDir.toString(), "--owner-pid", Long.toString(ProcessHandle.current().pid()));
        Duration took = Duration.ofNanos(System.nanoTime() - began);
        if (result.exitCode() == EXIT_NOT_BUILT) {
            deleteQuietly(runDir);
            throw new IllegalStateException("The real-Kubernetes test tier was asked for, but the control plane "
                    + "binaries are not built. Run `" + SCRIPT + " build` (needs Go 1.26 and the Go module proxy; "
                    + "takes a while once, then is cached), then rerun.\n" + result.output());
        }
        List<String> lines = result.stdoutLines();
        if (result.exitCode() != 0 || lines.isEmpty()) {
            throw new IllegalStateException("`" + SCRIPT + " start` failed (exit " + result.exitCode()
                    + "); logs in " + runDir.resolve("logs") + "\n" + result.output());
        }
        Path kubeconfig = Path.of(lines.get(lines.size() - 1).trim());
        if (!Files.isRegularFile(kubeconfig)) {
            throw new IllegalStateException("`" + SCRIPT + " start` printed no kubeconfig path (last line: "
                    + kubeconfig + ")\n" + result.output());
        }
        System.err.printf(Locale.ROOT, "[real-kubernetes] control plane ready in %.1f s, kubeconfig %s%n",
                took.toMillis() / 1000.0, kubeconfig);
        return new KubeControlPlane(project, runDir, kubeconfig, took);
    }

    /** Applies the chart's crds/ as `helm install` would, once for the run: every scenario's release shares them. */
    private void installCrds() {
        Path dir = projectDir.resolve(Chart.CRDS);
        List<Path> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        if (files.isEmpty()) {
            throw new IllegalStateException("no CRD in " + dir);
        }
        for (Path file : files) {
            try (InputStream in = Files.newInputStream(file)) {
                applyCrd(client.apiextensions().v1().customResourceDefinitions().load(in).item());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
    }

    /** Server-side apply (idempotent when the plane is reused), then waits until the CRD is served. */
    public void applyCrd(CustomResourceDefinition crd) {
        client.resource(crd).forceConflicts().serverSideApply();
        client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
                .waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions() != null
                        && c.getStatus().getConditions().stream().anyMatch(
                                cond -> "Established".equals(cond.getType()) && "True".equals(cond.getStatus())),
                        60, TimeUnit.SECONDS);
    }

    /** Lets the script's impersonator act as any ServiceAccount, and as nothing else. */
    private void allowImpersonation() {
        if (impersonatorKubeconfig.equals(kubeconfig)) {
            return;
        }
        Map<String, String> labels = Map.of("app.kubernetes.io/part-of", "vpsie-autoscaler-e2e");
        client.resource(new ClusterRoleBuilder().withNewMetadata().withName(IMPERSONATOR).withLabels(labels)
                .endMetadata().addNewRule().withApiGroups("").withResources("serviceaccounts")
                .withVerbs("impersonate").endRule().build()).forceConflicts().serverSideApply();
        client.resource(new ClusterRoleBindingBuilder().withNewMetadata().withName(IMPERSONATOR).withLabels(labels)
                .endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", IMPERSONATOR)
                .addNewSubject().withApiGroup("rbac.authorization.k8s.io").withKind("User").withName(IMPERSONATOR)
                .endSubject().build()).forceConflicts().serverSideApply();
    }

    /**
     * Writes a kubeconfig (mode 0600, in {@code dir}) that acts as {@code namespace/serviceAccount}: the impersonator's
     * credentials with {@code as: system:serviceaccount:...}, so every request is authorized as that ServiceAccount
     * alone, exactly as in a pod. The caller deletes the file.
     */
    public Path impersonatingKubeconfig(String namespace, String serviceAccount, Path dir) {
        io.fabric8.kubernetes.api.model.Config config;
        try {
            config = Serialization.unmarshal(Files.readString(impersonatorKubeconfig),
                    io.fabric8.kubernetes.api.model.Config.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + impersonatorKubeconfig, e);
        }
        String user = config.getContexts().stream().filter(c -> c.getName().equals(config.getCurrentContext()))
                .findFirst().orElseThrow().getContext().getUser();
        config.getUsers().stream().filter(u -> u.getName().equals(user)).findFirst().orElseThrow().getUser()
                .setAs(serviceAccountUser(namespace, serviceAccount));
        try {
            Path file = Files.createTempFile(dir, "sa-" + serviceAccount + "-", ".kubeconfig",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, Serialization.asYaml(config));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The user name the API server gives a ServiceAccount. */
    public static String serviceAccountUser(String namespace, String serviceAccount) {
        return "system:serviceaccount:" + namespace + ":" + serviceAccount;
    }

    /** The audit log of impersonated requests, when the script started this plane. */
    public Optional<RbacAudit> audit() {
        return Optional.ofNullable(audit);
    }

    /** The admin kubeconfig (system:masters). */
    public Path kubeconfig() {
        return kubeconfig;
    }

    /** The shared admin client; owned by the plane, do not close it. */
    public KubernetesClient client() {
        return client;
    }

    /** A new admin client built the way the controller builds its own (okhttp, deadlines); the caller closes it. */
    public KubernetesClient newClient() {
        return KubernetesClients.create(kubeconfig);
    }

    /**
     * As {@link #newClient()}, with fabric8's own retries of 429/5xx answers limited to {@code retries}: a test
     * that expects a 429 (an eviction a budget blocks) sets 0, or fabric8 retries it for tens of seconds.
     */
    public KubernetesClient newClient(int retries) {
        return KubernetesClients.create(kubeconfig, retries);
    }

    /** How long {@code start} took, until every component was ready (zero for an external cluster). */
    public Duration startup() {
        return startup;
    }

    /** What {@code start} printed on standard error, or null for an external cluster. */
    public Path startLog() {
        return runDir == null ? null : runDir.resolve("start.log");
    }

    /** The folder holding the plane's logs, or null for an external cluster. */
    public Path logDir() {
        return runDir == null ? null : runDir.resolve("logs");
    }

    /**
     * Creates a namespace with a unique name starting with {@code prefix} and waits for its default
     * ServiceAccount, without which the API server refuses pods.
     */
    public String createNamespace(String prefix) {
        String name = prefix + "-" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
        createNamespaceNamed(name);
        return name;
    }

    /** Creates {@code name} unless it exists, and waits for its default ServiceAccount. */
    public void createNamespaceNamed(String name) {
        if (client.namespaces().withName(name).get() == null) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
                    .create();
        }
        client.serviceAccounts().inNamespace(name).withName("default")
                .waitUntilCondition(sa -> sa != null, 60, TimeUnit.SECONDS);
    }

    /** Stops the plane this object started (never an external one) and closes the shared client. */
    @Override
    public void close() {
        client.close();
        if (runDir == null) {
            return;
        }
        ScriptResult result = runScript(projectDir, runDir.resolve("stop.log"), STOP_LIMIT, Map.of(), "stop", "--dir",
                runDir.toString());
        if (result.exitCode() != 0) {
            System.err.println("[real-kubernetes] stopping the control plane failed:\n" + result.output());
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // Only a leftover empty folder in the temp directory; the failure being reported matters more.
        }
    }

    /** Exit status, standard output, and standard error (kept in {@code log}). */
    private record ScriptResult(int exitCode, String stdout, String stderr) {

        List<String> stdoutLines() {
            List<String> lines = new ArrayList<>();
            for (String line : stdout.split("\n")) {
                if (!line.isBlank()) {
                    lines.add(line);
                }
            }
            return lines;
        }

        String output() {
            return (stdout + "\n" + stderr).strip();
        }
    }

    private static ScriptResult runScript(Path project, Path log, Duration limit, Map<String, String> environment,
                                          String... args) {
        List<String> command = new ArrayList<>();
        command.add("bash");
        command.add(project.resolve(SCRIPT).toString());
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile(log.getParent(), "script", ".out");
            // Files, not pipes: the components the script leaves running must not hold our pipe open.
            ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile())
                    .redirectOutput(out.toFile()).redirectError(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.PIPE);
            builder.environment().putAll(environment);
            Process process = builder.start();
            process.getOutputStream().close();
            if (!process.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + limit
                        + "; its output is in " + log);
            }
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            Files.deleteIfExists(out);
            return new ScriptResult(process.exitValue(), stdout, Files.readString(log, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        }
    }

    /** A file of the repository, e.g. {@code examples/nodegroups.yaml}. */
    public static Path projectFile(String relative) {
        return projectDir().resolve(relative);
    }

    /** The repository root: the first folder upwards from the working directory that holds the script. */
    static Path projectDir() {
        Path dir = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve(SCRIPT))) {
                return d;
            }
        }
        throw new IllegalStateException("cannot find " + SCRIPT + " in " + dir + " or any folder above it");
    }
}
