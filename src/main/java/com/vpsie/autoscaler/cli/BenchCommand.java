package com.vpsie.autoscaler.cli;

import com.vpsie.autoscaler.bench.CaBenchmarkShapes;
import com.vpsie.autoscaler.bench.CacheHeapBenchmark;
import com.vpsie.autoscaler.bench.PlannerBenchmark;
import com.vpsie.autoscaler.bench.SyntheticCluster;
import com.vpsie.autoscaler.model.ClusterSnapshot;
import com.vpsie.autoscaler.plan.PlannerSettings;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = ManifestVersionProvider.class,
        sortOptions = false,
        description = {"Time full planning passes over a seeded synthetic cluster, or over the shapes of"
            + " cluster-autoscaler's RunOnce benchmarks, or measure the pod cache's heap.",
            "Prints figures for people, then one JSON line (the last line) for scripts."})
public final class BenchCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--scenario", paramLabel = "NAME", defaultValue = "synthetic",
            description = {"synthetic (default): the seeded cluster the other flags describe;",
                "ca-scale-up: 10 nodes and 50,000 pending pods that need 1,000 new nodes;",
                "ca-scale-down: 2,000 nodes x 40 pods, 1,200 of them removable;",
                "cache-heap: heap held by --cache-pods realistic pods, whole, trimmed and projected."})
    String scenario;

    @Option(names = "--cache-pods", paramLabel = "N", defaultValue = "30000",
            description = "Pods for --scenario cache-heap (default: ${DEFAULT-VALUE}).")
    int cachePods;

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
        PrintWriter out = spec.commandLine().getOut();
        switch (scenario) {
            case "synthetic" -> PlannerBenchmark.run(new PlannerBenchmark.Options(
                    new SyntheticCluster.Spec(nodes, podsPerNode, pending, groups, seed), passes, warmup),
                    PlannerSettings.defaults(), out);
            case "ca-scale-up" -> timed("cluster-autoscaler's scale-up shape", CaBenchmarkShapes::scaleUp, out);
            case "ca-scale-down" -> timed("cluster-autoscaler's scale-down shape", CaBenchmarkShapes::scaleDown, out);
            case "cache-heap" -> {
                positive("--cache-pods", cachePods);
                CacheHeapBenchmark.run(cachePods, out);
            }
            default -> throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option"
                    + " '--scenario': unknown scenario '" + scenario
                    + "' (synthetic, ca-scale-up, ca-scale-down or cache-heap)");
        }
        return CommandLine.ExitCode.OK;
    }

    private void timed(String what, Supplier<ClusterSnapshot> shape, PrintWriter out) {
        long start = System.nanoTime();
        ClusterSnapshot snapshot = shape.get();
        double genMs = (System.nanoTime() - start) / 1e6;
        PlannerBenchmark.runOn(snapshot, what, genMs, passes, warmup, PlannerSettings.defaults(), out);
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
