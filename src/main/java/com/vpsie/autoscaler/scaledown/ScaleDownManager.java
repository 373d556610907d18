package com.vpsie.autoscaler.scaledown;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.controller.EventRecorder;
import com.vpsie.autoscaler.controller.InvolvedObject;
import com.vpsie.autoscaler.controller.LogContext;
import com.vpsie.autoscaler.controller.ScaleDownActuator;
import com.vpsie.autoscaler.metrics.AutoscalerMetrics;
import com.vpsie.autoscaler.model.ClusterSnapshot;
import com.vpsie.autoscaler.model.NodeGroupInfo;
import com.vpsie.autoscaler.model.NodeInfo;
import com.vpsie.autoscaler.model.PodInfo;
import com.vpsie.autoscaler.model.WellKnown;
import com.vpsie.autoscaler.plan.Plan;
import com.vpsie.autoscaler.plan.PlannerSettings;
import com.vpsie.autoscaler.scaledown.DrainAdmission.Candidate;
import com.vpsie.autoscaler.scaledown.DrainAdmission.GroupSize;
import com.vpsie.autoscaler.scaledown.DrainAdmission.Running;
import com.vpsie.autoscaler.scaledown.DrainResult.Outcome;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out scale-down: admits the candidates of each pass within the limits, drains them on a bounded
 * executor, and on failure has the marks undone by the {@link CleanupExecutor}, emits {@code ScaleDownFailed},
 * counts the error and puts the group in a failure cooldown. It never deletes a server or a Node: a drained node
 * is the NodeGroup reconciler's to delete.
 *
 * <p>Lifecycle: {@link #resume()} when this replica starts leading (and at start) finishes or undoes what an
 * earlier process left on nodes and starts a periodic sweep for leftover marks; {@link #stop()} on lease loss
 * cancels every drain and lets the undos run detached; {@link #close()} at shutdown also waits for the undos.
 */
public final class ScaleDownManager implements ScaleDownActuator, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ScaleDownManager.class);

    /** A drain this process runs; removed from {@link #drains} when it ends. */
    private static final class Drain {
        final NodeDrainer.Request request;
        final AtomicBoolean started = new AtomicBoolean();
        /** Set by {@link #stop()}: a drain still queued then never starts, even if leadership is back by then. */
        volatile boolean cancelled;
        volatile Future<?> future;

        Drain(NodeDrainer.Request request) {
            this.request = request;
        }

        boolean empty() {
            return request.kind() == Plan.ScaleDownKind.Empty;
        }
    }

    private final KubernetesClient client;
    private final NodeDrainer drainer;
    private final CleanupExecutor cleanup;
    private final Supplier<ClusterSnapshot> snapshots;
    private final DrainSettings settings;
    private final EventRecorder events;
    private final AutoscalerMetrics metrics;
    private final Clock clock;
    /** The namespaces of the NodeGroups this instance manages; empty: all. */
    private final Set<String> namespaces;

    private final ThreadPoolExecutor drainExecutor;
    private final ScheduledExecutorService sweeper;
    private final Object lifecycle = new Object();
    private ScheduledFuture<?> sweep;
    private volatile boolean active = true;
    private volatile boolean closed;

    /** In-flight drains by node; an entry goes when its drain ends. */
    private final ConcurrentHashMap<String, Drain> drains = new ConcurrentHashMap<>();
    /** End of the failure cooldown by group; expired entries are dropped whenever it is read. */
    private final ConcurrentHashMap<String, Instant> cooldownUntil = new ConcurrentHashMap<>();

    /**
     * @param client the controller's client (drain evictions use a derived view of it without fabric8's retries)
     * @param snapshots a fresh cluster snapshot, for re-checks and for admitting resumed drains
     * @param planner the decision core's settings, for the re-check's fresh plan
     * @param clock drain timestamps, drain age and the failure cooldown
     * @param namespaces the namespaces whose NodeGroups this instance manages ({@code --namespaces}); empty: all.
     *     The sweep of leftover marks leaves drains of groups outside them to the instance managing those.
     */
    public ScaleDownManager(KubernetesClient client, Supplier<ClusterSnapshot> snapshots, PlannerSettings planner,
                            DrainSettings settings, EventRecorder events, AutoscalerMetrics metrics, Clock clock,
                            List<String> namespaces) {
        this(client, snapshots, planner, settings, events, metrics, clock, namespaces,
                new NodeDrainer(client, snapshots, planner, settings, clock));
    }

    /** With another way to list a node's pods (tests on an API server without field selectors on spec). */
    public ScaleDownManager(KubernetesClient client, NodeDrainer.PodLister pods, Supplier<ClusterSnapshot> snapshots,
                            PlannerSettings planner, DrainSettings settings, EventRecorder events,
                            AutoscalerMetrics metrics, Clock clock) {
        this(client, pods, snapshots, planner, settings, events, metrics, clock, List.of());
    }

    /** With another way to list a node's pods, managing the NodeGroups of {@code namespaces} (empty: all). */
    public ScaleDownManager(KubernetesClient client, NodeDrainer.PodLister pods, Supplier<ClusterSnapshot> snapshots,
                            PlannerSettings planner, DrainSettings settings, EventRecorder events,
                            AutoscalerMetrics metrics, Clock clock, List<String> namespaces) {
        this(client, snapshots, planner, settings, events, metrics, clock, namespaces,
                new NodeDrainer(client, Objects.requireNonNull(pods, "pods"), snapshots, planner, settings, clock));
    }

    private ScaleDownManager(KubernetesClient client, Supplier<ClusterSnapshot> snapshots, PlannerSettings planner,
                             DrainSettings settings, EventRecorder events, AutoscalerMetrics metrics, Clock clock,
                             List<String> namespaces, NodeDrainer drainer) {
        // no fabric8 retries under our own (undo retries, periodic sweep): each call ends within the request timeout
        this.client = NodeDrainer.withoutRetries(client, settings.requestTimeout());
        this.drainer = drainer;
        this.cleanup = new CleanupExecutor(this.client, settings.cleanupDeadline(), settings.cleanupRetry());
        this.snapshots = snapshots;
        this.settings = settings;
        this.events = events;
        this.metrics = metrics;
        this.clock = clock;
        this.namespaces = Set.copyOf(namespaces);
        int threads = settings.maxEmptyBulkDelete() + settings.maxDrainParallelism();
        AtomicInteger n = new AtomicInteger();
        // admission keeps in-flight drains within the limits, so the queue never holds more than a pass's worth
        this.drainExecutor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> daemon(r, "scale-down-drain-" + n.incrementAndGet()));
        this.drainExecutor.allowCoreThreadTimeOut(true);
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "scale-down-sweep"));
    }

    // ---- ScaleDownActuator ----

    @Override
    public void submit(List<Plan.ScaleDown> nodes, ClusterSnapshot snapshot) {
        if (!active || closed) {
            LOG.debug("not leading: ignoring {} scale-down candidate(s)", nodes.size());
            return;
        }
        Instant now = clock.instant();
        List<Candidate> candidates = new ArrayList<>();
        Map<String, Plan.ScaleDown> byNode = new HashMap<>();
        for (Plan.ScaleDown d : nodes) {
            if (inFailureCooldown(d.nodeGroup(), now)) {
                continue;
            }
            candidates.add(new Candidate(d.node(), d.nodeGroup(), d.reason() == Plan.ScaleDownKind.Empty, false));
            byNode.put(d.node(), d);
        }
        synchronized (lifecycle) {
            DrainAdmission.Decision decision = DrainAdmission.admit(candidates, groupSizes(snapshot), running(),
                    settings.maxEmptyBulkDelete(), settings.maxDrainParallelism());
            reportHeld(decision);
            for (Candidate c : decision.admitted()) {
                Plan.ScaleDown d = byNode.get(c.node());
                Set<String> pods = new HashSet<>();
                for (PodInfo p : snapshot.podsOn(c.node())) {
                    pods.add(p.key());
                }
                NodeGroupInfo group = snapshot.nodeGroups().get(c.group());
                start(new NodeDrainer.Request(c.node(), c.group(), d.reason(), pods, null,
                        group == null ? null : ownerKey(group.namespace(), group.name())));
            }
        }
    }

    @Override
    public boolean inFailureCooldown(String nodeGroup, Instant now) {
        cooldownUntil.entrySet().removeIf(e -> !e.getValue().isAfter(now));
        Instant until = cooldownUntil.get(nodeGroup);
        return until != null && until.isAfter(now);
    }

    // ---- lifecycle ----

    /**
     * Call when this replica starts leading (and at start without election). Returns at once: finishing or
     * undoing the marks an earlier process left happens in the background, and from then on every
     * sweep interval, so no node stays marked by us for good even if an undo failed.
     */
    public void resume() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            active = true;
            if (sweep == null) {
                sweep = sweeper.scheduleWithFixedDelay(this::sweepQuietly, 0, settings.sweepInterval().toMillis(),
                        TimeUnit.MILLISECONDS);
            }
        }
    }

    /**
     * Lease lost: takes no new drains, cancels every drain in flight and stops the sweep. Undos of cancelled drains
     * run detached on the cleanup executor. Returns at once.
     */
    public void stop() {
        synchronized (lifecycle) {
            active = false;
            if (sweep != null) {
                sweep.cancel(true);
                sweep = null;
            }
            for (Drain d : drains.values()) {
                d.cancelled = true;
                Future<?> f = d.future;
                if (f != null) {
                    f.cancel(true);
                }
                if (!d.started.get()) {
                    // cancelled before it ran: it marked nothing
                    drains.remove(d.request.node(), d);
                }
            }
            // the next leader reports the marks; a stale report here would age into a false alert
            metrics.scaleDownMarks(Map.of());
            // per-term state: a later term judges the groups by what it sees itself
            cooldownUntil.clear();
        }
    }

    /** Shutdown with the undo deadline as grace; see {@link #shutdown(Duration)}. */
    @Override
    public void close() {
        shutdown(settings.cleanupDeadline());
    }

    /**
     * Shutdown: {@link #stop()}, then waits up to {@code grace} in all for the cancelled drains to hand over and for
     * their undos. What is still unfinished then is left to the next leader's sweep.
     */
    public void shutdown(Duration grace) {
        long end = System.nanoTime() + grace.toNanos();
        stop();
        synchronized (lifecycle) {
            closed = true;
        }
        drainExecutor.shutdown();
        sweeper.shutdownNow();
        try {
            // a cancelled drain ends at its next blocking call; its undo is queued before it leaves
            if (!drainExecutor.awaitTermination(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                LOG.warn("drains still running at shutdown; their marks are undone by the next leader's sweep");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            cleanup.close(Duration.ofNanos(Math.max(0, end - System.nanoTime())));
            drainExecutor.shutdownNow();
        }
    }

    /** Nodes being drained by this process now. */
    public Set<String> drainsInFlight() {
        return Set.copyOf(drains.keySet());
    }

    /** Waits until no drain and no undo is in flight, up to {@code timeout}; for tests and shutdown. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!drains.isEmpty()) {
            if (System.nanoTime() - end > 0) {
                return false;
            }
            Thread.sleep(10);
        }
        return cleanup.awaitIdle(Duration.ofNanos(Math.max(0, end - System.nanoTime())));
    }

    // ---- draining ----

    private void start(NodeDrainer.Request request) {
        Drain drain = new Drain(request);
        if (drains.putIfAbsent(request.node(), drain) != null) {
            return;
        }
        try {
            drain.future = drainExecutor.submit(() -> run(drain));
        } catch (RuntimeException rejected) {
            drains.remove(request.node(), drain);
            LOG.warn("cannot start draining node {}: {}", request.node(), rejected.toString());
        }
    }

    private void run(Drain drain) {
        NodeDrainer.Request request = drain.request;
        if (drain.cancelled || !drain.started.compareAndSet(false, true)) {
            drains.remove(request.node(), drain);
            return;
        }
        long began = System.nanoTime();
        try (LogContext ignored = LogContext.forNodeGroup(request.group())) {
            DrainResult result = drainer.drain(request);
            Duration took = Duration.ofNanos(System.nanoTime() - began);
            finish(request, result, took);
        } catch (RuntimeException e) {
            // a Future would swallow it silently
            LOG.error("bookkeeping after the drain of node {} failed", request.node(), e);
        } finally {
            // the undo, if any, is queued by now, so a sweep that no longer sees the drain sees the undo
            drains.remove(request.node(), drain);
        }
    }

    private void finish(NodeDrainer.Request request, DrainResult result, Duration took) {
        String node = request.node();
        if (result.needsUndo()) {
            cleanup.undo(node, result.startedAt(), result.reason());
        }
        if (result.outcome() == Outcome.SKIPPED) {
            LOG.info("scale-down of node {} skipped: {}", node, result.detail());
            return;
        }
        if (result.failed()) {
            failed(node, request.group(), result.reason(), result.detail());
            if (result.outcome() == Outcome.ABORTED) {
                metrics.safetyCheckFailed(result.reason());
            }
        }
        metrics.nodeDrain(request.group(), result.outcome() == Outcome.DRAINED ? "success" : result.outcome().word(),
                took, result.podsEvicted());
    }

    /** Every scale-down that did not end drained: event, error count and the group's cooldown. */
    private void failed(String node, String group, String reason, String detail) {
        LOG.warn("scale-down of node {} in NodeGroup {} failed ({}): {}", node, group, reason, detail);
        events.warning(nodeRef(node), "ScaleDownFailed", "scale-down failed (" + reason + "): " + detail);
        metrics.scaleDownError(group, reason);
        cooldownUntil.merge(group, clock.instant().plus(settings.failureCooldown()),
                (a, b) -> a.isAfter(b) ? a : b);
    }

    // ---- resume and the sweep of leftover marks ----

    private void sweepQuietly() {
        try {
            sweepMarks();
        } catch (RuntimeException e) {
            LOG.warn("looking for leftover scale-down marks failed; trying again in {}: {}", settings.sweepInterval(),
                    e.toString());
        }
    }

    /**
     * Every node carrying our marks that no drain of this process owns: drained ones are the reconciler's (unless
     * their NodeGroup is gone, then nothing would ever delete them and they are handed back); draining ones younger
     * than the longest possible drain resume (the re-check decides if they are still wanted); everything else is
     * undone. Marks owned by a NodeGroup outside this instance's namespaces are left to the instance managing it,
     * unless that group is gone. Also reports the marked nodes per group, so an alert sees a node that stays marked.
     */
    private void sweepMarks() {
        if (!active || closed) {
            return;
        }
        Instant now = clock.instant();
        List<Node> nodes = client.nodes().list().getItems();
        List<Candidate> resumable = new ArrayList<>();
        Map<String, NodeMarks> marksByNode = new HashMap<>();
        List<Orphan> drainedWithoutKnownGroup = new ArrayList<>();
        Map<String, List<NodeMarks>> markedByGroup = new HashMap<>();
        ClusterSnapshot snapshot = snapshots.get();
        ExistingGroups existing = new ExistingGroups();
        for (Node node : nodes) {
            String name = node.getMetadata().getName();
            NodeMarks marks = NodeMarkExecutor.marksOf(node);
            if (!marks.any()) {
                continue;
            }
            String label = node.getMetadata().getLabels() == null ? null
                    : node.getMetadata().getLabels().get(WellKnown.NODEGROUP_LABEL);
            Ownership ownership = ownership(marks, label, snapshot, existing);
            if (ownership == Ownership.OTHERS) {
                // the instance managing that namespace drains it, undoes it or hands it to its reconciler
                continue;
            }
            // marks of another group of the same name are not our snapshot's group's to resume or count
            String group = label != null && marks.owner() != null && snapshot.nodeGroups().containsKey(label)
                    && !marks.owner().equals(ownerKey(snapshot.nodeGroups().get(label).namespace(), label))
                    ? null : label;
            if (group != null && ownership == Ownership.OURS) {
                markedByGroup.computeIfAbsent(group, g -> new ArrayList<>()).add(marks);
            }
            if (drains.containsKey(name) || cleanup.pending(name)) {
                continue;
            }
            if (ownership == Ownership.OWNER_GONE) {
                if (!marks.drained()) {
                    abandon(name, marks, "NodeGroup " + marks.owner() + " that drained the node no longer exists");
                } else if (marks.expired(now, settings.drainDeadline())) {
                    drainedWithoutKnownGroup.add(new Orphan(name, group, marks));
                }
            } else if (marks.drained()) {
                // only once no drain or deletion begun before the group went can still be running
                if ((group == null || !snapshot.nodeGroups().containsKey(group))
                        && marks.expired(now, settings.drainDeadline())) {
                    drainedWithoutKnownGroup.add(new Orphan(name, group, marks));
                }
            } else if (!marks.draining() || group == null || marks.kind() == null) {
                undoLeftover(name, group, marks, DrainResult.LEFTOVER_MARK,
                        "node carries scale-down marks without a drain to finish");
            } else if (marks.expired(now, settings.drainDeadline())) {
                undoLeftover(name, group, marks, DrainResult.DRAIN_EXPIRED, "the drain begun at "
                        + marks.startedAt() + " is older than the longest drain (" + settings.drainDeadline() + ")");
            } else {
                marksByNode.put(name, marks);
                resumable.add(new Candidate(name, group, marks.kind() == Plan.ScaleDownKind.Empty, true));
            }
        }
        reportMarks(snapshot, markedByGroup);
        handBackOrphans(drainedWithoutKnownGroup, existing);
        if (resumable.isEmpty()) {
            return;
        }
        synchronized (lifecycle) {
            if (!active || closed) {
                return;
            }
            DrainAdmission.Decision decision = DrainAdmission.admit(resumable, groupSizes(snapshot), running(),
                    settings.maxEmptyBulkDelete(), settings.maxDrainParallelism());
            for (DrainAdmission.Held h : decision.held()) {
                if (!h.reason().equals(DrainAdmission.ALREADY_DRAINING)) {
                    NodeMarks marks = marksByNode.get(h.candidate().node());
                    undoLeftover(h.candidate().node(), h.candidate().group(), marks, DrainResult.NOT_ADMITTED,
                            "the drain left by an earlier process cannot go on: " + h.reason());
                }
            }
            for (Candidate c : decision.admitted()) {
                NodeMarks marks = marksByNode.get(c.node());
                LOG.info("resuming the drain of node {} left by an earlier process", c.node());
                start(new NodeDrainer.Request(c.node(), c.group(), marks.kind(), Set.of(), marks.startedAt(),
                        marks.owner()));
            }
        }
    }

    /** Marked nodes of the groups the planner knows; a group with none reports zero, a vanished group nothing. */
    private void reportMarks(ClusterSnapshot snapshot, Map<String, List<NodeMarks>> markedByGroup) {
        Map<String, AutoscalerMetrics.MarkedNodes> report = new HashMap<>();
        for (String group : snapshot.nodeGroups().keySet()) {
            List<NodeMarks> marked = markedByGroup.getOrDefault(group, List.of());
            Instant oldest = marked.stream().map(NodeMarks::startedAt).filter(Objects::nonNull)
                    .min(Instant::compareTo).orElse(null);
            report.put(group, new AutoscalerMetrics.MarkedNodes(marked.size(), oldest));
        }
        synchronized (lifecycle) {
            // a sweep that overlapped stop() must not bring back what stop() cleared
            if (active && !closed) {
                metrics.scaleDownMarks(report);
            }
        }
    }

    /**
     * Drained nodes, marked longer ago than the longest drain, whose NodeGroup the planner does not know: if no
     * NodeGroup of that name exists in any namespace, the reconciler will never delete them, so the marks come off
     * and the node takes pods again rather than stay cordoned for good. A group that exists but is invalid keeps
     * its drained nodes: fixing the spec lets its reconciler finish the deletion.
     */
    private void handBackOrphans(List<Orphan> drainedWithoutKnownGroup, ExistingGroups existing) {
        for (Orphan o : drainedWithoutKnownGroup) {
            String owner = o.marks().owner();
            if (owner != null ? existing.contains(owner) : o.group() != null && existing.named(o.group())) {
                continue;
            }
            String detail = owner != null ? "NodeGroup " + owner + " no longer exists, so nothing would delete the "
                    + "drained node" : o.group() == null ? "the drained node has no NodeGroup label"
                    : "NodeGroup " + o.group() + " no longer exists, so nothing would delete the drained node";
            LOG.warn("handing node {} back: {}; removing the scale-down marks", o.node(), detail);
            events.warning(nodeRef(o.node()), "ScaleDownFailed", "scale-down abandoned ("
                    + DrainResult.NODEGROUP_GONE + "): " + detail + "; its scale-down marks are removed");
            cleanup.handBack(o.node(), o.marks().startedAt(), DrainResult.NODEGROUP_GONE);
        }
    }

    /**
     * A drain (not drained) whose owning NodeGroup is gone: no instance will finish it, so it is undone. No error
     * is counted, since a series for a group that is gone would never go away.
     */
    private void abandon(String node, NodeMarks marks, String detail) {
        LOG.warn("undoing the drain of node {}: {}", node, detail);
        events.warning(nodeRef(node), "ScaleDownFailed", "scale-down abandoned (" + DrainResult.NODEGROUP_GONE
                + "): " + detail + "; its scale-down marks are removed");
        cleanup.undo(node, marks.startedAt(), DrainResult.NODEGROUP_GONE);
    }

    // ---- ownership of drains ----

    /** Whose marks these are, from this instance's point of view. */
    private enum Ownership {
        /** A group in this instance's namespaces, or marks that name no owner and no group another instance has. */
        OURS,
        /** A NodeGroup that exists in a namespace this instance does not manage: never touched here. */
        OTHERS,
        /** The NodeGroup the marks name exists nowhere any more. */
        OWNER_GONE
    }

    /**
     * The marks' owner annotation decides. Marks without one (written before owners were recorded) fall back on
     * the node's group label: they are ours when the label names a group of our snapshot or no group outside our
     * namespaces, as before.
     */
    private Ownership ownership(NodeMarks marks, String group, ClusterSnapshot snapshot, ExistingGroups existing) {
        String owner = marks.owner();
        if (owner == null) {
            if (namespaces.isEmpty() || group == null || snapshot.nodeGroups().containsKey(group)) {
                return Ownership.OURS;
            }
            return existing.namedOutside(group, namespaces) ? Ownership.OTHERS : Ownership.OURS;
        }
        if (manages(owner.substring(0, owner.indexOf('/')))) {
            return Ownership.OURS;
        }
        return existing.contains(owner) ? Ownership.OTHERS : Ownership.OWNER_GONE;
    }

    private boolean manages(String namespace) {
        return namespaces.isEmpty() || namespaces.contains(namespace);
    }

    static String ownerKey(String namespace, String name) {
        return namespace + "/" + name;
    }

    /** The NodeGroups of every namespace, listed at most once per sweep and only when a mark needs them. */
    private final class ExistingGroups {
        private Set<String> keys;

        boolean contains(String key) {
            return keys().contains(key);
        }

        boolean named(String name) {
            return keys().stream().anyMatch(k -> k.substring(k.indexOf('/') + 1).equals(name));
        }

        boolean namedOutside(String name, Set<String> managed) {
            return keys().stream().anyMatch(k -> k.substring(k.indexOf('/') + 1).equals(name)
                    && !managed.contains(k.substring(0, k.indexOf('/'))));
        }

        private Set<String> keys() {
            if (keys == null) {
                Set<String> listed = new HashSet<>();
                client.resources(NodeGroup.class).inAnyNamespace().list().getItems()
                        .forEach(g -> listed.add(ownerKey(g.getMetadata().getNamespace(), g.getMetadata().getName())));
                keys = listed;
            }
            return keys;
        }
    }

    /** A drained node whose group (null: no label) the planner does not know. */
    private record Orphan(String node, String group, NodeMarks marks) {
    }

    private void undoLeftover(String node, String group, NodeMarks marks, String reason, String detail) {
        cleanup.undo(node, marks.startedAt(), reason);
        if (group != null) {
            failed(node, group, reason, detail);
        } else {
            LOG.warn("undoing scale-down marks on node {} ({}): {}", node, reason, detail);
        }
    }

    // ---- admission inputs ----

    private List<Running> running() {
        List<Running> out = new ArrayList<>();
        drains.values().forEach(d -> out.add(new Running(d.request.node(), d.request.group(), d.empty())));
        return out;
    }

    /** Per group: its minimum, and its nodes that stay (not marked, not being deleted, not being drained here). */
    private Map<String, GroupSize> groupSizes(ClusterSnapshot snapshot) {
        Map<String, GroupSize> sizes = new HashMap<>();
        for (NodeGroupInfo g : snapshot.nodeGroups().values()) {
            int remaining = 0;
            for (NodeInfo n : snapshot.nodesOf(g.name())) {
                boolean marked = n.markedForDeletion() || n.deleting()
                        || NodeMarks.read(n.annotations(), n.taints()).any();
                if (!marked && !drains.containsKey(n.name())) {
                    remaining++;
                }
            }
            sizes.put(g.name(), new GroupSize(g.effectiveMinNodes(), remaining));
        }
        return sizes;
    }

    private void reportHeld(DrainAdmission.Decision decision) {
        for (DrainAdmission.Held h : decision.held()) {
            switch (h.reason()) {
                case DrainAdmission.MIN_SIZE, DrainAdmission.MAX_EMPTY, DrainAdmission.MAX_PARALLEL -> {
                    metrics.scaleDownBlocked(h.reason());
                    LOG.debug("scale-down of node {} held: {}", h.candidate().node(), h.reason());
                }
                default -> LOG.debug("scale-down of node {} skipped: {}", h.candidate().node(), h.reason());
            }
        }
    }

    private static InvolvedObject nodeRef(String node) {
        return new InvolvedObject("Node", "v1", null, node, null);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
