package com.vpsie.autoscaler.cli;

import com.vpsie.autoscaler.config.Durations;
import com.vpsie.autoscaler.config.InvalidConfigException;
import com.vpsie.autoscaler.config.PlannerConfigFile;
import com.vpsie.autoscaler.model.ClusterSnapshot;
import com.vpsie.autoscaler.model.Offering;
import com.vpsie.autoscaler.plan.AutoscalingPlanner;
import com.vpsie.autoscaler.plan.Plan;
import com.vpsie.autoscaler.plan.PlannerSettings;
import com.vpsie.autoscaler.snapshot.LoadedSnapshot;
import com.vpsie.autoscaler.snapshot.OfferingsLoader;
import com.vpsie.autoscaler.snapshot.SnapshotException;
import com.vpsie.autoscaler.snapshot.SnapshotLoader;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Plans once over a saved snapshot and prints the plan; changes nothing anywhere. */
@Command(name = "plan", mixinStandardHelpOptions = true, versionProvider = ManifestVersionProvider.class,
        sortOptions = false,
        description = {"Compute one autoscaling plan from a saved cluster snapshot and print it. Changes nothing.",
            "The plan goes to stdout; notes about skipped objects and errors go to stderr."})
public final class PlanCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--snapshot", paramLabel = "FILE",
            description = "Nodes, Pods, PodDisruptionBudgets and NodeGroups as YAML or JSON, e.g. the output of "
                    + "kubectl get nodes,pods,pdb,nodegroups -A -o yaml. Without it, plan reads them from the "
                    + "cluster of the current kubeconfig (read-only).")
    Path snapshot;

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "Kubeconfig for reading a live cluster (default: $KUBECONFIG, ~/.kube/config, or the "
                    + "pod's service account).")
    Path kubeconfig;

    @Option(names = "--offerings", paramLabel = "FILE",
            description = "VPSie offerings the NodeGroups name: a YAML or JSON list of {id, cpu, memory, pods, "
                    + "pricePerHour}. Without it, only groups with a Ready node to copy can grow.")
    Path offerings;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text",
            description = "text or json (default: ${DEFAULT-VALUE}).")
    OutputFormat output;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Planner settings as YAML or JSON (nodeStartupTimeout, expanders, priorities, ...).")
    Path config;

    @Option(names = "--skip-nodes-with-custom-controller-pods", paramLabel = "BOOL", arity = "0..1",
            fallbackValue = "true", description = "A pod whose controller is not a ReplicationController, Job, "
            + "ReplicaSet or StatefulSet keeps its node (default: true, or the --config value).")
    Boolean skipNodesWithCustomControllerPods;

    @Option(names = "--blocking-system-pod-disruption-timeout", paramLabel = "DURATION",
            description = "How long after its creation a kube-system pod without a PodDisruptionBudget keeps its "
                    + "node, e.g. 1h or 30m (default: 1h, or the --config value).")
    String blockingSystemPodDisruptionTimeout;

    @Option(names = "--now", paramLabel = "TIME", converter = Rfc3339Converter.class,
            description = "Plan as of this RFC 3339 time, e.g. 2026-11-22T12:00:00Z (default: the current time).")
    Instant now;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // The only clock read of a plan run: everything below works from this instant.
        Instant at = now != null ? now : Instant.now();
        PlannerSettings settings;
        LoadedSnapshot loaded;
        try {
            settings = config == null ? PlannerSettings.defaults() : PlannerConfigFile.load(config);
            settings = withFlags(settings);
            List<Offering> offeringList = offerings == null ? List.of() : OfferingsLoader.load(offerings);
            if (snapshot == null) {
                try {
                    loaded = LiveSnapshot.read(kubeconfig, offeringList);
                } catch (KubernetesClientException | IllegalStateException e) {
                    err.println("error: cannot read the cluster: " + oneLine(e.getMessage()));
                    err.flush();
                    return CommandLine.ExitCode.SOFTWARE;
                }
            } else {
                loaded = SnapshotLoader.load(snapshot, offeringList);
            }
        } catch (InvalidConfigException e) {
            return badInput(err, List.of(e.getMessage()));
        } catch (SnapshotException e) {
            return badInput(err, e.problems());
        } catch (IllegalArgumentException e) {
            // ClusterSnapshot and the model records check their own invariants.
            return badInput(err, List.of(snapshot + ": " + e.getMessage()));
        }
        for (String warning : loaded.warnings()) {
            err.println("note: " + warning);
        }
        if (offerings == null) {
            err.println("note: no --offerings file given, so only groups with a Ready node to copy can grow");
        }
        err.flush();

        Plan plan = AutoscalingPlanner.plan(loaded.snapshot(), at, settings);
        if (output == OutputFormat.json) {
            out.print(PlanJsonWriter.render(plan));
        } else {
            out.println(header(loaded.snapshot(), at));
            out.print(PlanTextWriter.render(plan));
        }
        out.flush();
        return CommandLine.ExitCode.OK;
    }

    /** The flags given win over the settings file. */
    private PlannerSettings withFlags(PlannerSettings settings) throws InvalidConfigException {
        if (skipNodesWithCustomControllerPods != null) {
            settings = settings.withSkipNodesWithCustomControllerPods(skipNodesWithCustomControllerPods);
        }
        if (blockingSystemPodDisruptionTimeout != null) {
            Duration timeout;
            try {
                timeout = Durations.parse(blockingSystemPodDisruptionTimeout);
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigException("--blocking-system-pod-disruption-timeout: '"
                        + blockingSystemPodDisruptionTimeout + "' is not a duration (e.g. 1h, 30m)");
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw new InvalidConfigException("--blocking-system-pod-disruption-timeout: must be longer than "
                        + "zero, got '" + blockingSystemPodDisruptionTimeout + "'");
            }
            settings = settings.withBlockingSystemPodDisruptionTimeout(timeout);
        }
        return settings;
    }

    private String header(ClusterSnapshot s, Instant at) {
        long pending = s.pods().stream().filter(p -> p.nodeName() == null && p.unschedulable()).count();
        String source = snapshot != null ? "Snapshot " + snapshot : "Live cluster";
        return source + " at " + at + ": " + count(s.nodes().size(), "node") + ", "
                + count(s.nodeGroups().size(), "node group") + ", " + count(s.pods().size(), "pod") + " (" + pending
                + " unschedulable), " + count(s.pdbs().size(), "PDB") + "\n";
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.replace('\n', ' ');
    }

    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /** Each problem already names its file, object and field; one line each, never a stack trace. */
    private static int badInput(PrintWriter err, List<String> problems) {
        for (String problem : problems) {
            err.println("error: " + problem.replace('\n', ' '));
        }
        err.flush();
        return CommandLine.ExitCode.USAGE;
    }
}
