package com.vpsie.autoscaler.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.vpsie.autoscaler.model.ClusterSnapshot;
import com.vpsie.autoscaler.model.PodInfo;
import com.vpsie.autoscaler.plan.AutoscalingPlanner;
import com.vpsie.autoscaler.plan.Plan;
import com.vpsie.autoscaler.plan.PlannerSettings;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Times full planning passes over a {@link SyntheticCluster} against a baseline that touches every pod once,
 * and prints human-readable figures followed by one JSON line for scripts.
 */
public final class PlannerBenchmark {

    /** What to run: the cluster to generate, then warm-up and measured passes. */
    public record Options(SyntheticCluster.Spec cluster, int passes, int warmup) {
        public Options {
            if (passes < 1 || warmup < 0) {
                throw new IllegalArgumentException("passes must be positive and warmup not negative");
            }
        }
    }

    /** The figures of one run; times in milliseconds. */
    public record Result(int nodes, int pods, int pending, double passMsP50, double passMsP99, double baselineMsP50,
                         double podsPerSec, Plan plan) {
    }

    // Written after every pass so the JIT cannot prove the work unused and drop it.
    private static volatile long sink;

    private PlannerBenchmark() {
    }

    public static Result run(Options options, PlannerSettings settings, PrintWriter out) {
        long genStart = System.nanoTime();
        ClusterSnapshot snapshot = SyntheticCluster.generate(options.cluster());
        double genMs = (System.nanoTime() - genStart) / 1e6;
        return runOn(snapshot, String.format(Locale.ROOT, "synthetic cluster (seed %d)", options.cluster().seed()),
                genMs, options.passes(), options.warmup(), settings, out);
    }

    /** Times passes over a given snapshot; {@code what} names it in the first line. */
    public static Result runOn(ClusterSnapshot snapshot, String what, double genMs, int passes, int warmup,
                               PlannerSettings settings, PrintWriter out) {
        int pending = 0;
        int daemonSet = 0;
        for (PodInfo p : snapshot.pods()) {
            if (p.nodeName() == null) {
                pending++;
            } else if (p.isDaemonSetPod()) {
                daemonSet++;
            }
        }
        int pods = snapshot.pods().size();
        out.printf(Locale.ROOT, "%s: %d nodes in %d groups, %d pods (%d placed, %d of them"
                        + " DaemonSet; %d pending), %d PDBs; generated in %.0f ms%n",
                what, snapshot.nodes().size(), snapshot.nodeGroups().size(), pods, pods - pending,
                daemonSet, pending, snapshot.pdbs().size(), genMs);
        out.flush();

        Plan first = null;
        for (int i = 0; i < warmup; i++) {
            Plan p = AutoscalingPlanner.plan(snapshot, SyntheticCluster.NOW, settings);
            consume(p);
            if (first == null) {
                first = p;
            }
            baselinePass(snapshot);
        }
        double[] passMs = new double[passes];
        double[] baselineMs = new double[passes];
        Plan last = null;
        for (int i = 0; i < passes; i++) {
            long t0 = System.nanoTime();
            last = AutoscalingPlanner.plan(snapshot, SyntheticCluster.NOW, settings);
            long t1 = System.nanoTime();
            consume(last);
            sink += baselinePass(snapshot);
            long t2 = System.nanoTime();
            passMs[i] = (t1 - t0) / 1e6;
            baselineMs[i] = (t2 - t1) / 1e6;
            if (first == null) {
                first = last;
            }
        }
        double p50 = percentile(passMs, 0.50);
        double p99 = percentile(passMs, 0.99);
        double baseP50 = percentile(baselineMs, 0.50);
        double podsPerSec = pods / (p50 / 1000.0);

        out.printf(Locale.ROOT, "planning pass: p50 %.1f ms, p99 %.1f ms, min %.1f ms, max %.1f ms (%d passes after"
                        + " %d warm-up)%n", p50, p99, percentile(passMs, 0), percentile(passMs, 1), passes,
                warmup);
        out.printf(Locale.ROOT, "baseline (sum requests per node, one sweep over every pod): p50 %.2f ms; a pass"
                + " costs %.0fx that%n", baseP50, baseP50 > 0 ? p50 / baseP50 : 0);
        out.printf(Locale.ROOT, "throughput: %.0f pods/s at the median%n", podsPerSec);
        out.println(summary(last));
        out.println("  pending pods without scale-up by reason: " + countBy(last.noScaleUp(), Plan.NoScaleUp::reason));
        out.println("  unremovable nodes by reason: " + countBy(last.unremovable(), Plan.Unremovable::reason));
        out.println("same plan on every pass: " + (first.equals(last) ? "yes"
                : "NO (the planner is not deterministic)"));

        Result result = new Result(snapshot.nodes().size(), pods, pending, p50, p99, baseP50, podsPerSec, last);
        out.println(json(result));
        out.flush();
        return result;
    }

    /** The same data access a pass cannot avoid, and nothing else: requests summed per node. */
    static long baselinePass(ClusterSnapshot snapshot) {
        Map<String, long[]> perNode = new HashMap<>();
        for (PodInfo p : snapshot.pods()) {
            if (p.nodeName() != null) {
                long[] sum = perNode.computeIfAbsent(p.nodeName(), k -> new long[2]);
                sum[0] += p.requests().cpuMillis();
                sum[1] += p.requests().memoryBytes();
            }
        }
        long h = perNode.size();
        for (long[] sum : perNode.values()) {
            h = h * 31 + (sum[0] ^ sum[1]);
        }
        return h;
    }

    static String summary(Plan plan) {
        int newNodes = 0;
        int forPods = 0;
        for (Plan.ScaleUp s : plan.scaleUp()) {
            newNodes += s.count();
            forPods += s.pods().size();
        }
        long empty = plan.scaleDown().stream().filter(s -> s.reason() == Plan.ScaleDownKind.Empty).count();
        return String.format(Locale.ROOT, "plan: scale up %d nodes in %d options for %d pods, %d pending pods"
                        + " without scale-up; scale down %d candidates (%d empty, %d underutilized), %d unremovable",
                newNodes, plan.scaleUp().size(), forPods, plan.noScaleUp().size(), plan.scaleDown().size(), empty,
                plan.scaleDown().size() - empty, plan.unremovable().size());
    }

    private static <T> String countBy(List<T> items, Function<T, String> key) {
        Map<String, Integer> counts = new TreeMap<>();
        for (T item : items) {
            counts.merge(key.apply(item), 1, Integer::sum);
        }
        return counts.isEmpty() ? "none" : counts.toString();
    }

    static String json(Result r) {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("nodes", r.nodes());
        o.put("pods", r.pods());
        o.put("pending", r.pending());
        o.put("passMsP50", round3(r.passMsP50()));
        o.put("passMsP99", round3(r.passMsP99()));
        o.put("baselineMsP50", round3(r.baselineMsP50()));
        o.put("podsPerSec", Math.round(r.podsPerSec()));
        return o.toString();
    }

    /** Nearest-rank percentile; {@code q} in [0, 1]. */
    static double percentile(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
    }

    private static void consume(Plan plan) {
        sink += plan.scaleUp().size() + 31L * plan.scaleDown().size() + 961L * plan.unremovable().size()
                + plan.noScaleUp().size();
    }

    private static double round3(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
