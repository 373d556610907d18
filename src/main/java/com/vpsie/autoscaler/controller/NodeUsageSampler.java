package com.vpsie.autoscaler.controller;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.api.v1alpha1.ScaleDownPolicySpec;
import com.vpsie.autoscaler.model.NodeInfo;
import com.vpsie.autoscaler.model.UtilizationSource;
import com.vpsie.autoscaler.snapshot.ClusterObjectConverter;
import com.vpsie.autoscaler.utilization.UtilizationSample;
import com.vpsie.autoscaler.utilization.UtilizationTracker;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.NodeMetrics;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.NodeMetricsList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples every node's measured CPU and memory from the {@code metrics.k8s.io} API (metrics-server) on an interval,
 * on the leader only, into a ring buffer per node as fractions of the node's allocatable. One list call per
 * interval, ended by the client's request timeout. A failed call records nothing: the samples age, groups that
 * judge by usage fall back to requests once none is fresh, and {@link #problem()} says why.
 */
public final class NodeUsageSampler {

    private static final Logger LOG = LoggerFactory.getLogger(NodeUsageSampler.class);
    static final String NOT_SAMPLED_YET = "no sample taken yet";

    private final KubernetesClient client;
    private final ClusterCache cache;
    private final UtilizationTracker tracker;
    private final Duration interval;
    private final Clock clock;
    private volatile String problem = NOT_SAMPLED_YET;
    private ScheduledExecutorService executor;

    public NodeUsageSampler(KubernetesClient client, ClusterCache cache, UtilizationTracker tracker, Duration interval,
                            Clock clock) {
        this.client = client;
        this.cache = cache;
        this.tracker = tracker;
        this.interval = interval;
        this.clock = clock;
    }

    public synchronized void start() {
        if (executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "node-usage-sampler");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(this::sampleLogged, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops sampling and forgets every sample: a later term measures the whole window again before trusting it. */
    public synchronized void stop() {
        if (executor == null) {
            return;
        }
        executor.shutdownNow();
        executor = null;
        tracker.retainOnly(Set.of());
        problem = NOT_SAMPLED_YET;
    }

    /** The node's samples, oldest first (copies). */
    public List<UtilizationSample> samples(String node) {
        return tracker.samples(node);
    }

    /** Why the last attempt measured nothing, or null when it succeeded. */
    public String problem() {
        return problem;
    }

    private void sampleLogged() {
        try {
            sample();
        } catch (RuntimeException e) {
            problem = "sampling failed: " + e;
            LOG.error("node usage sampling failed: {}", e.toString(), e);
        }
    }

    /** One round: list the node metrics and record a sample for every known node they cover. Public for tests. */
    public void sample() {
        if (!cache.synced()) {
            return;
        }
        if (!anyGroupJudgesByUsage()) {
            // no call and no warning in clusters without metrics-server that never asked for usage
            tracker.retainOnly(Set.of());
            problem = NOT_SAMPLED_YET;
            return;
        }
        Set<String> live = new HashSet<>();
        cache.nodes().forEach(n -> live.add(n.getMetadata().getName()));
        tracker.retainOnly(live);
        NodeMetricsList list;
        try {
            list = client.top().nodes().metrics();
        } catch (KubernetesClientException e) {
            report(e.getCode() == 404 || e.getCode() == 503
                    ? "metrics.k8s.io is not served (HTTP " + e.getCode() + "); is metrics-server installed and ready?"
                    : "metrics.k8s.io: " + e.getMessage());
            return;
        }
        Instant now = clock.instant();
        for (NodeMetrics m : list.getItems() == null ? List.<NodeMetrics>of() : list.getItems()) {
            String name = m.getMetadata() == null ? null : m.getMetadata().getName();
            Node node = name == null || !live.contains(name) ? null : cache.node(name);
            if (node != null) {
                record(name, node, m, now);
            }
        }
        report(null);
    }

    private boolean anyGroupJudgesByUsage() {
        for (NodeGroup g : cache.nodeGroups()) {
            ScaleDownPolicySpec down = g.getSpec() == null ? null : g.getSpec().getScaleDownPolicy();
            String source = down == null ? null : down.getUtilizationSource();
            if (source != null && !UtilizationSource.REQUESTS.word().equals(source)) {
                return true;
            }
        }
        return false;
    }

    private void record(String name, Node node, NodeMetrics m, Instant now) {
        Quantity cpu = m.getUsage() == null ? null : m.getUsage().get("cpu");
        Quantity memory = m.getUsage() == null ? null : m.getUsage().get("memory");
        NodeInfo info;
        try {
            info = ClusterObjectConverter.toNodeInfo(node);
        } catch (RuntimeException e) {
            return; // the snapshot leaves such a node out too
        }
        long cpuMillis = info.allocatable().cpuMillis();
        long memoryBytes = info.allocatable().memoryBytes();
        if (cpu == null || memory == null || cpuMillis <= 0 || memoryBytes <= 0) {
            return;
        }
        Instant at = measuredAt(m, now);
        Optional<UtilizationSample> latest = tracker.latest(name);
        if (latest.isPresent() && !at.isAfter(latest.get().time())) {
            return; // metrics-server has not scraped the node since: the same measurement must not count twice
        }
        double cpuFraction = Quantity.getAmountInBytes(cpu).multiply(BigDecimal.valueOf(1000)).doubleValue() / cpuMillis;
        double memoryFraction = Quantity.getAmountInBytes(memory).doubleValue() / memoryBytes;
        tracker.record(name, new UtilizationSample(at, cpuFraction, memoryFraction));
    }

    /**
     * When metrics-server measured, so a metrics-server that is stuck serving old figures shows as stale; never
     * later than now (its clock may run ahead of ours), and now when it does not say.
     */
    private static Instant measuredAt(NodeMetrics m, Instant now) {
        if (m.getTimestamp() == null) {
            return now;
        }
        try {
            Instant at = OffsetDateTime.parse(m.getTimestamp()).toInstant();
            return at.isAfter(now) ? now : at;
        } catch (DateTimeParseException e) {
            return now;
        }
    }

    private void report(String now) {
        String before = problem;
        problem = now;
        if (now != null && !now.equals(before)) {
            LOG.warn("cannot sample node usage, groups judging by usage fall back to requests: {}", now);
        } else if (now == null && before != null && !Objects.equals(before, NOT_SAMPLED_YET)) {
            LOG.info("node usage sampling works again");
        }
    }
}
