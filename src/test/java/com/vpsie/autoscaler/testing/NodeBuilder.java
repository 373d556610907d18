package com.vpsie.autoscaler.testing;

import com.vpsie.autoscaler.model.NodeInfo;
import com.vpsie.autoscaler.model.Quantities;
import com.vpsie.autoscaler.model.Resources;
import com.vpsie.autoscaler.model.Taint;
import com.vpsie.autoscaler.model.TaintEffect;
import com.vpsie.autoscaler.model.WellKnown;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Readable nodes for tests: {@code node("n1").group("general").cpu("4").memory("8Gi")}; Ready, created 2026-11-01. */
public final class NodeBuilder {

    private final String name;
    private final Map<String, String> labels = new HashMap<>();
    private final Map<String, String> annotations = new HashMap<>();
    private final List<Taint> taints = new ArrayList<>();
    private long cpu = 4000;
    private long memory = 8L << 30;
    private long ephemeral = 100L << 30;
    private long pods = 110;
    private boolean ready = true;
    private boolean unschedulable;
    private Instant created = Instant.parse("2026-11-01T00:00:00Z");
    private boolean deleting;

    private NodeBuilder(String name) {
        this.name = name;
        labels.put(WellKnown.HOSTNAME_LABEL, name);
        labels.put("kubernetes.io/os", "linux");
    }

    public static NodeBuilder node(String name) {
        return new NodeBuilder(name);
    }

    public NodeBuilder group(String group) {
        labels.put(WellKnown.NODEGROUP_LABEL, group);
        return this;
    }

    public NodeBuilder cpu(String q) {
        this.cpu = Quantities.parseMillis(q);
        return this;
    }

    public NodeBuilder memory(String q) {
        this.memory = Quantities.parseUnits(q);
        return this;
    }

    public NodeBuilder ephemeral(String q) {
        this.ephemeral = Quantities.parseUnits(q);
        return this;
    }

    public NodeBuilder maxPods(long pods) {
        this.pods = pods;
        return this;
    }

    public NodeBuilder label(String k, String v) {
        labels.put(k, v);
        return this;
    }

    public NodeBuilder annotation(String k, String v) {
        annotations.put(k, v);
        return this;
    }

    public NodeBuilder taint(String key, String value, TaintEffect effect) {
        taints.add(new Taint(key, value, effect));
        return this;
    }

    public NodeBuilder notReady() {
        this.ready = false;
        return this;
    }

    public NodeBuilder cordoned() {
        this.unschedulable = true;
        return this;
    }

    public NodeBuilder created(String instant) {
        this.created = Instant.parse(instant);
        return this;
    }

    public NodeBuilder deleting() {
        this.deleting = true;
        return this;
    }

    public NodeInfo build() {
        return new NodeInfo(name, labels, annotations, taints, new Resources(cpu, memory, ephemeral, pods), ready,
                unschedulable, created, "vpsie://" + name, deleting);
    }
}
