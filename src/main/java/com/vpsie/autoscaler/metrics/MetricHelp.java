package com.vpsie.autoscaler.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The HELP text of every meter, in one place, added to each meter as it registers: Prometheus tooling
 * (promtool check metrics, dashboards' tooltips) expects every metric to say what it counts.
 */
final class MetricHelp implements MeterFilter {

    static final String PREFIX = "vpsie.autoscaler.";

    private static final Map<String, String> HELP = Map.ofEntries(
            Map.entry("vpsie.api.requests", "HTTP exchanges with the VPSie API, by endpoint family and result."),
            Map.entry("vpsie.api.calls.per.minute", "HTTP exchanges with the VPSie API in the last 60 seconds, by endpoint family (VPSie's own client budgets 100 a minute)."),
            Map.entry("vpsie.api.request.duration", "Duration of one HTTP exchange with the VPSie API."),
            Map.entry("vpsie.api.errors", "Failed VPSie API exchanges, by endpoint family and type (transient or terminal)."),
            Map.entry("vpsie.api.rate.limited", "VPSie API calls delayed or refused by rate limiting (server 429 or the client's own limiter)."),
            Map.entry("vpsie.api.circuit.breaker.state", "Circuit breaker per VPSie endpoint family: 0 closed, 1 half-open, 2 open."),
            Map.entry("last.activity.timestamp.seconds", "Unix time of the last completed run of each loop."),
            Map.entry("kubernetes.events", "Kubernetes Events handed to the recorder, by result (sent, suppressed, dropped, failed)."),
            Map.entry("nodegroup.min.nodes", "spec.minNodes of each NodeGroup."),
            Map.entry("nodegroup.max.nodes", "spec.maxNodes of each NodeGroup."),
            Map.entry("nodegroup.desired.nodes", "status.desiredNodes of each NodeGroup."),
            Map.entry("nodegroup.current.nodes", "Registered nodes of each NodeGroup."),
            Map.entry("nodegroup.ready.nodes", "Ready nodes of each NodeGroup."),
            Map.entry("nodegroup.utilization.percent", "Mean CPU or memory (label resource) utilization of each "
                    + "NodeGroup's nodes in percent, by its scale-down signal: measured usage where fresh, else requests."),
            Map.entry("controller.reconcile", "NodeGroup reconciles."),
            Map.entry("controller.reconcile.errors", "NodeGroup reconciles that failed and will be retried with back-off."),
            Map.entry("controller.reconcile.duration", "Duration of one NodeGroup reconcile."),
            Map.entry("leader", "1 on the replica that holds the Lease and acts (or runs without election), 0 on a standby."),
            Map.entry("reconciliation.queue.depth", "NodeGroups waiting in the reconcile queue."),
            Map.entry("node.provisioning.duration", "From server creation to its Node turning Ready."),
            Map.entry("node.provisioning.failures", "Servers that did not become a Ready node, by reason."),
            Map.entry("autoscaling.pass.duration", "Duration of one autoscaling pass (snapshot, plan, actions)."),
            Map.entry("unschedulable.pods", "Pods newly seen unschedulable."),
            Map.entry("pending.pods.current", "Pods currently unschedulable."),
            Map.entry("scaling.decisions", "Scaling decisions, by direction and result."),
            Map.entry("scale.up", "Scale-ups applied to a NodeGroup's desired size."),
            Map.entry("scale.up.nodes.added", "Nodes added to desired sizes by scale-ups."),
            Map.entry("scale.down.blocked", "Scale-down candidates kept in a pass, by reason."),
            Map.entry("scale.down", "Nodes removed after a drain (server and Node deleted)."),
            Map.entry("scale.down.nodes.removed", "Nodes removed by scale-down."),
            Map.entry("node.termination.duration", "From the start of a node's drain to its deletion."),
            Map.entry("scale.down.errors", "Scale-downs that did not end drained, by reason."),
            Map.entry("safety.check.failures", "Drains stopped by the re-check after marking, by reason."),
            Map.entry("node.drain.duration", "Duration of one node drain, by result."),
            Map.entry("node.drain.pods.evicted", "Pods evicted by one node drain."),
            Map.entry("scale.down.marked.nodes", "Nodes carrying the scale-down marks (draining or drained, not yet deleted)."),
            Map.entry("scale.down.oldest.mark.timestamp.seconds",
                    "When the oldest scale-down mark of a NodeGroup was set (Unix seconds, 0 when none says when)."));

    @Override
    public Meter.Id map(Meter.Id id) {
        if (id.getDescription() != null || !id.getName().startsWith(PREFIX)) {
            return id;
        }
        String help = HELP.get(id.getName().substring(PREFIX.length()));
        return help == null ? id
                : new Meter.Id(id.getName(), Tags.of(id.getTagsAsIterable()), id.getBaseUnit(), help, id.getType());
    }

    /** Every meter with its HELP text, full names: the meters the controller declares. */
    static Set<String> names() {
        return HELP.keySet().stream().map(n -> PREFIX + n).collect(Collectors.toUnmodifiableSet());
    }

    /** Whether a meter name (without prefix) has its HELP text; for the test that keeps this table complete. */
    static boolean has(String name) {
        return HELP.containsKey(name);
    }
}
