package com.vpsie.autoscaler.controller;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupCondition;
import com.vpsie.autoscaler.metrics.AutoscalerMetrics;
import com.vpsie.autoscaler.metrics.LoopLiveness;
import com.vpsie.autoscaler.model.ClusterSnapshot;
import com.vpsie.autoscaler.model.NodeGroupInfo;
import com.vpsie.autoscaler.model.NodeInfo;
import com.vpsie.autoscaler.model.UtilizationSource;
import com.vpsie.autoscaler.plan.AutoscalingPlanner;
import com.vpsie.autoscaler.plan.NoScaleUpReason;
import com.vpsie.autoscaler.plan.NodeReason;
import com.vpsie.autoscaler.plan.Plan;
import com.vpsie.autoscaler.plan.PlannerSettings;
import com.vpsie.autoscaler.scaledown.UnneededTracker;
import com.vpsie.autoscaler.utilization.GroupUtilization;
import com.vpsie.autoscaler.utilization.NodeUtilization;
import com.vpsie.autoscaler.utilization.UsageRule;
import com.vpsie.autoscaler.utilization.UtilizationSample;
import com.vpsie.autoscaler.utilization.UtilizationTracker;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster-wide autoscaling pass, run on the leader only: every scan interval, and soon after new
 * unschedulable pods appear (batched). It plans on one snapshot, raises desired sizes for scale-up
 * (status first; the reconciler creates the servers) and hands nodes that have been unneeded long
 * enough to the scale-down actuator.
 */
public final class AutoscalingLoop {

    private static final Logger LOG = LoggerFactory.getLogger(AutoscalingLoop.class);
    static final Duration TICK = Duration.ofMillis(100);
    /** A lone new unschedulable pod waits this long for others to join its pass. */
    static final Duration BATCH_IDLE = Duration.ofSeconds(1);
    /**
     * A batch still growing closes this long after its first pod. Karpenter waits up to 10 s; a burst's pods become
     * unschedulable over tens of seconds (the ReplicaSet controller creates them at its API rate), so a long wait
     * would hold most of them well past the 2.5 s unschedulable-to-create goal. Passes during a burst count the
     * nodes already asked for, so a shorter window costs passes, not extra nodes.
     */
    static final Duration BATCH_MAX = Duration.ofMillis(1500);
    /** The loop's name in liveness and in the last-activity metric. */
    public static final String LOOP = "autoscaling-pass";

    private final ClusterCache cache;
    private final SnapshotFactory snapshots;
    private final StatusWriter statusWriter;
    private final EventRecorder events;
    private final AutoscalerMetrics metrics;
    private final GroupBackoff backoff;
    private final ScaleDownActuator scaleDown;
    private final Consumer<String> reconcileGroup;
    private final UnneededTracker unneeded = new UnneededTracker();
    private final DeletionBlockReporter deletionBlocks;
    private final UtilizationTracker utilization;
    private final NodeUsageSampler usage;
    private final PendingPodBatcher batcher = new PendingPodBatcher(BATCH_IDLE, BATCH_MAX);
    private final PlannerSettings settings;
    private final Duration scanInterval;
    private final Clock clock;
    private final LoopLiveness liveness;

    private ScheduledExecutorService executor;
    private ScheduledFuture<?> ticker;
    private volatile Instant nextPeriodicPass = Instant.MIN;

    public AutoscalingLoop(ClusterCache cache, SnapshotFactory snapshots, StatusWriter statusWriter,
                           EventRecorder events, AutoscalerMetrics metrics, GroupBackoff backoff,
                           ScaleDownActuator scaleDown, Consumer<String> reconcileGroup, UtilizationTracker utilization,
                           NodeUsageSampler usage, PlannerSettings settings, Duration scanInterval, Clock clock,
                           LoopLiveness liveness) {
        this.cache = cache;
        this.snapshots = snapshots;
        this.statusWriter = statusWriter;
        this.events = events;
        this.metrics = metrics;
        this.backoff = backoff;
        this.scaleDown = scaleDown;
        this.reconcileGroup = reconcileGroup;
        this.utilization = utilization;
        this.usage = usage;
        this.settings = settings;
        this.scanInterval = scanInterval;
        this.clock = clock;
        this.liveness = liveness;
        this.deletionBlocks = new DeletionBlockReporter(cache, statusWriter, events);
    }

    public synchronized void start() {
        if (executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "autoscaling-pass");
            t.setDaemon(true);
            return t;
        });
        nextPeriodicPass = clock.instant();
        usage.start();
        ticker = executor.scheduleWithFixedDelay(this::tick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Stops at once: the pass in progress is interrupted and nothing new starts. What this term learnt (since when
     * nodes were unneeded, their utilization history, an open batch of pending pods) is forgotten, so a replica
     * that leads again later watches every node for the whole stabilization window before draining it.
     */
    public synchronized void stop() {
        if (executor == null) {
            return;
        }
        ticker.cancel(true);
        executor.shutdownNow();
        executor = null;
        unneeded.retainOnly(Set.of());
        utilization.retainOnly(Set.of());
        usage.stop();
        batcher.reset();
    }

    /** Since when this term has seen {@code node} unneeded, or null. */
    public Instant unneededSince(String node) {
        return unneeded.since(node);
    }

    /** Informer hook: a pod that has just become unschedulable opens or extends a batch. */
    public void podChanged(Pod oldPod, Pod pod) {
        if (opensBatch(oldPod, pod)) {
            metrics.unschedulablePodSeen();
            batcher.podArrived(clock.instant());
        }
    }

    /**
     * Whether the pod has just become unschedulable. An update of a pod that already was (the scheduler rewriting its
     * message as nodes come and go, an informer relist) would otherwise hold a batch open while a burst waits, and
     * ask for passes the periodic one covers.
     */
    static boolean opensBatch(Pod oldPod, Pod pod) {
        return pod != null && unschedulable(pod) && (oldPod == null || !unschedulable(oldPod));
    }

    /**
     * Asks for a pass soon, without waiting for the scan interval: the cloud refused a size for lack of capacity and
     * gave the group's requested nodes back, so their pods need another offering or group now. It joins the pending
     * pod batch, so the pass runs about a second later, by when the informer has the group's lowered desired size
     * (a pass on the stale size would wait for nodes that will not come, until the next periodic pass).
     */
    public void requestPass() {
        batcher.podArrived(clock.instant());
    }

    static boolean unschedulable(Pod pod) {
        if (pod instanceof CachedPod cached) {
            return cached.unschedulable();
        }
        if (pod.getSpec() != null && pod.getSpec().getNodeName() != null) {
            return false;
        }
        return pod.getStatus() != null && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream().anyMatch(c -> "PodScheduled".equals(c.getType())
                && "False".equals(c.getStatus()) && "Unschedulable".equals(c.getReason()));
    }

    private void tick() {
        Instant now = clock.instant();
        boolean periodic = !now.isBefore(nextPeriodicPass);
        boolean batchClosed = batcher.takeIfClosed(now);
        if (!periodic && !batchClosed) {
            return;
        }
        if (periodic) {
            batcher.reset();
        }
        nextPeriodicPass = now.plus(scanInterval);
        try {
            runPass();
        } catch (RuntimeException e) {
            LOG.error("autoscaling pass failed: {}", e.toString(), e);
            metrics.scalingDecision("pass", "error");
        }
    }

    /** One pass. Public for tests that drive the loop step by step. */
    public void runPass() {
        if (!cache.synced()) {
            return;
        }
        long started = System.nanoTime();
        Instant now = clock.instant();
        ClusterSnapshot snapshot = snapshots.build(now, backoff::backedOff);
        Plan plan = AutoscalingPlanner.plan(snapshot, now, settings);
        // each step on its own: a failure in one is counted and logged, and the pass still completes
        step("up", () -> scaleUp(plan, snapshot, now));
        step("up", () -> reportPodsWithoutScaleUp(plan));
        feedUtilization(snapshot, now);
        step("down", () -> scaleDown(plan, snapshot, now));
        step("down", () -> deletionBlocks.report(plan, snapshot));
        try {
            reportUtilization(snapshot, now);
        } catch (RuntimeException e) {
            LOG.warn("autoscaling pass: could not report the groups' utilization: {}", e.toString());
        }
        liveness.ran(LOOP);
        metrics.passCompleted(Duration.ofNanos(System.nanoTime() - started));
    }

    private void step(String direction, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.error("autoscaling pass: the {} step failed: {}", direction, e.toString(), e);
            metrics.scalingDecision(direction, "error");
        }
    }

    private void scaleUp(Plan plan, ClusterSnapshot snapshot, Instant now) {
        long pending = snapshot.pods().stream()
                .filter(p -> p.nodeName() == null && p.unschedulable() && !p.deleting()).count();
        metrics.pendingPods((int) pending);
        for (Plan.ScaleUp up : plan.scaleUp()) {
            NodeGroupInfo info = snapshot.nodeGroups().get(up.nodeGroup());
            try {
                scaleUp(up, info, snapshot, now);
            } catch (RuntimeException e) {
                // one group's failed write (5xx, conflicts that did not stop) must not cost the other groups their
                // scale-up, nor the pass its scale-down and liveness mark; the next pass tries this group again
                LOG.warn("NodeGroup {}/{}: could not raise the desired size, trying again next pass: {}",
                        info.namespace(), info.name(), e.toString());
                metrics.scalingDecision("up", "error");
                NodeGroup cached = cache.nodeGroup(info.namespace(), info.name());
                if (cached != null) {
                    events.warning(NodeGroupReconciler.ref(cached), "ScaleUpFailed",
                            "could not raise the desired size by " + up.count() + ": " + e.getMessage());
                }
            }
        }
    }

    private void scaleUp(Plan.ScaleUp up, NodeGroupInfo info, ClusterSnapshot snapshot, Instant now) {
        NodeGroup cached = cache.nodeGroup(info.namespace(), info.name());
        // nodes being deleted were released from the desired size already: counting them would over-provision
        int registered = snapshot.sizedNodesOf(info.name());
        int[] change = new int[2];
        StatusWriter.Outcome outcome = statusWriter.update(info.namespace(), info.name(), cached, s -> {
            int size = Math.max(s.getDesiredNodes() == null ? 0 : s.getDesiredNodes(), registered);
            int target = Math.min(info.maxNodes(), size + up.count());
            change[0] = size;
            change[1] = target;
            s.setDesiredNodes(target);
            if (target > size) {
                s.setLastScaleUpTime(StatusMerge.format(now));
                s.setLastScaleTime(StatusMerge.format(now));
                // the reconciler asks for these nodes in the offering the plan counted on, not its default
                List<String> planned = s.getPlannedOfferings() == null ? new ArrayList<>()
                        : new ArrayList<>(s.getPlannedOfferings());
                for (int i = size; i < target && up.offering() != null; i++) {
                    planned.add(up.offering());
                }
                s.setPlannedOfferings(planned.isEmpty() ? null : planned);
            }
            return s;
        });
        int added = change[1] - change[0];
        if (outcome.group() == null || added <= 0) {
            metrics.scalingDecision("up", "skipped");
            return;
        }
        String message = "raised desired size from " + change[0] + " to " + change[1] + " (" + added + " x "
                + up.offering() + ") for " + up.pods().size() + " pending pod(s)";
        LOG.info("NodeGroup {}/{}: {}", info.namespace(), info.name(), message);
        events.normal(NodeGroupReconciler.ref(outcome.group()), "ScaledUpGroup", message);
        for (String pod : up.pods()) {
            int slash = pod.indexOf('/');
            events.normal(podRef(pod.substring(0, slash), pod.substring(slash + 1), null),
                    "TriggeredScaleUp", "pod triggered scale-up: " + info.name() + " " + change[0] + "->" + change[1]);
        }
        metrics.scaledUp(info.name(), added);
        metrics.scalingDecision("up", "applied");
        reconcileGroup.accept(info.namespace() + "/" + info.name());
    }

    private void reportPodsWithoutScaleUp(Plan plan) {
        for (Plan.NoScaleUp n : plan.noScaleUp()) {
            boolean helpless = n.reason().equals(NoScaleUpReason.NO_NODE_GROUP_FITS)
                    || n.reason().equals(NoScaleUpReason.NODE_GROUP_MAX_SIZE_REACHED)
                    || n.reason().equals(NoScaleUpReason.NO_NODE_GROUPS);
            if (helpless) {
                int slash = n.pod().indexOf('/');
                events.normal(podRef(n.pod().substring(0, slash), n.pod().substring(slash + 1),
                        null), "NotTriggerScaleUp", "pod didn't trigger scale-up: " + n.message());
            }
        }
    }

    private void feedUtilization(ClusterSnapshot snapshot, Instant now) {
        Set<String> live = new HashSet<>();
        for (NodeInfo node : snapshot.nodes()) {
            live.add(node.name());
            NodeUtilization u = NodeUtilization.of(node, snapshot.podsOn(node.name()),
                    settings.ignoreDaemonSetUtilization(), settings.ignoreMirrorPodUtilization());
            utilization.record(node.name(), UtilizationSample.of(now, u));
        }
        utilization.retainOnly(live);
        unneeded.retainOnly(live);
    }

    /** How far a group's utilization must move before its status shows the new figure. */
    static final int UTILIZATION_STEP = 5;

    /**
     * Each group's utilization into its status (the {@code kubectl get ng} column) and the gauge, and for groups
     * that judge by usage, whether they could: the {@code UsageMeasured} condition. The status writer sends
     * nothing when nothing changed, and small moves of the figure are not written (see {@link #utilizationToShow}),
     * so a steady group costs no write.
     */
    private void reportUtilization(ClusterSnapshot snapshot, Instant now) {
        String problem = usage.problem();
        for (NodeGroupInfo group : snapshot.nodeGroups().values()) {
            GroupUtilization u = GroupUtilization.of(snapshot, group, settings.ignoreDaemonSetUtilization(),
                    settings.ignoreMirrorPodUtilization(), now);
            metrics.nodeGroupUtilization(group.name(), (int) Math.round(u.cpuFraction() * 100),
                    (int) Math.round(u.memoryFraction() * 100));
            NodeGroup cached = cache.nodeGroup(group.namespace(), group.name());
            if (cached == null) {
                continue;
            }
            NodeGroupCondition condition = usageCondition(group, u, problem);
            try {
                statusWriter.update(group.namespace(), group.name(), cached, s -> {
                    List<NodeGroupCondition> conditions = s.getConditions() == null ? new ArrayList<>()
                            : new ArrayList<>(s.getConditions());
                    NodeGroupCondition before = conditions.stream()
                            .filter(c -> NodeGroupCondition.TYPE_USAGE_MEASURED.equals(c.getType())).findFirst()
                            .orElse(null);
                    conditions.removeIf(c -> NodeGroupCondition.TYPE_USAGE_MEASURED.equals(c.getType()));
                    if (condition != null) {
                        conditions.add(condition);
                    }
                    s.setConditions(conditions);
                    // a write that happens anyway (the signal changed) carries the exact figure
                    s.setUtilizationPercent(sameCondition(before, condition) ? utilizationToShow(
                            s.getUtilizationPercent(), u.percent()) : u.percent());
                    return s;
                });
            } catch (RuntimeException e) {
                LOG.warn("NodeGroup {}/{}: could not write its utilization, trying again next pass: {}",
                        group.namespace(), group.name(), e.toString());
            }
        }
    }

    /**
     * The {@code status.utilizationPercent} to store: the new figure once it is {@value #UTILIZATION_STEP} points or
     * more from the stored one, or when the group becomes empty or stops being empty; else the stored figure. Pod
     * churn moves a group by a point or two from pass to pass, and writing each move would cost a status write per
     * group per pass on an otherwise idle cluster; the exact figure is in the node group utilization gauge.
     */
    static Integer utilizationToShow(Integer stored, int percent) {
        if (stored == null || Math.abs(percent - stored) >= UTILIZATION_STEP || (percent == 0) != (stored == 0)) {
            return percent;
        }
        return stored;
    }

    /** Whether the condition says the same, whenever it was set. */
    private static boolean sameCondition(NodeGroupCondition a, NodeGroupCondition b) {
        if (a == null || b == null) {
            return a == b;
        }
        return Objects.equals(a.getStatus(), b.getStatus()) && Objects.equals(a.getReason(), b.getReason())
                && Objects.equals(a.getMessage(), b.getMessage());
    }

    /** Null for a group that judges by requests alone. */
    static NodeGroupCondition usageCondition(NodeGroupInfo group, GroupUtilization u, String samplerProblem) {
        if (group.scaleDownPolicy().utilizationSource() == UtilizationSource.REQUESTS) {
            return null;
        }
        if (u.fellBack() == 0) {
            return new NodeGroupCondition(NodeGroupCondition.TYPE_USAGE_MEASURED, NodeGroupCondition.STATUS_TRUE,
                    "UsageMeasured", u.byUsage() + " node(s) judged by measured usage");
        }
        String message = u.fellBack() + " of " + u.nodes() + " node(s) have no usage sample younger than "
                + UsageRule.MAX_SAMPLE_AGE.toMinutes() + "m: judged by requests, scale-down by usage waits";
        return samplerProblem != null
                ? new NodeGroupCondition(NodeGroupCondition.TYPE_USAGE_MEASURED, NodeGroupCondition.STATUS_FALSE,
                        "MetricsUnavailable", message + " (" + samplerProblem + ")")
                : new NodeGroupCondition(NodeGroupCondition.TYPE_USAGE_MEASURED, NodeGroupCondition.STATUS_FALSE,
                        "StaleSamples", message);
    }

    private void scaleDown(Plan plan, ClusterSnapshot snapshot, Instant now) {
        List<String> candidates = new ArrayList<>();
        plan.scaleDown().forEach(d -> candidates.add(d.node()));
        unneeded.update(candidates, now);
        for (Plan.Unremovable u : plan.unremovable()) {
            if (u.reason().equals(NodeReason.BLOCKED_BY_POD) || u.reason().equals(NodeReason.NO_PLACE_TO_MOVE_PODS)
                    || u.reason().equals(NodeReason.NODE_GROUP_MIN_SIZE_REACHED)) {
                metrics.scaleDownBlocked(u.podReason() != null ? u.podReason() : u.reason());
            }
        }
        List<Plan.ScaleDown> eligible = new ArrayList<>();
        Set<String> applied = new HashSet<>();
        Set<String> held = new HashSet<>();
        for (Plan.ScaleDown d : plan.scaleDown()) {
            NodeGroupInfo group = snapshot.nodeGroups().get(d.nodeGroup());
            NodeGroup cached = cache.nodeGroup(group.namespace(), group.name());
            Duration window = Duration.ofSeconds(group.scaleDownPolicy().stabilizationWindowSeconds());
            // a group being deleted waits for no window: its owner decided already
            if (!group.deleting() && !unneeded.unneededFor(d.node(), window, now)) {
                continue; // not a decision yet: the node has to stay unneeded for the whole window first
            }
            if ((!group.deleting() && inScaleUpCooldown(cached, group, now))
                    || scaleDown.inFailureCooldown(group.name(), now)) {
                held.add(d.nodeGroup());
                continue;
            }
            eligible.add(d);
            applied.add(d.nodeGroup());
        }
        if (!eligible.isEmpty()) {
            scaleDown.submit(eligible, snapshot);
        }
        // one decision per NodeGroup and pass, as for scale-up: nodes handed to the drain, or held by a cooldown
        applied.forEach(g -> metrics.scalingDecision("down", "applied"));
        held.stream().filter(g -> !applied.contains(g)).forEach(g -> metrics.scalingDecision("down", "skipped"));
    }

    private static boolean inScaleUpCooldown(NodeGroup cached, NodeGroupInfo group, Instant now) {
        if (cached == null || cached.getStatus() == null) {
            return false;
        }
        Instant lastUp = StatusMerge.parse(cached.getStatus().getLastScaleUpTime());
        return lastUp != null && lastUp.plusSeconds(group.scaleDownPolicy().cooldownSeconds()).isAfter(now);
    }

    private static InvolvedObject podRef(String namespace, String name, String uid) {
        return new InvolvedObject("Pod", "v1", namespace, name, uid);
    }
}
