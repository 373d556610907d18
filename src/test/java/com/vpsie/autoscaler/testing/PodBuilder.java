package com.vpsie.autoscaler.testing;

import com.vpsie.autoscaler.model.HostPort;
import com.vpsie.autoscaler.model.NodeSelectorTerm;
import com.vpsie.autoscaler.model.OwnerRef;
import com.vpsie.autoscaler.model.PodAffinityTerm;
import com.vpsie.autoscaler.model.PodInfo;
import com.vpsie.autoscaler.model.PodVolume;
import com.vpsie.autoscaler.model.Quantities;
import com.vpsie.autoscaler.model.Resources;
import com.vpsie.autoscaler.model.Toleration;
import com.vpsie.autoscaler.model.TopologySpreadConstraint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Readable pods for tests: {@code pod("default/web-1").cpu("500m").memory("1Gi").replicaSet("web").on("n1")}. */
public final class PodBuilder {

    private final String namespace;
    private final String name;
    private final Map<String, String> labels = new HashMap<>();
    private final Map<String, String> annotations = new HashMap<>();
    private String nodeName;
    private String phase = "Running";
    private int priority;
    private String priorityClassName;
    private long cpu;
    private long memory;
    private long ephemeral;
    private final Map<String, String> nodeSelector = new HashMap<>();
    private final List<NodeSelectorTerm> affinity = new ArrayList<>();
    private final List<Toleration> tolerations = new ArrayList<>();
    private final List<HostPort> hostPorts = new ArrayList<>();
    private final List<PodAffinityTerm> podAffinity = new ArrayList<>();
    private final List<PodAffinityTerm> podAntiAffinity = new ArrayList<>();
    private final List<TopologySpreadConstraint> spread = new ArrayList<>();
    private OwnerRef controller;
    private final List<PodVolume> volumes = new ArrayList<>();
    private boolean unschedulable;
    private Instant created = Instant.parse("2026-11-01T00:00:00Z");
    private boolean deleting;

    private PodBuilder(String key) {
        int slash = key.indexOf('/');
        this.namespace = slash < 0 ? "default" : key.substring(0, slash);
        this.name = slash < 0 ? key : key.substring(slash + 1);
    }

    public static PodBuilder pod(String key) {
        return new PodBuilder(key);
    }

    /** A pending pod the scheduler marked Unschedulable, owned by a ReplicaSet. */
    public static PodBuilder pending(String key) {
        return new PodBuilder(key).unschedulable().replicaSet("rs").phase("Pending");
    }

    public PodBuilder cpu(String q) {
        this.cpu = Quantities.parseMillis(q);
        return this;
    }

    public PodBuilder memory(String q) {
        this.memory = Quantities.parseUnits(q);
        return this;
    }

    public PodBuilder ephemeral(String q) {
        this.ephemeral = Quantities.parseUnits(q);
        return this;
    }

    public PodBuilder label(String k, String v) {
        labels.put(k, v);
        return this;
    }

    public PodBuilder annotation(String k, String v) {
        annotations.put(k, v);
        return this;
    }

    public PodBuilder on(String node) {
        this.nodeName = node;
        return this;
    }

    public PodBuilder phase(String phase) {
        this.phase = phase;
        return this;
    }

    public PodBuilder priority(int priority) {
        this.priority = priority;
        return this;
    }

    public PodBuilder priorityClass(String name) {
        this.priorityClassName = name;
        return this;
    }

    public PodBuilder nodeSelector(String k, String v) {
        nodeSelector.put(k, v);
        return this;
    }

    public PodBuilder nodeAffinity(NodeSelectorTerm... terms) {
        affinity.addAll(List.of(terms));
        return this;
    }

    public PodBuilder tolerate(Toleration t) {
        tolerations.add(t);
        return this;
    }

    public PodBuilder hostPort(int port) {
        hostPorts.add(new HostPort("TCP", null, port));
        return this;
    }

    public PodBuilder affinity(PodAffinityTerm term) {
        podAffinity.add(term);
        return this;
    }

    public PodBuilder antiAffinity(PodAffinityTerm term) {
        podAntiAffinity.add(term);
        return this;
    }

    public PodBuilder spread(TopologySpreadConstraint c) {
        spread.add(c);
        return this;
    }

    public PodBuilder owner(String kind, String ownerName) {
        this.controller = new OwnerRef(kind, ownerName);
        return this;
    }

    public PodBuilder replicaSet(String ownerName) {
        return owner("ReplicaSet", ownerName);
    }

    public PodBuilder daemonSet(String ownerName) {
        return owner("DaemonSet", ownerName);
    }

    public PodBuilder noOwner() {
        this.controller = null;
        return this;
    }

    public PodBuilder volume(PodVolume v) {
        volumes.add(v);
        return this;
    }

    public PodBuilder unschedulable() {
        this.unschedulable = true;
        return this;
    }

    public PodBuilder created(String instant) {
        this.created = Instant.parse(instant);
        return this;
    }

    public PodBuilder deleting() {
        this.deleting = true;
        return this;
    }

    public PodInfo build() {
        return new PodInfo(namespace, name, labels, annotations, nodeName, phase, priority, priorityClassName,
                new Resources(cpu, memory, ephemeral, 1), nodeSelector, affinity, tolerations, hostPorts, podAffinity,
                podAntiAffinity, spread, controller, volumes, unschedulable, created, 30, deleting);
    }
}
