package com.vpsie.autoscaler.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Every meter of the autoscaler, named as the Go VPSie autoscaler named them (prefix
 * {@code vpsie_autoscaler_}) so existing dashboards and alerts keep working. Labels are bounded:
 * node group, endpoint family, reason, result, direction, loop — never a node, pod, server or time.
 */
public final class AutoscalerMetrics {

    private static final String PREFIX = "vpsie.autoscaler.";

    private final PrometheusMeterRegistry registry;
    /** Gauge values by meter name and tag values; removed with their group so no stale series stay. */
    private final Map<String, AtomicLong> gaugeValues = new ConcurrentHashMap<>();
    /** Last activity per loop in epoch milliseconds; exported in seconds with the fraction kept. */
    private final Map<String, AtomicLong> lastActivityMillis = new ConcurrentHashMap<>();
    /** VPSie calls of the last minute by endpoint family (a bounded set). */
    private final Map<String, SlidingMinuteCount> callsLastMinute = new ConcurrentHashMap<>();
    private final LongSupplier wallMillis;
    /** Groups {@link #scaleDownMarks} last exported, so the next report can drop the ones it leaves out. */
    private final Set<String> markReported = ConcurrentHashMap.newKeySet();

    public AutoscalerMetrics() {
        this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    public AutoscalerMetrics(PrometheusMeterRegistry registry) {
        this(registry, System::currentTimeMillis);
    }

    /** @param wallMillis the time the per-minute call counts are kept by */
    public AutoscalerMetrics(PrometheusMeterRegistry registry, LongSupplier wallMillis) {
        this.registry = registry;
        this.wallMillis = wallMillis;
        registry.config().meterFilter(new MetricHelp());
    }

    /** Every meter the controller declares (full names, e.g. {@code vpsie.autoscaler.scale.up}). */
    public static Set<String> declaredMeterNames() {
        return MetricHelp.names();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    // ---- VPSie API ----

    /** One finished HTTP exchange with the VPSie API; {@code result} is "success" or an error class. */
    public void apiRequest(String endpointFamily, String result, Duration took) {
        registry.counter(PREFIX + "vpsie.api.requests", "endpoint", endpointFamily, "result", result).increment();
        callsLastMinute.computeIfAbsent(endpointFamily, e -> {
            SlidingMinuteCount calls = new SlidingMinuteCount(wallMillis);
            Gauge.builder(PREFIX + "vpsie.api.calls.per.minute", calls, SlidingMinuteCount::lastMinute)
                    .tags("endpoint", e)
                    .register(registry);
            return calls;
        }).increment();
        Timer.builder(PREFIX + "vpsie.api.request.duration")
                .tags("endpoint", endpointFamily)
                .publishPercentileHistogram()
                .register(registry)
                .record(took);
    }

    /** A failed call; {@code type} is "transient" or "terminal". */
    public void apiError(String endpointFamily, String type) {
        registry.counter(PREFIX + "vpsie.api.errors", "endpoint", endpointFamily, "type", type).increment();
    }

    public void apiRateLimited(String endpointFamily) {
        registry.counter(PREFIX + "vpsie.api.rate.limited", "endpoint", endpointFamily).increment();
    }

    /** 0 closed, 1 half-open, 2 open. */
    public void circuitBreakerState(String endpointFamily, int state) {
        gauge("vpsie.api.circuit.breaker.state", Tags.of("endpoint", endpointFamily)).set(state);
    }

    // ---- liveness and events ----

    /** When {@code loop} last ran, for a "controller is stuck" alert; loops are a fixed, small set. */
    public void lastActivity(String loop, Instant at) {
        lastActivityMillis.computeIfAbsent(loop, k -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(PREFIX + "last.activity.timestamp.seconds", value, v -> v.get() / 1000.0)
                    .tags("loop", loop)
                    .register(registry);
            return value;
        }).set(at.toEpochMilli());
    }

    /** One Kubernetes Event handled by the recorder; {@code result} is sent, suppressed, dropped or failed. */
    public void kubernetesEvent(String result) {
        registry.counter(PREFIX + "kubernetes.events", "result", result).increment();
    }

    // ---- node groups and the reconciler ----

    /** The sizes of one group as the reconciler last saw them. */
    public void nodeGroupSizes(String group, int min, int max, int desired, int current, int ready) {
        Tags tags = Tags.of("nodegroup", group);
        gauge("nodegroup.min.nodes", tags).set(min);
        gauge("nodegroup.max.nodes", tags).set(max);
        gauge("nodegroup.desired.nodes", tags).set(desired);
        gauge("nodegroup.current.nodes", tags).set(current);
        gauge("nodegroup.ready.nodes", tags).set(ready);
    }

    /** The group's mean utilization as its status shows it; {@code resource} is cpu or memory. */
    public void nodeGroupUtilization(String group, int cpuPercent, int memoryPercent) {
        gauge("nodegroup.utilization.percent", Tags.of("nodegroup", group, "resource", "cpu")).set(cpuPercent);
        gauge("nodegroup.utilization.percent", Tags.of("nodegroup", group, "resource", "memory")).set(memoryPercent);
    }

    /** Drops every series of a group that was deleted, so dashboards do not show it forever. */
    public void forgetNodeGroup(String group) {
        forgetSeries("nodegroup", group);
        markReported.remove(group);
    }

    public void reconcile(String group, Duration took, boolean failed) {
        registry.counter(PREFIX + "controller.reconcile", "nodegroup", group).increment();
        if (failed) {
            registry.counter(PREFIX + "controller.reconcile.errors", "nodegroup", group).increment();
        }
        Timer.builder(PREFIX + "controller.reconcile.duration").tags("nodegroup", group)
                .publishPercentileHistogram().register(registry).record(took);
    }

    /** 1 while this replica leads (or runs without election), else 0: queries keep only the leader's gauges. */
    public void leader(boolean leading) {
        gauge("leader", Tags.empty()).set(leading ? 1 : 0);
    }

    public void queueDepth(int depth) {
        gauge("reconciliation.queue.depth", Tags.empty()).set(depth);
    }

    /** From server creation to its Node turning Ready. */
    public void nodeProvisioned(String group, Duration took) {
        // servers take minutes: without a maximum the default buckets end at 30 s and all land in +Inf
        Timer.builder(PREFIX + "node.provisioning.duration").tags("nodegroup", group)
                .publishPercentileHistogram().maximumExpectedValue(Duration.ofHours(1)).register(registry).record(took);
    }

    /**
     * A server that did not become a Ready node: {@code reason} is ProviderRejected (a terminal error from the
     * provider), ProviderUnavailable (the create failed after retries), OutOfCapacity (the datacenter had no room
     * for the size; another offering or group is chosen) or TimedOut (no Ready node within the provisioning
     * timeout; the server is deleted).
     */
    public void nodeProvisioningFailed(String group, String reason) {
        registry.counter(PREFIX + "node.provisioning.failures", "nodegroup", group, "reason", reason).increment();
    }

    // ---- the autoscaling pass ----

    public void passCompleted(Duration took) {
        Timer.builder(PREFIX + "autoscaling.pass.duration").publishPercentileHistogram().register(registry).record(took);
    }

    /** A pod newly seen unschedulable. */
    public void unschedulablePodSeen() {
        registry.counter(PREFIX + "unschedulable.pods").increment();
    }

    public void pendingPods(int count) {
        gauge("pending.pods.current", Tags.empty()).set(count);
    }

    /** {@code direction} up, down or pass; {@code result} applied, skipped or error. */
    public void scalingDecision(String direction, String result) {
        registry.counter(PREFIX + "scaling.decisions", "direction", direction, "result", result).increment();
    }

    public void scaledUp(String group, int nodes) {
        registry.counter(PREFIX + "scale.up", "nodegroup", group).increment();
        registry.counter(PREFIX + "scale.up.nodes.added", "nodegroup", group).increment(nodes);
    }

    /** A candidate node kept this pass; {@code reason} is a reason word (bounded). */
    public void scaleDownBlocked(String reason) {
        registry.counter(PREFIX + "scale.down.blocked", "reason", reason).increment();
    }

    /** A node's server and Node deleted after a drain; {@code sinceDrainStarted} may be null. */
    public void scaleDown(String group, Duration sinceDrainStarted) {
        registry.counter(PREFIX + "scale.down", "nodegroup", group).increment();
        registry.counter(PREFIX + "scale.down.nodes.removed", "nodegroup", group).increment();
        if (sinceDrainStarted != null) {
            Timer.builder(PREFIX + "node.termination.duration").tags("nodegroup", group)
                    .publishPercentileHistogram().maximumExpectedValue(Duration.ofHours(1)).register(registry)
                    .record(sinceDrainStarted);
        }
    }

    // ---- draining ----

    /** A scale-down of a node in {@code group} that did not end drained; {@code reason} is a reason word. */
    public void scaleDownError(String group, String reason) {
        registry.counter(PREFIX + "scale.down.errors", "nodegroup", group, "reason", reason).increment();
    }

    /** A safety check after marking a node stopped its drain (pods arrived, a fresh plan keeps the node). */
    public void safetyCheckFailed(String reason) {
        registry.counter(PREFIX + "safety.check.failures", "reason", reason).increment();
    }

    /**
     * One drain ended; {@code result} is success, aborted, timed_out, failed or cancelled. The pods evicted are
     * recorded whatever the result, since those pods were disrupted either way.
     */
    public void nodeDrain(String group, String result, Duration took, int podsEvicted) {
        Timer.builder(PREFIX + "node.drain.duration").tags("nodegroup", group, "result", result)
                .serviceLevelObjectives(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
                        Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(10),
                        Duration.ofMinutes(20))
                .register(registry).record(took);
        DistributionSummary.builder(PREFIX + "node.drain.pods.evicted").tags("nodegroup", group)
                .serviceLevelObjectives(1, 5, 10, 20, 50, 100)
                .register(registry).record(podsEvicted);
    }

    /**
     * Nodes carrying the scale-down marks per group (draining or drained, not yet deleted) and when the oldest of
     * them was marked (epoch seconds, 0 when none). Replaces the previous report whole: a group left out loses
     * both series, so a deleted group or a replica that stopped leading exports nothing stale.
     */
    public void scaleDownMarks(Map<String, MarkedNodes> byGroup) {
        for (String group : markReported) {
            if (!byGroup.containsKey(group)) {
                removeGauge("scale.down.marked.nodes", Tags.of("nodegroup", group));
                removeGauge("scale.down.oldest.mark.timestamp.seconds", Tags.of("nodegroup", group));
            }
        }
        markReported.retainAll(byGroup.keySet());
        byGroup.forEach((group, marked) -> {
            Tags tags = Tags.of("nodegroup", group);
            gauge("scale.down.marked.nodes", tags).set(marked.count());
            gauge("scale.down.oldest.mark.timestamp.seconds", tags)
                    .set(marked.oldest() == null ? 0 : marked.oldest().getEpochSecond());
            markReported.add(group);
        });
    }

    /** What {@link #scaleDownMarks} reports for one group; {@code oldest} null when no mark says when. */
    public record MarkedNodes(int count, Instant oldest) {
    }

    // ---- helpers ----

    private void removeGauge(String name, Tags tags) {
        if (gaugeValues.remove(name + tags) != null) {
            Meter gauge = registry.find(PREFIX + name).tags(tags).gauge();
            if (gauge != null) {
                registry.remove(gauge);
            }
        }
    }

    private AtomicLong gauge(String name, Tags tags) {
        String key = name + tags;
        return gaugeValues.computeIfAbsent(key, k -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(PREFIX + name, value, AtomicLong::doubleValue).tags(tags).register(registry);
            return value;
        });
    }

    /** Drops every series carrying {@code tagKey=tagValue}, e.g. a deleted node group's. */
    public void forgetSeries(String tagKey, String tagValue) {
        for (Meter meter : registry.getMeters()) {
            if (tagValue.equals(meter.getId().getTag(tagKey))) {
                registry.remove(meter);
            }
        }
        gaugeValues.keySet().removeIf(k -> k.contains("tag(" + tagKey + "=" + tagValue + ")"));
    }

    Counter counter(String name, String... tags) {
        return registry.counter(PREFIX + name, tags);
    }
}
