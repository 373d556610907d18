package com.vpsie.autoscaler.scaledown;

import com.vpsie.autoscaler.model.ClusterSnapshot;
import com.vpsie.autoscaler.model.NodeInfo;
import com.vpsie.autoscaler.model.NodeUsage;
import com.vpsie.autoscaler.model.PodInfo;
import com.vpsie.autoscaler.model.Taint;
import com.vpsie.autoscaler.model.WellKnown;
import com.vpsie.autoscaler.plan.AutoscalingPlanner;
import com.vpsie.autoscaler.plan.Plan;
import com.vpsie.autoscaler.plan.PlannerSettings;
import com.vpsie.autoscaler.scaledown.DrainResult.Outcome;
import com.vpsie.autoscaler.snapshot.ClusterObjectConverter;
import io.fabric8.kubernetes.api.model.DeleteOptionsBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.Eviction;
import io.fabric8.kubernetes.api.model.policy.v1.EvictionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.RequestConfig;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains one node: mark (taint, cordon, annotate) → wait and re-check → evict non-critical pods, wait for them to
 * go → evict critical pods, wait → mark drained. It never deletes a server or a Node, and never undoes its own
 * marks: on any failure it returns a result saying whether an undo is needed, and the caller runs the undo
 * elsewhere (a cancelled drain's thread and time budget are no place for cleanup).
 *
 * <p>Every call goes through a client with fabric8's own retry turned off and the request timeout as its deadline,
 * because this class retries refused evictions itself on cluster-autoscaler's schedule; stacked retries would let
 * one call block for tens of seconds. Any other API error fails the drain, which is then undone.
 */
public final class NodeDrainer {

    private static final Logger LOG = LoggerFactory.getLogger(NodeDrainer.class);
    private static final long DEFAULT_GRACE_SECONDS = 30;

    /**
     * One drain to do.
     *
     * @param podsAtDecision keys ("namespace/name") of the pods the scale-down decision saw on the node; a pod
     *     that is not among them after marking landed in the race window and aborts the drain
     * @param resumeStartedAt for a drain left by an earlier process: the drain-started time of its marks (the
     *     drain continues from the re-check); null for a new drain
     * @param owner {@code namespace/name} of the NodeGroup, written on the marks so that another instance's sweep
     *     leaves them alone; null writes none
     */
    public record Request(String node, String group, Plan.ScaleDownKind kind, Set<String> podsAtDecision,
                          Instant resumeStartedAt, String owner) {
        public Request {
            podsAtDecision = podsAtDecision == null ? Set.of() : Set.copyOf(podsAtDecision);
        }

        /** A request whose marks name no owner. */
        public Request(String node, String group, Plan.ScaleDownKind kind, Set<String> podsAtDecision,
                       Instant resumeStartedAt) {
            this(node, group, kind, podsAtDecision, resumeStartedAt, null);
        }

        public boolean resumed() {
            return resumeStartedAt != null;
        }
    }

    /** The pods bound to a node, as the API server has them now. */
    @FunctionalInterface
    public interface PodLister {

        List<Pod> podsOn(String node);

        /**
         * A list call with field selector {@code spec.nodeName}: one request however large the cluster, answered
         * from the API server's storage rather than a cache that may lag. The result is filtered again, so a
         * server that ignored the selector could only make a drain see too many pods, never too few.
         */
        static PodLister byFieldSelector(KubernetesClient client) {
            return node -> {
                List<Pod> out = new ArrayList<>();
                for (Pod p : client.pods().inAnyNamespace().withField("spec.nodeName", node).list().getItems()) {
                    if (p.getSpec() != null && node.equals(p.getSpec().getNodeName())) {
                        out.add(p);
                    }
                }
                return out;
            };
        }
    }

    /** Ends the drain early with a result. */
    private static final class Stop extends Exception {
        final Outcome outcome;
        final String reason;

        Stop(Outcome outcome, String reason, String detail) {
            super(detail, null, false, false);
            this.outcome = outcome;
            this.reason = reason;
        }
    }

    private final PodLister podLister;
    /** The client without fabric8's retries; see {@link #withoutRetries}. */
    private final KubernetesClient api;
    private final NodeMarkExecutor marks;
    private final Supplier<ClusterSnapshot> snapshots;
    private final PlannerSettings planner;
    private final DrainSettings settings;
    private final Clock clock;

    /**
     * @param client the controller's client; the drainer talks through a view of it without fabric8's own retries
     * @param snapshots a fresh cluster snapshot for the re-check (e.g. from {@code SnapshotFactory})
     */
    public NodeDrainer(KubernetesClient client, Supplier<ClusterSnapshot> snapshots, PlannerSettings planner,
                       DrainSettings settings, Clock clock) {
        this(null, withoutRetries(client, settings.requestTimeout()), snapshots, planner, settings, clock);
    }

    /** With another way to list a node's pods (tests on an API server without field selectors on spec). */
    public NodeDrainer(KubernetesClient client, PodLister pods, Supplier<ClusterSnapshot> snapshots,
                       PlannerSettings planner, DrainSettings settings, Clock clock) {
        this(Objects.requireNonNull(pods, "pods"), withoutRetries(client, settings.requestTimeout()), snapshots,
                planner, settings, clock);
    }

    private NodeDrainer(PodLister podsOrNull, KubernetesClient api, Supplier<ClusterSnapshot> snapshots,
                        PlannerSettings planner, DrainSettings settings, Clock clock) {
        this.api = api;
        this.podLister = podsOrNull != null ? podsOrNull : PodLister.byFieldSelector(api);
        this.marks = new NodeMarkExecutor(api);
        this.snapshots = snapshots;
        this.planner = planner;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * A view of {@code client} sharing its connections, with fabric8's 429/5xx retry off and our deadline per
     * request: fabric8 would otherwise retry a 429 up to 10 times with growing back-off, so one call could block for
     * a minute under the drain's own retries. Scale-down retries where it means to (refused evictions, undos, the
     * sweep). Not closed separately: closing it would close the shared HTTP client.
     */
    static KubernetesClient withoutRetries(KubernetesClient client, Duration requestTimeout) {
        RequestConfig config = new RequestConfigBuilder(client.getConfiguration().getRequestConfig())
                .withRequestRetryBackoffLimit(0)
                .withRequestTimeout((int) requestTimeout.toMillis())
                .build();
        return client.newClient(config).adapt(KubernetesClient.class);
    }

    /** Drains {@code request.node()}; never throws. Interrupting the thread cancels the drain. */
    public DrainResult drain(Request request) {
        Progress progress = new Progress();
        try {
            return run(request, progress);
        } catch (Stop stop) {
            return DrainResult.of(stop.outcome, stop.reason, stop.getMessage(), progress.evicted,
                    progress.startedAt, progress.needsUndo);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return cancelled(progress);
        } catch (KubernetesClientException e) {
            if (interrupted(e)) {
                return cancelled(progress);
            }
            return DrainResult.of(Outcome.FAILED, DrainResult.API_ERROR, describe(e), progress.evicted,
                    progress.startedAt, progress.needsUndo);
        } catch (RuntimeException e) {
            LOG.warn("drain of node {} failed unexpectedly", request.node(), e);
            return DrainResult.of(Outcome.FAILED, DrainResult.API_ERROR, e.toString(), progress.evicted,
                    progress.startedAt, progress.needsUndo);
        }
    }

    /** What a drain has done so far; read when it ends early. */
    private static final class Progress {
        Instant startedAt;
        boolean needsUndo;
        int evicted;
    }

    private DrainResult run(Request request, Progress progress) throws Stop, InterruptedException {
        String node = request.node();
        Plan.ScaleDownKind kind = request.kind();
        if (request.resumed()) {
            NodeMarks found = NodeMarkExecutor.marksOf(marks.get(node));
            if (!found.draining() || !found.sameDrain(request.resumeStartedAt())) {
                throw new Stop(Outcome.SKIPPED, DrainResult.NOTHING_TO_RESUME,
                        "node " + node + " no longer carries the drain to resume");
            }
            progress.startedAt = request.resumeStartedAt();
            progress.needsUndo = true;
            LOG.info("resuming the drain of node {} begun at {}", node, progress.startedAt);
        } else {
            progress.startedAt = NodeMarks.startedAtPrecision(clock.instant());
            // the patch may reach the server even if its answer never reaches us
            progress.needsUndo = true;
            NodeMarkExecutor.MarkOutcome marked = marks.mark(node, progress.startedAt, kind, request.owner());
            if (marked != NodeMarkExecutor.MarkOutcome.MARKED) {
                progress.needsUndo = false;
                progress.startedAt = null;
                throw new Stop(Outcome.SKIPPED, marked == NodeMarkExecutor.MarkOutcome.GONE
                        ? DrainResult.NODE_GONE : DrainResult.ALREADY_MARKED,
                        "node " + node + (marked == NodeMarkExecutor.MarkOutcome.GONE
                                ? " is gone or being deleted" : " already carries to-be-deleted marks"));
            }
            LOG.info("marked node {} for scale-down ({}); re-checking in {}", node, kind, settings.recheckDelay());
            sleep(settings.recheckDelay());
        }

        List<Pod> pods = recheck(request, progress);
        List<Pod> nonCritical = new ArrayList<>();
        List<Pod> critical = new ArrayList<>();
        for (Pod pod : pods) {
            PodInfo info = ClusterObjectConverter.toPodInfo(pod);
            if (DrainRules.goesWithNode(info)) {
                continue; // DaemonSet, mirror, finished or already terminating: they go with the node
            }
            (info.isCritical() ? critical : nonCritical).add(pod);
        }
        evictAndWait(node, nonCritical, progress);
        evictAndWait(node, critical, progress);

        for (Pod pod : listPods(node)) {
            PodInfo info = ClusterObjectConverter.toPodInfo(pod);
            if (!DrainRules.goesWithNode(info)) {
                throw new Stop(Outcome.ABORTED, DrainResult.PODS_ARRIVED,
                        "pod " + info.key() + " appeared on node " + node + " while it was draining");
            }
        }
        switch (marks.markDrained(node, progress.startedAt, clock.instant())) {
            case DRAINED:
                LOG.info("node {} drained ({} pod(s) evicted); the NodeGroup reconciler deletes it", node,
                        progress.evicted);
                return DrainResult.drained(progress.evicted, progress.startedAt);
            case GONE:
                progress.needsUndo = false;
                throw new Stop(Outcome.FAILED, DrainResult.NODE_GONE, "node " + node + " went away while draining");
            default:
                progress.needsUndo = false;
                throw new Stop(Outcome.FAILED, DrainResult.MARK_LOST,
                        "the drain marks on node " + node + " were removed or replaced while it was draining");
        }
    }

    // ---- re-check ----

    /**
     * After marking, nothing new can be scheduled on the node; anything that landed in between shows up now. The
     * drain goes on only if no unexpected pod arrived and a fresh plan, with this node seen unmarked, still
     * removes it. Returns the pods on the node.
     */
    private List<Pod> recheck(Request request, Progress progress) throws Stop {
        String node = request.node();
        Node live = marks.get(node);
        if (live == null) {
            progress.needsUndo = false;
            throw new Stop(Outcome.FAILED, DrainResult.NODE_GONE, "node " + node + " went away before draining");
        }
        NodeMarks current = NodeMarkExecutor.marksOf(live);
        if (!current.draining() || !current.sameDrain(progress.startedAt)) {
            progress.needsUndo = false;
            throw new Stop(Outcome.FAILED, DrainResult.MARK_LOST,
                    "the drain marks on node " + node + " were removed or replaced");
        }
        List<Pod> pods = listPods(node);
        List<PodInfo> infos = new ArrayList<>();
        for (Pod pod : pods) {
            PodInfo info;
            try {
                info = ClusterObjectConverter.toPodInfo(pod);
            } catch (RuntimeException e) {
                throw new Stop(Outcome.ABORTED, DrainResult.NO_LONGER_REMOVABLE, "pod "
                        + pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName()
                        + " on node " + node + " cannot be understood: " + e.getMessage());
            }
            infos.add(info);
            if (!request.resumed() && !request.podsAtDecision().contains(info.key())
                    && !DrainRules.goesWithNode(info)) {
                throw new Stop(Outcome.ABORTED, DrainResult.PODS_ARRIVED, "pod " + info.key()
                        + " was scheduled on node " + node + " between the scale-down decision and the taint");
            }
        }
        String keptBecause = freshPlanKeeps(live, current, infos, request);
        if (keptBecause != null) {
            throw new Stop(Outcome.ABORTED, DrainResult.NO_LONGER_REMOVABLE,
                    "a fresh plan keeps node " + node + ": " + keptBecause);
        }
        return pods;
    }

    /** Null when a fresh plan still removes the node (as it was before our marks); else why it keeps it. */
    private String freshPlanKeeps(Node live, NodeMarks current, List<PodInfo> podsOnNode, Request request) {
        ClusterSnapshot base = snapshots.get();
        String name = request.node();
        NodeInfo unmarked = unmarked(ClusterObjectConverter.toNodeInfo(live), current);
        List<NodeInfo> nodes = new ArrayList<>();
        for (NodeInfo n : base.nodes()) {
            if (!n.name().equals(name)) {
                nodes.add(staying(n));
            }
        }
        nodes.add(unmarked);
        Set<String> onNode = new HashSet<>();
        podsOnNode.forEach(p -> onNode.add(p.key()));
        List<PodInfo> pods = new ArrayList<>();
        for (PodInfo p : base.pods()) {
            // the API's answer about this node's pods replaces the cache's, which may lag
            if (!name.equals(p.nodeName()) && !onNode.contains(p.key())) {
                pods.add(p);
            }
        }
        pods.addAll(podsOnNode);
        // The measured usage goes along: a node chosen by usage must be judged by usage again, not by requests.
        Map<String, NodeUsage> usage = new HashMap<>();
        nodes.forEach(n -> usage.put(n.name(), base.usageOf(n.name())));
        ClusterSnapshot snapshot = new ClusterSnapshot(nodes, pods, base.pdbs(),
                new ArrayList<>(base.nodeGroups().values()), new ArrayList<>(base.offerings().values()))
                .withUsage(usage);
        Plan plan = AutoscalingPlanner.plan(snapshot, clock.instant(), planner);
        for (Plan.ScaleDown d : plan.scaleDown()) {
            if (d.node().equals(name)) {
                // an empty node was admitted under the bulk limit for empty nodes; it must not turn into a move
                if (request.kind() == Plan.ScaleDownKind.Empty && d.reason() != Plan.ScaleDownKind.Empty) {
                    return "it is no longer empty";
                }
                return null;
            }
        }
        for (Plan.Unremovable u : plan.unremovable()) {
            if (u.node().equals(name)) {
                return u.reason() + (u.pod() == null ? "" : " (" + u.pod()
                        + (u.podReason() == null ? "" : ": " + u.podReason()) + ")");
            }
        }
        return "it is not in the plan";
    }

    /**
     * The question is whether this node can go while every other node stays, as cluster-autoscaler re-checks one
     * node with itself as the only candidate. Left to itself the planner would first remove emptier nodes and
     * then find no room for this node's pods; so in the re-check's simulation the others are not candidates.
     */
    static NodeInfo staying(NodeInfo node) {
        Map<String, String> annotations = new HashMap<>(node.annotations());
        annotations.put(WellKnown.CA_SCALE_DOWN_DISABLED_ANNOTATION, "true");
        return new NodeInfo(node.name(), node.labels(), annotations, node.taints(), node.allocatable(), node.ready(),
                node.unschedulable(), node.creationTimestamp(), node.providerId(), node.deleting());
    }

    /** The node as the planner saw it before we marked it: without our taint, annotations and cordon. */
    static NodeInfo unmarked(NodeInfo node, NodeMarks marks) {
        List<Taint> taints = new ArrayList<>();
        for (Taint t : node.taints()) {
            if (!NodeMarks.isOurTaint(t)) {
                taints.add(t);
            }
        }
        Map<String, String> annotations = new HashMap<>(node.annotations());
        NodeMarks.ANNOTATIONS.forEach(annotations::remove);
        boolean cordoned = marks.state() == null ? node.unschedulable() : marks.wasCordoned();
        return new NodeInfo(node.name(), node.labels(), annotations, taints, node.allocatable(), node.ready(),
                cordoned, node.creationTimestamp(), node.providerId(), node.deleting());
    }

    // ---- eviction ----

    private void evictAndWait(String node, List<Pod> pods, Progress progress) throws Stop, InterruptedException {
        if (pods.isEmpty()) {
            return;
        }
        List<Pod> evicted = evictAll(node, pods, progress);
        waitUntilGone(node, evicted);
    }

    /**
     * Evicts every pod, retrying those a PDB refuses (429) every 5–10 s until {@code maxPodEvictionTime} has
     * passed. A pod that is already gone (404, or 409 because a different pod now has its name) needs nothing.
     * Returns the pods whose eviction was accepted.
     */
    private List<Pod> evictAll(String node, List<Pod> pods, Progress progress) throws Stop, InterruptedException {
        Map<String, Pod> pending = new LinkedHashMap<>();
        pods.forEach(p -> pending.put(p.getMetadata().getUid() != null ? p.getMetadata().getUid()
                : p.getMetadata().getNamespace() + "/" + p.getMetadata().getName(), p));
        List<Pod> accepted = new ArrayList<>();
        long deadline = System.nanoTime() + settings.maxPodEvictionTime().toNanos();
        while (true) {
            String refusedBy = null;
            for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
                Pod pod = it.next().getValue();
                checkInterrupted();
                switch (evict(pod)) {
                    case ACCEPTED -> {
                        accepted.add(pod);
                        progress.evicted++;
                        it.remove();
                    }
                    case GONE -> it.remove();
                    case REFUSED -> refusedBy = key(pod);
                }
            }
            if (pending.isEmpty()) {
                return accepted;
            }
            Duration wait = retryDelay();
            if (System.nanoTime() + wait.toNanos() - deadline > 0) {
                throw new Stop(Outcome.TIMED_OUT, DrainResult.EVICTION_TIMEOUT, pending.size()
                        + " pod(s) on node " + node + " could not be evicted within " + settings.maxPodEvictionTime()
                        + " (disruption budget), e.g. " + refusedBy);
            }
            LOG.debug("{} eviction(s) on node {} refused by a disruption budget; retrying in {}", pending.size(), node,
                    wait);
            sleep(wait);
        }
    }

    private enum Evicted { ACCEPTED, REFUSED, GONE }

    private Evicted evict(Pod pod) throws Stop {
        Eviction eviction = new EvictionBuilder()
                .withNewMetadata().withName(pod.getMetadata().getName())
                .withNamespace(pod.getMetadata().getNamespace()).endMetadata()
                .withDeleteOptions(new DeleteOptionsBuilder().withGracePeriodSeconds(graceSeconds(pod))
                        // evict this pod, not a replacement that took its name meanwhile
                        .withNewPreconditions().withUid(pod.getMetadata().getUid()).endPreconditions()
                        .build())
                .build();
        try {
            boolean done = api.pods().inNamespace(pod.getMetadata().getNamespace())
                    .withName(pod.getMetadata().getName()).evict(eviction);
            return done ? Evicted.ACCEPTED : Evicted.REFUSED;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404 || e.getCode() == 409) {
                return Evicted.GONE;
            }
            if (interrupted(e)) {
                throw e;
            }
            throw new Stop(Outcome.FAILED, DrainResult.EVICTION_FAILED, "evicting pod " + key(pod) + " failed: "
                    + describe(e));
        }
    }

    long graceSeconds(Pod pod) {
        Long own = pod.getSpec() == null ? null : pod.getSpec().getTerminationGracePeriodSeconds();
        long grace = own == null ? DEFAULT_GRACE_SECONDS : Math.max(0, own);
        return Math.min(grace, settings.maxGracefulTermination().toSeconds());
    }

    /** Waits until none of {@code evicted} is on the node any more, up to the longest grace period plus slack. */
    private void waitUntilGone(String node, List<Pod> evicted) throws Stop, InterruptedException {
        if (evicted.isEmpty()) {
            return;
        }
        long grace = evicted.stream().mapToLong(this::graceSeconds).max().orElse(0);
        Duration limit = Duration.ofSeconds(grace).plus(settings.podsGoneSlack());
        long deadline = System.nanoTime() + limit.toNanos();
        Set<String> uids = new HashSet<>();
        evicted.forEach(p -> uids.add(p.getMetadata().getUid()));
        while (true) {
            int left = 0;
            for (Pod pod : listPods(node)) {
                if (uids.contains(pod.getMetadata().getUid())) {
                    left++;
                }
            }
            if (left == 0) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new Stop(Outcome.TIMED_OUT, DrainResult.PODS_NOT_GONE, left + " evicted pod(s) still on node "
                        + node + " after " + limit);
            }
            sleep(settings.pollInterval());
        }
    }

    private List<Pod> listPods(String node) {
        return podLister.podsOn(node);
    }

    private Duration retryDelay() {
        long min = settings.evictionRetryMin().toMillis();
        long max = settings.evictionRetryMax().toMillis();
        return Duration.ofMillis(max > min ? ThreadLocalRandom.current().nextLong(min, max + 1) : min);
    }

    // ---- helpers ----

    private static void sleep(Duration d) throws InterruptedException {
        checkInterrupted();
        Thread.sleep(Math.max(0, d.toMillis()));
    }

    private static void checkInterrupted() throws InterruptedException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("drain cancelled");
        }
    }

    private static boolean interrupted(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InterruptedException) {
                return true;
            }
        }
        return Thread.currentThread().isInterrupted();
    }

    private static DrainResult cancelled(Progress progress) {
        return DrainResult.of(Outcome.CANCELLED, DrainResult.CANCELLED, "the drain was cancelled", progress.evicted,
                progress.startedAt, progress.needsUndo);
    }

    private static String describe(KubernetesClientException e) {
        return e.getCode() > 0 ? "HTTP " + e.getCode() + ": " + e.getMessage() : e.getMessage();
    }

    private static String key(Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }
}
