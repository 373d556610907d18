package com.vpsie.autoscaler.cli;

import com.vpsie.autoscaler.bench.PlannerBenchmark;
import com.vpsie.autoscaler.bench.SyntheticCluster;
import com.vpsie.autoscaler.plan.PlannerSettings;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = ManifestVersionProvider.class,
        sortOptions = false,
        description = {"Time full planning passes over a seeded synthetic cluster.",
            "Prints figures for people, then one JSON line (the last line) for scripts."})
public final class BenchCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--nodes", paramLabel = "N", defaultValue = "1000",
            description = "Ready nodes (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--pods-per-node", paramLabel = "K", defaultValue = "30",
            description = "Pods per node on average, besides one DaemonSet pod each (default: ${DEFAULT-VALUE}).")
    int podsPerNode;

    @Option(names = "--pending", paramLabel = "P", defaultValue = "1000",
            description = "Unschedulable pending pods (default: ${DEFAULT-VALUE}).")
    int pending;

    @Option(names = "--groups", paramLabel = "G", defaultValue = "5",
            description = "NodeGroups (default: ${DEFAULT-VALUE}).")
    int groups;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42",
            description = "Generator seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--passes", paramLabel = "R", defaultValue = "20",
            description = "Measured passes (default: ${DEFAULT-VALUE}).")
    int passes;

    @Option(names = "--warmup", paramLabel = "W", defaultValue = "5",
            description = "Warm-up passes (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Override
    public Integer call() {
        positive("--nodes", nodes);
        positive("--pods-per-node", podsPerNode);
        notNegative("--pending", pending);
        positive("--groups", groups);
        positive("--passes", passes);
        notNegative("--warmup", warmup);
        PlannerBenchmark.run(new PlannerBenchmark.Options(
                new SyntheticCluster.Spec(nodes, podsPerNode, pending, groups, seed), passes, warmup),
                PlannerSettings.defaults(), spec.commandLine().getOut());
        return CommandLine.ExitCode.OK;
    }

    private void positive(String flag, int value) {
        if (value < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "Invalid value for option '" + flag + "': must be a positive number, got " + value);
        }
    }

    private void notNegative(String flag, int value) {
        if (value < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "Invalid value for option '" + flag + "': must be 0 or more, got " + value);
        }
    }
}
