package com.vpsie.autoscaler.controller;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.config.ControllerConfig;
import com.vpsie.autoscaler.metrics.AutoscalerMetrics;
import com.vpsie.autoscaler.metrics.HealthStatus;
import com.vpsie.autoscaler.metrics.LoopLiveness;
import com.vpsie.autoscaler.model.ClusterSnapshot;
import com.vpsie.autoscaler.model.WellKnown;
import com.vpsie.autoscaler.provider.CloudProvider;
import com.vpsie.autoscaler.utilization.UtilizationTracker;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.RequestConfig;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running controller: caches on every replica, and on the leader only the NodeGroup reconcilers
 * and the autoscaling pass. Losing the lease stops all acting at once; shutting down lets work in
 * flight finish within a deadline and then releases the lease.
 */
public final class Controller implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Controller.class);
    /** How often every group is reconciled even when nothing changed (drift, provider-side changes). */
    static final Duration RESYNC = Duration.ofMinutes(1);
    /** Usage samples kept per node: an hour at the default interval, so windows up to that long are covered. */
    static final int USAGE_SAMPLES_KEPT = 60;

    private final ControllerConfig config;
    private final KubernetesClient client;
    private final AutoscalerMetrics metrics;
    private final EventRecorder events;
    private final Clock clock;
    private final ClusterCache cache;
    private final NodeGroupReconciler reconciler;
    private final AutoscalingLoop loop;
    private final ScaleDownActuator scaleDown;
    private final LoopLiveness liveness;
    private final GroupBackoff backoff;
    private final UnavailableOfferings unavailable;

    private final Object leadershipLock = new Object();
    private WorkQueue<String> queue;
    private ScheduledExecutorService resync;
    private volatile boolean leading;
    private volatile boolean closing;
    private volatile CompletableFuture<?> election;
    /** The current election's lock; shutdown stops it writing before releasing the lease. */
    private volatile StoppableLeaseLock electionLock;

    /**
     * @param scaleDown builds the scale-down actuator from a source of fresh snapshots (the same the pass
     *     plans on, so a drain's re-check sees what the pass saw)
     */
    public Controller(ControllerConfig config, KubernetesClient client, CloudProvider provider,
                      AutoscalerMetrics metrics, EventRecorder events,
                      Function<Supplier<ClusterSnapshot>, ScaleDownActuator> scaleDown, Clock clock) {
        this.config = config;
        this.client = client;
        this.metrics = metrics;
        this.events = events;
        this.clock = clock;
        this.cache = new ClusterCache(client, config.namespaces());
        this.liveness = new LoopLiveness(clock, metrics);
        this.backoff = GroupBackoff.clusterAutoscalerDefaults();
        StatusWriter statusWriter = new StatusWriter(client, clock);
        this.unavailable = new UnavailableOfferings(config.unavailableOfferingsTtl());
        NodeUsageSampler usage = new NodeUsageSampler(client, cache, new UtilizationTracker(USAGE_SAMPLES_KEPT),
                config.usageSampleInterval(), clock);
        SnapshotFactory snapshots = new SnapshotFactory(cache, provider, unavailable, usage::samples);
        this.scaleDown = scaleDown.apply(() -> snapshots.build(clock.instant(), backoff::backedOff));
        this.reconciler = new NodeGroupReconciler(cache, client, provider, statusWriter, events, metrics, backoff, clock,
                config.provisioningTimeout(), config.defaultClusterId(), unavailable, this::requestPass);
        this.loop = new AutoscalingLoop(cache, snapshots, statusWriter, events, metrics,
                backoff, this.scaleDown, this::enqueue, new UtilizationTracker(60), usage, config.planner(), config.scanInterval(),
                clock, liveness);
        metrics.leader(false);
    }

    public ClusterCache cache() {
        return cache;
    }

    public AutoscalingLoop loop() {
        return loop;
    }

    public boolean leading() {
        return leading;
    }

    /** Starts the caches and the candidacy for leadership (or leads at once without election). */
    public void start() throws InterruptedException {
        cache.start(nodeGroupHandler(), nodeHandler(), podHandler());
        if (!cache.awaitSynced(Duration.ofMinutes(2).toMillis())) {
            LOG.warn("caches not synced after 2 minutes; continuing, readiness stays false until they are");
        }
        if (config.leaderElect()) {
            campaign();
        } else {
            startLeading();
        }
    }

    private void campaign() {
        if (closing) {
            return;
        }
        StoppableLeaseLock lock = new StoppableLeaseLock(config.leaseNamespace(), config.leaseName(), config.identity());
        electionLock = lock;
        if (closing) { // shutdown began between the check above and now, and may have read the previous lock
            lock.stopWriting();
        }
        var electionConfig = new LeaderElectionConfigBuilder()
                .withName(config.leaseName())
                .withLock(lock)
                .withLeaseDuration(config.leaseDuration())
                .withRenewDeadline(config.renewDeadline())
                .withRetryPeriod(config.retryPeriod())
                // Not fabric8's release-on-cancel: it runs in the thread that cancels, on the main client, so a slow
                // API server held shutdown for a whole request timeout. shutdown() releases within its budget instead.
                .withReleaseOnCancel(false)
                .withLeaderCallbacks(new LeaderCallbacks(this::startLeading, this::stopLeading,
                        leader -> LOG.info("leader is now {}", leader)))
                .build();
        election = client.leaderElector().withConfig(electionConfig).build().start();
        // fabric8's elector ends when leadership is lost: stand again, unless we are closing
        election.whenComplete((ok, error) -> {
            if (!closing) {
                LOG.info("leader election ended ({}); standing again", error == null ? "lease lost" : error.toString());
                campaign();
            }
        });
    }

    private void startLeading() {
        synchronized (leadershipLock) {
            if (leading || closing) {
                return;
            }
            LOG.info("{} is leading: starting the reconcilers and the autoscaling pass", config.identity());
            queue = new WorkQueue<>("nodegroups", config.workers(), reconciler::reconcile, Duration.ofSeconds(1),
                    Duration.ofMinutes(5), metrics::queueDepth);
            queue.start();
            leading = true;
            metrics.leader(true);
            scaleDown.resume();
            resync = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "nodegroup-resync");
                t.setDaemon(true);
                return t;
            });
            resync.scheduleWithFixedDelay(this::enqueueAll, 0, RESYNC.toMillis(), TimeUnit.MILLISECONDS);
            loop.start();
        }
    }

    /** Lease lost: stop acting at once; another replica takes over. */
    private void stopLeading() {
        synchronized (leadershipLock) {
            if (!leading) {
                return;
            }
            LOG.warn("{} stopped leading: stopping all actions", config.identity());
            leading = false;
            metrics.leader(false);
            loop.stop();
            scaleDown.stop();
            // per-term state: the next term (here or on another replica) starts from what it observes itself
            backoff.clear();
            unavailable.clear();
            resync.shutdownNow();
            // a reconcile in the middle of a provider call finishes it (it has its own deadline), no new one starts
            queue.shutdown(Duration.ZERO);
        }
    }

    /** The reconciler's call after a size was refused for lack of capacity: plan again without waiting. */
    private void requestPass() {
        if (leading && !closing) {
            loop.requestPass();
        }
    }

    public void enqueue(String key) {
        WorkQueue<String> q = queue;
        // no new work once shutdown begins
        if (leading && !closing && q != null) {
            q.add(key);
        }
    }

    private void enqueueAll() {
        Set<String> live = new HashSet<>();
        for (NodeGroup g : cache.nodeGroups()) {
            enqueue(key(g));
        }
        cache.nodes().forEach(n -> live.add(n.getMetadata().getName()));
        reconciler.retainNodes(live);
    }

    /** {@code namespace/name}: what per-group state is keyed by, since names repeat across namespaces. */
    static String key(NodeGroup g) {
        return g.getMetadata().getNamespace() + "/" + g.getMetadata().getName();
    }

    /** Readiness: caches synced. */
    public HealthStatus readiness() {
        return cache.synced() ? HealthStatus.healthy() : HealthStatus.unhealthy(cache.notSyncedReason());
    }

    /** Liveness: a leader whose pass has not run for three scan intervals is stuck. */
    public HealthStatus liveness() {
        return liveness.health(AutoscalingLoop.LOOP, config.scanInterval().multipliedBy(3), leading);
    }

    private ResourceEventHandler<NodeGroup> nodeGroupHandler() {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(NodeGroup g) {
                enqueue(key(g));
            }

            @Override
            public void onUpdate(NodeGroup oldGroup, NodeGroup g) {
                enqueue(key(g));
            }

            @Override
            public void onDelete(NodeGroup g, boolean unknownFinalState) {
                events.forget(InvolvedObject.of(g));
                enqueue(key(g));
            }
        };
    }

    private ResourceEventHandler<Node> nodeHandler() {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(Node n) {
                enqueueGroupOf(n);
            }

            @Override
            public void onUpdate(Node oldNode, Node n) {
                enqueueGroupOf(n);
            }

            @Override
            public void onDelete(Node n, boolean unknownFinalState) {
                events.forget(InvolvedObject.of(n));
                enqueueGroupOf(n);
            }
        };
    }

    private void enqueueGroupOf(Node node) {
        String group = node.getMetadata().getLabels() == null ? null
                : node.getMetadata().getLabels().get(WellKnown.NODEGROUP_LABEL);
        if (group == null) {
            return;
        }
        for (NodeGroup g : cache.nodeGroups()) {
            if (g.getMetadata().getName().equals(group)) {
                enqueue(key(g));
            }
        }
    }

    private ResourceEventHandler<Pod> podHandler() {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod p) {
                loop.podChanged(null, p);
            }

            @Override
            public void onUpdate(Pod oldPod, Pod p) {
                loop.podChanged(oldPod, p);
            }

            @Override
            public void onDelete(Pod p, boolean unknownFinalState) {
                events.forget(InvolvedObject.of(p));
            }
        };
    }

    /** Kept for the lease release at the end of the budget, so a successor need not wait for the lease to expire. */
    static final Duration LEASE_RELEASE_RESERVE = Duration.ofSeconds(2);

    /**
     * Stops taking work, lets work in flight finish, then releases the lease so a successor need not wait for it to
     * expire, all within one {@code budget} (the pod's termination grace period minus the margin {@link ControllerApp}
     * keeps): each step gets what the steps before it left, and the lease release keeps its own reserve.
     */
    public void shutdown(Duration budget) {
        long end = System.nanoTime() + budget.toNanos();
        long workEnd = end - Math.min(LEASE_RELEASE_RESERVE.toNanos(), budget.toNanos() / 3);
        closing = true;
        synchronized (leadershipLock) {
            loop.stop();
            if (resync != null) {
                resync.shutdownNow();
            }
            scaleDown.shutdown(remaining(workEnd));
            if (queue != null && !queue.shutdown(remaining(workEnd))) {
                LOG.warn("work still running at the end of the shutdown budget {}; leaving it", budget);
            }
            reconciler.close();
            leading = false;
            metrics.leader(false);
        }
        CompletableFuture<?> e = election;
        StoppableLeaseLock lock = electionLock;
        if (lock != null) {
            lock.stopWriting(); // before the release, so no renewal can take the lease back after it
        }
        if (e != null) {
            // Cancelled from a thread of its own: fabric8's elector may sit in a renewal the API server has not
            // answered yet, and shutdown must not wait for it (the lease is released below, within the budget).
            Thread canceller = new Thread(() -> e.cancel(true), "leader-election-cancel");
            canceller.setDaemon(true);
            canceller.start();
            releaseLease(remaining(end));
        }
        cache.close();
    }

    private static Duration remaining(long endNanos) {
        return Duration.ofNanos(Math.max(0, endNanos - System.nanoTime()));
    }

    /**
     * Gives up the Lease if this replica still holds it, so a successor takes over at once instead of
     * waiting out the lease duration. Done here, synchronously, on a client whose deadline is what is left of the
     * shutdown budget (fabric8's release-on-cancel has no deadline of its own and may lose the race with closing
     * the client).
     */
    private void releaseLease(Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        RuntimeException last = null;
        // Retried until the deadline: a renewal that was already on its way when writing stopped may change the lease
        // between our read and our write, and a loaded API server may miss one short request timeout.
        while (remaining(end).toMillis() >= 1 && !Thread.currentThread().isInterrupted()) {
            try {
                releaseLeaseOnce(remaining(end));
                LOG.info("{} released the lease {}/{}", config.identity(), config.leaseNamespace(), config.leaseName());
                return;
            } catch (RuntimeException ex) {
                last = ex;
                LOG.debug("releasing the lease {}/{} failed, retrying within the shutdown budget: {}",
                        config.leaseNamespace(), config.leaseName(), ex.getMessage());
                sleepQuietly(Math.min(50, remaining(end).toMillis()));
            }
        }
        LOG.warn("could not release the lease {}/{}{}; a successor waits for it to expire",
                config.leaseNamespace(), config.leaseName(), last == null ? " (no time left)" : ": " + last.getMessage());
    }

    private void releaseLeaseOnce(Duration deadline) {
        RequestConfig bounded = new RequestConfigBuilder(client.getConfiguration().getRequestConfig())
                .withRequestRetryBackoffLimit(0)
                .withRequestTimeout((int) Math.max(1, deadline.toMillis() / 2))
                .build();
        // Not closed: a client derived with newClient shares the main client's HTTP client, and closing it would
        // close that one too (in ControllerIT two replicas share one client; the survivor lost its elector).
        KubernetesClient quick = client.newClient(bounded).adapt(KubernetesClient.class);
        // a read and a write: each gets half of what is left
        quick.leases().inNamespace(config.leaseNamespace()).withName(config.leaseName()).edit(lease -> {
            if (lease.getSpec() != null && config.identity().equals(lease.getSpec().getHolderIdentity())) {
                lease.getSpec().setHolderIdentity(null);
                lease.getSpec().setLeaseDurationSeconds(1);
            }
            return lease;
        });
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(Math.max(0, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        shutdown(config.shutdownGracePeriod());
    }
}
