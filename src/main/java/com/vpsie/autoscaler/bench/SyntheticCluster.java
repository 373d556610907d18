package com.vpsie.autoscaler.bench;

import com.vpsie.autoscaler.model.ClusterSnapshot;
import com.vpsie.autoscaler.model.LabelSelector;
import com.vpsie.autoscaler.model.NodeGroupInfo;
import com.vpsie.autoscaler.model.NodeInfo;
import com.vpsie.autoscaler.model.Offering;
import com.vpsie.autoscaler.model.OwnerRef;
import com.vpsie.autoscaler.model.PdbInfo;
import com.vpsie.autoscaler.model.PodAffinityTerm;
import com.vpsie.autoscaler.model.PodInfo;
import com.vpsie.autoscaler.model.PodVolume;
import com.vpsie.autoscaler.model.Resources;
import com.vpsie.autoscaler.model.ScaleDownPolicy;
import com.vpsie.autoscaler.model.Taint;
import com.vpsie.autoscaler.model.TaintEffect;
import com.vpsie.autoscaler.model.Toleration;
import com.vpsie.autoscaler.model.VolumeKind;
import com.vpsie.autoscaler.model.WellKnown;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A seeded, realistic synthetic cluster for benchmarks: the same spec and seed always give the same snapshot.
 *
 * <p>Placed pods respect their node's capacity, taints, selectors and anti-affinity, so the planner works on
 * a cluster that could exist. Groups alternate between "hot" pools, whose nodes are nearly full, and "mixed"
 * pools, where many nodes run well below the scale-down threshold with fewer pods. Most pending pods select a
 * hot pool, so, as in a real cluster, they are pending because their pool is full and not because the
 * scheduler has not looked yet. Some pods block removal (no PDB room, local storage, unreplicated,
 * safe-to-evict=false, kube-system), so scale-down has real work; some pending pods fit no group at all.
 */
public final class SyntheticCluster {

    /** The clock the synthetic objects are dated against; pass it to the planner too. */
    public static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

    static final String CLASS_LABEL = "workload-class";
    static final String ZONE_LABEL = "topology.kubernetes.io/zone";
    static final String POOL_LABEL = "pool";
    static final String GROUP_NAMESPACE = "vpsie-system";
    static final Taint DEDICATED_TAINT = new Taint("dedicated", "batch", TaintEffect.NO_SCHEDULE);
    static final List<Toleration> DEDICATED_TOLERATIONS = List.of(new Toleration(DEDICATED_TAINT.key(),
            Toleration.Operator.EQUAL, DEDICATED_TAINT.value(), TaintEffect.NO_SCHEDULE));
    /** Share of underutilized nodes in a mixed group; with a single group, that group's share. */
    static final double MIXED_UNDERUTILIZED_FRACTION = 0.4;
    static final double SINGLE_GROUP_UNDERUTILIZED_FRACTION = 0.2;
    static final double EMPTY_FRACTION = 0.03;

    private static final long MI = 1024L * 1024;
    private static final long GI = 1024 * MI;
    private static final Resources DAEMONSET_REQUEST = new Resources(100, 128 * MI, 0, 1);
    private static final List<String> CLASSES = List.of("general", "compute", "memory", "batch", "edge");
    private static final List<String> ZONES = List.of("zone-a", "zone-b", "zone-c");
    private static final List<String> NAMESPACES = List.of("team-a", "team-b", "team-c", "team-d", "team-e",
            "team-f", "team-g", "team-h");
    private static final List<Offering> CATALOG = List.of(
            offering("vps-2c-4g", 2, 4, 0.030),
            offering("vps-4c-8g", 4, 8, 0.060),
            offering("vps-8c-16g", 8, 16, 0.120),
            offering("vps-8c-32g", 8, 32, 0.160),
            offering("vps-16c-32g", 16, 32, 0.240),
            offering("vps-16c-64g", 16, 64, 0.320),
            offering("vps-32c-128g", 32, 128, 0.640));
    /** Offering ids each workload class chooses from (one or two of them). */
    private static final Map<String, List<String>> CLASS_OFFERINGS = Map.of(
            "general", List.of("vps-8c-16g", "vps-16c-32g", "vps-4c-8g"),
            "compute", List.of("vps-16c-32g", "vps-32c-128g", "vps-8c-16g"),
            "memory", List.of("vps-8c-32g", "vps-16c-64g"),
            "batch", List.of("vps-8c-16g", "vps-16c-32g"),
            "edge", List.of("vps-2c-4g", "vps-4c-8g"));

    /** What to generate; {@code pending} may be zero, everything else must be positive. */
    public record Spec(int nodes, int podsPerNode, int pending, int groups, long seed) {
        public Spec {
            if (nodes < 1 || podsPerNode < 1 || groups < 1 || pending < 0) {
                throw new IllegalArgumentException("nodes, podsPerNode and groups must be positive and pending"
                        + " not negative: " + nodes + ", " + podsPerNode + ", " + groups + ", " + pending);
            }
        }
    }

    private final Spec spec;
    private final Random random;
    private final List<NodeInfo> nodes = new ArrayList<>();
    private final List<PodInfo> pods = new ArrayList<>();
    private final List<PdbInfo> pdbs = new ArrayList<>();
    private final List<NodeGroupInfo> groups = new ArrayList<>();
    private final Map<String, Offering> offerings = new LinkedHashMap<>();
    private final List<NodeGroupInfo> hotGroups = new ArrayList<>();
    private int appCounter;
    private int podCounter;

    private SyntheticCluster(Spec spec) {
        this.spec = spec;
        this.random = new Random(spec.seed());
    }

    public static ClusterSnapshot generate(Spec spec) {
        return new SyntheticCluster(spec).build();
    }

    /** A deployment-like set of identical pods: what its pods share, so draining and PDBs see real replicas. */
    private record App(String namespace, String name, String hash, Map<String, String> nodeSelector,
                       List<Toleration> tolerations, boolean antiAffinity, boolean localStorage,
                       boolean notSafeToEvict, boolean replicated) {
    }

    private ClusterSnapshot build() {
        for (Offering o : CATALOG) {
            offerings.put(o.id(), o);
        }
        int[] nodesPerGroup = split(spec.nodes(), spec.groups(), 1.0, 3.0);
        boolean[] underutilized = new boolean[spec.nodes()];
        int nodeIndex = 0;
        for (int g = 0; g < spec.groups(); g++) {
            double fraction = spec.groups() == 1 ? SINGLE_GROUP_UNDERUTILIZED_FRACTION
                    : isHot(g) ? 0 : MIXED_UNDERUTILIZED_FRACTION;
            for (int i = 0; i < nodesPerGroup[g]; i++) {
                underutilized[nodeIndex++] = random.nextDouble() < fraction;
            }
        }
        int[] podsPerNode = splitPods(underutilized);
        nodeIndex = 0;
        for (int g = 0; g < spec.groups(); g++) {
            NodeGroupInfo group = group(g, nodesPerGroup[g]);
            groups.add(group);
            if (isHot(g) || spec.groups() == 1) {
                hotGroups.add(group);
            }
            List<App> apps = groupApps(group, nodesPerGroup[g]);
            for (int i = 0; i < nodesPerGroup[g]; i++) {
                addNode(group, nodeIndex, podsPerNode[nodeIndex], underutilized[nodeIndex], apps);
                nodeIndex++;
            }
        }
        addPending();
        return new ClusterSnapshot(nodes, pods, pdbs, groups, new ArrayList<>(offerings.values()));
    }

    private static boolean isHot(int groupIndex) {
        return groupIndex % 2 == 0;
    }

    private NodeGroupInfo group(int index, int size) {
        String cls = CLASSES.get(index % CLASSES.size());
        List<String> choices = CLASS_OFFERINGS.get(cls);
        int first = random.nextInt(choices.size());
        List<String> ids = new ArrayList<>(List.of(choices.get(first)));
        if (random.nextBoolean()) {
            ids.add(choices.get((first + 1) % choices.size()));
        }
        boolean tainted = spec.groups() >= 2 && index == spec.groups() - 1;
        Map<String, String> labels = Map.of(CLASS_LABEL, cls, POOL_LABEL, cls + "-" + index);
        return new NodeGroupInfo(GROUP_NAMESPACE, cls + "-" + index, 1, Math.max(10, size * 2 + 10), size, ids,
                ids.get(0), ids.size() > 1, labels, tainted ? List.of(DEDICATED_TAINT) : List.of(), true,
                ScaleDownPolicy.DEFAULT);
    }

    /** About ten replicas per app; a few apps spread by anti-affinity, a few with selectors or blockers. */
    private List<App> groupApps(NodeGroupInfo group, int groupNodes) {
        boolean dedicated = !group.taints().isEmpty();
        int count = Math.max(2, groupNodes * spec.podsPerNode() / 10);
        List<App> apps = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String ns = NAMESPACES.get(random.nextInt(NAMESPACES.size()));
            String name = "app-" + (appCounter++);
            boolean kubeSystem = random.nextDouble() < 0.005;
            Map<String, String> selector = dedicated || random.nextDouble() < 0.05
                    ? Map.of(POOL_LABEL, group.labels().get(POOL_LABEL)) : Map.of();
            List<Toleration> tolerations = dedicated ? DEDICATED_TOLERATIONS : List.of();
            App app = new App(kubeSystem ? WellKnown.KUBE_SYSTEM : ns, name, hash(), selector, tolerations,
                    i > 0 && random.nextDouble() < 0.03, random.nextDouble() < 0.015, random.nextDouble() < 0.005,
                    random.nextDouble() > 0.005);
            apps.add(app);
            if (!kubeSystem && random.nextDouble() < 0.3) {
                double r = random.nextDouble();
                int allowed = r < 0.1 ? 0 : r < 0.6 ? 1 : 2;
                pdbs.add(new PdbInfo(app.namespace(), name + "-pdb", LabelSelector.of(Map.of("app", name)), allowed));
            }
        }
        return apps;
    }

    private void addNode(NodeGroupInfo group, int index, int podCount, boolean under, List<App> apps) {
        String name = String.format(java.util.Locale.ROOT, "node-%05d", index);
        Offering offering = offerings.get(group.offeringIds().get(random.nextInt(group.offeringIds().size())));
        Resources alloc = offering.resources().withPods(Math.max(110, podCount + podCount / 5 + 1));
        Map<String, String> labels = new LinkedHashMap<>(group.labels());
        labels.put(WellKnown.NODEGROUP_LABEL, group.name());
        labels.put(WellKnown.HOSTNAME_LABEL, name);
        labels.put(WellKnown.OFFERING_LABEL, offering.id());
        labels.put(WellKnown.DATACENTER_LABEL, "dc-1");
        labels.put(ZONE_LABEL, ZONES.get(index % ZONES.size()));
        labels.put("kubernetes.io/os", "linux");
        Instant created = NOW.minus(Duration.ofMinutes(60 + random.nextInt(30 * 24 * 60)));
        nodes.add(new NodeInfo(name, labels, Map.of(), group.taints(), alloc, true, false, created,
                "vpsie://" + (100000 + index), false));

        pods.add(daemonSetPod(name, created));
        if (podCount == 0) {
            return;
        }
        double cpuTarget = under ? 0.05 + 0.30 * random.nextDouble() : 0.82 + 0.15 * random.nextDouble();
        double memTarget = under ? 0.05 + 0.30 * random.nextDouble() : 0.70 + 0.22 * random.nextDouble();
        long cpuBudget = Math.max(0, (long) (alloc.cpuMillis() * cpuTarget) - DAEMONSET_REQUEST.cpuMillis());
        long memBudget = Math.max(0, (long) (alloc.memoryBytes() * memTarget) - DAEMONSET_REQUEST.memoryBytes());
        double[] weights = new double[podCount];
        double sum = 0;
        for (int i = 0; i < podCount; i++) {
            weights[i] = 0.3 + 1.4 * random.nextDouble();
            sum += weights[i];
        }
        Set<String> spreadAppsHere = new HashSet<>();
        for (int i = 0; i < podCount; i++) {
            App app = apps.get(random.nextInt(apps.size()));
            if (app.antiAffinity() && !spreadAppsHere.add(app.name())) {
                // apps.get(0) never spreads, so falling back to it keeps the placement legal.
                app = apps.get(0);
            }
            long cpu = Math.max(10, round(cpuBudget * weights[i] / sum, 10));
            long mem = Math.max(16 * MI, round(memBudget * weights[i] / sum, MI));
            pods.add(appPod(app, name, new Resources(cpu, mem, 0, 1), created));
        }
    }

    private PodInfo daemonSetPod(String node, Instant created) {
        return new PodInfo(WellKnown.KUBE_SYSTEM, "node-exporter-" + node.substring(node.indexOf('-') + 1),
                Map.of("app", "node-exporter"), Map.of(), node, "Running", 2000001000, "system-node-critical",
                DAEMONSET_REQUEST, Map.of(), List.of(), List.of(new Toleration(null, Toleration.Operator.EXISTS, null,
                null)), List.of(), List.of(), List.of(), List.of(), new OwnerRef("DaemonSet", "node-exporter"),
                List.of(new PodVolume("proc", VolumeKind.HOST_PATH)), false, created, 30, false);
    }

    private PodInfo appPod(App app, String node, Resources requests, Instant notBefore) {
        Map<String, String> labels = Map.of("app", app.name(), "pod-template-hash", app.hash());
        Map<String, String> annotations = app.notSafeToEvict()
                ? Map.of(WellKnown.SAFE_TO_EVICT_ANNOTATION, "false") : Map.of();
        List<PodVolume> volumes = app.localStorage()
                ? List.of(new PodVolume("kube-api-access", VolumeKind.OTHER),
                new PodVolume("scratch", VolumeKind.EMPTY_DIR_DISK))
                : List.of(new PodVolume("kube-api-access", VolumeKind.OTHER));
        List<PodAffinityTerm> anti = app.antiAffinity()
                ? List.of(new PodAffinityTerm(LabelSelector.of(Map.of("app", app.name())), Set.of(), false,
                WellKnown.HOSTNAME_LABEL))
                : List.of();
        OwnerRef owner = app.replicated() ? new OwnerRef("ReplicaSet", app.name() + "-" + app.hash()) : null;
        String name = app.replicated() ? app.name() + "-" + app.hash() + "-" + suffix() : app.name() + "-" + suffix();
        Instant created = node == null ? NOW.minusSeconds(5 + random.nextInt(120))
                : notBefore.plus(Duration.ofMinutes(random.nextInt(60 * 24)));
        if (created.isAfter(NOW)) {
            created = NOW.minusSeconds(600);
        }
        return new PodInfo(app.namespace(), name, labels, annotations, node, node == null ? "Pending" : "Running",
                0, null, requests, app.nodeSelector(), List.of(), app.tolerations(), List.of(), List.of(), anti,
                List.of(), owner, volumes, node == null, created, 30, false);
    }

    /**
     * Pending pods come in deployment-sized batches of one shape: mostly ordinary sizes for a hot pool, some
     * large, some spread by anti-affinity, some for the dedicated group, and some that no group can ever take.
     */
    private void addPending() {
        int remaining = spec.pending();
        NodeGroupInfo dedicated = groups.stream().filter(g -> !g.taints().isEmpty()).findFirst().orElse(null);
        while (remaining > 0) {
            int batch = Math.min(remaining, 1 + random.nextInt(15));
            remaining -= batch;
            double kind = random.nextDouble();
            Resources requests;
            Map<String, String> selector = Map.of();
            List<Toleration> tolerations = List.of();
            boolean anti = false;
            int priority = 0;
            NodeGroupInfo hot = hotGroups.get(random.nextInt(hotGroups.size()));
            long hotCpu = largestOffering(hot).cpuMillis();
            long hotMem = largestOffering(hot).memoryBytes();
            if (kind < 0.62) {
                selector = Map.of(POOL_LABEL, hot.labels().get(POOL_LABEL));
                tolerations = hot.taints().isEmpty() ? List.of() : DEDICATED_TOLERATIONS;
                requests = new Resources(round(hotCpu * (0.15 + 0.3 * random.nextDouble()), 10),
                        round(hotMem * (0.05 + 0.3 * random.nextDouble()), MI), 0, 1);
            } else if (kind < 0.72) {
                // most of a new node of the pool's largest offering
                selector = Map.of(POOL_LABEL, hot.labels().get(POOL_LABEL));
                tolerations = hot.taints().isEmpty() ? List.of() : DEDICATED_TOLERATIONS;
                requests = new Resources(round(hotCpu * (0.5 + 0.35 * random.nextDouble()), 10),
                        round(hotMem * (0.4 + 0.4 * random.nextDouble()), MI), 0, 1);
            } else if (kind < 0.77) {
                anti = true;
                selector = Map.of(POOL_LABEL, hot.labels().get(POOL_LABEL));
                tolerations = hot.taints().isEmpty() ? List.of() : DEDICATED_TOLERATIONS;
                requests = new Resources(round(hotCpu * (0.1 + 0.2 * random.nextDouble()), 10),
                        round(hotMem * (0.05 + 0.2 * random.nextDouble()), MI), 0, 1);
            } else if (kind < 0.84 && dedicated != null) {
                selector = Map.of(POOL_LABEL, dedicated.labels().get(POOL_LABEL));
                tolerations = DEDICATED_TOLERATIONS;
                requests = new Resources(1000 + 500L * random.nextInt(6), (2 + random.nextInt(6)) * GI, 0, 1);
            } else if (kind < 0.89) {
                // larger than any offering
                requests = random.nextBoolean() ? new Resources(64000 + 1000L * random.nextInt(64), 4 * GI, 0, 1)
                        : new Resources(2000, (256 + random.nextInt(256)) * GI, 0, 1);
            } else if (kind < 0.94) {
                selector = Map.of("gpu", "nvidia-a100");
                requests = new Resources(2000, 8 * GI, 0, 1);
            } else if (kind < 0.97) {
                priority = -100;
                requests = new Resources(250, 512 * MI, 0, 1);
            } else {
                requests = new Resources(round(50 + random.nextInt(450), 10),
                        round((64 + random.nextInt(448)) * MI, MI), 0, 1);
            }
            String ns = NAMESPACES.get(random.nextInt(NAMESPACES.size()));
            App app = new App(ns, "pending-" + (appCounter++), hash(), selector, tolerations, anti, false, false,
                    true);
            for (int i = 0; i < batch; i++) {
                PodInfo pod = appPod(app, null, requests, NOW);
                if (priority != 0) {
                    pod = withPriority(pod, priority);
                }
                pods.add(pod);
            }
        }
    }

    private static PodInfo withPriority(PodInfo p, int priority) {
        return new PodInfo(p.namespace(), p.name(), p.labels(), p.annotations(), p.nodeName(), p.phase(), priority,
                "best-effort", p.requests(), p.nodeSelector(), p.requiredNodeAffinity(), p.tolerations(), p.hostPorts(),
                p.requiredAffinity(), p.requiredAntiAffinity(), p.topologySpread(), p.controller(), p.volumes(),
                p.unschedulable(), p.creationTimestamp(), p.terminationGracePeriodSeconds(), p.deleting());
    }

    /**
     * Pods per node: about {@code podsPerNode} on average, varied, fewer on underutilized nodes, a few of
     * those empty; exactly N*K in total.
     */
    private int[] splitPods(boolean[] underutilized) {
        int n = spec.nodes();
        long total = (long) n * spec.podsPerNode();
        double[] weights = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            if (underutilized[i]) {
                weights[i] = random.nextDouble() < EMPTY_FRACTION / SINGLE_GROUP_UNDERUTILIZED_FRACTION ? 0
                        : 0.2 + 0.4 * random.nextDouble();
            } else {
                weights[i] = 0.7 + 0.6 * random.nextDouble();
            }
            sum += weights[i];
        }
        if (sum == 0) {
            weights[0] = 1;
            sum = 1;
        }
        return distribute(total, weights, sum);
    }

    /** Splits {@code total} over {@code parts} with random weights in [lo, hi). */
    private int[] split(int total, int parts, double lo, double hi) {
        double[] weights = new double[parts];
        double sum = 0;
        for (int i = 0; i < parts; i++) {
            weights[i] = lo + (hi - lo) * random.nextDouble();
            sum += weights[i];
        }
        return distribute(total, weights, sum);
    }

    private static int[] distribute(long total, double[] weights, double sum) {
        int[] counts = new int[weights.length];
        long given = 0;
        for (int i = 0; i < weights.length; i++) {
            counts[i] = (int) Math.floor(total * weights[i] / sum);
            given += counts[i];
        }
        // hand the rounding remainder out round-robin to parts that have weight
        for (int i = 0; given < total; i = (i + 1) % weights.length) {
            if (weights[i] > 0) {
                counts[i]++;
                given++;
            }
        }
        return counts;
    }

    private Resources largestOffering(NodeGroupInfo group) {
        Resources best = Resources.ZERO;
        for (String id : group.offeringIds()) {
            Resources r = offerings.get(id).resources();
            if (r.cpuMillis() > best.cpuMillis()) {
                best = r;
            }
        }
        return best;
    }

    private String hash() {
        return Integer.toString(0x10000000 + random.nextInt(0x6fffffff), 36).substring(0, 5);
    }

    private String suffix() {
        return Integer.toString(podCounter++, 36);
    }

    private static long round(double value, long unit) {
        return Math.round(value / unit) * unit;
    }

    private static Offering offering(String id, int cpus, int gib, double price) {
        return new Offering(id, new Resources(cpus * 1000L, gib * GI, 50 * GI, 110), price);
    }
}
