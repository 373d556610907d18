package com.vpsie.autoscaler.scheduling;

import com.vpsie.autoscaler.model.HostPort;
import com.vpsie.autoscaler.model.NodeInfo;
import com.vpsie.autoscaler.model.PodInfo;
import com.vpsie.autoscaler.model.Resources;
import com.vpsie.autoscaler.model.Taint;
import com.vpsie.autoscaler.model.TaintEffect;
import com.vpsie.autoscaler.model.WellKnown;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** A node inside one simulation: its fixed shape plus the pods placed on it so far. Mutable; never shared. */
public final class SimNode {

    private final String name;
    private final String group;
    private final Map<String, String> labels;
    private final List<Taint> hardTaints;
    private final Resources allocatable;
    private final NodeRole role;
    private final boolean cordoned;
    private final boolean markedForDeletion;
    private final NodeInfo source;

    private long usedCpu;
    private long usedMemory;
    private long usedEphemeral;
    private long usedPods;
    private final List<PodInfo> pods = new ArrayList<>();
    private final List<HostPort> hostPorts = new ArrayList<>();
    private boolean removed;
    private boolean ghost;

    SimNode(String name, String group, Map<String, String> labels, List<Taint> taints, Resources allocatable,
            NodeRole role, boolean cordoned, boolean markedForDeletion, NodeInfo source) {
        this.name = name;
        this.group = group;
        this.labels = labels;
        this.allocatable = allocatable;
        this.role = role;
        this.cordoned = cordoned;
        this.markedForDeletion = markedForDeletion;
        this.source = source;
        List<Taint> hard = new ArrayList<>();
        for (Taint t : taints) {
            if (t.effect() == TaintEffect.PREFER_NO_SCHEDULE) {
                continue;
            }
            if (role.ignoresStartupTaints() && WellKnown.STARTUP_TAINTS.contains(t.key())) {
                continue;
            }
            hard.add(t);
        }
        this.hardTaints = List.copyOf(hard);
    }

    public String name() {
        return name;
    }

    /** The NodeGroup this node belongs to, or null. */
    public String group() {
        return group;
    }

    public Map<String, String> labels() {
        return labels;
    }

    /** NoSchedule and NoExecute taints the pod must tolerate. */
    public List<Taint> hardTaints() {
        return hardTaints;
    }

    public Resources allocatable() {
        return allocatable;
    }

    public NodeRole role() {
        return role;
    }

    public boolean cordoned() {
        return cordoned;
    }

    public boolean markedForDeletion() {
        return markedForDeletion;
    }

    /** The registered node this stands for; null for upcoming and estimated nodes. */
    public NodeInfo source() {
        return source;
    }

    public boolean removed() {
        return removed;
    }

    void setRemoved(boolean removed) {
        this.removed = removed;
        this.ghost = false;
    }

    /** Removed, but standing in as an empty, tainted node while its removal is simulated. */
    public boolean ghost() {
        return ghost;
    }

    void setGhost(boolean ghost) {
        this.ghost = ghost;
    }

    public List<PodInfo> pods() {
        return Collections.unmodifiableList(pods);
    }

    List<HostPort> hostPorts() {
        return hostPorts;
    }

    public Resources used() {
        return new Resources(usedCpu, usedMemory, usedEphemeral, usedPods);
    }

    public Resources free() {
        return allocatable.minus(used());
    }

    /** First resource the pod's requests exceed, or null; a zero request is never checked, as in kube-scheduler. */
    Unfit resourceMisfit(Resources req) {
        if (req.cpuMillis() > 0 && usedCpu + req.cpuMillis() > allocatable.cpuMillis()) {
            return Unfit.INSUFFICIENT_CPU;
        }
        if (req.memoryBytes() > 0 && usedMemory + req.memoryBytes() > allocatable.memoryBytes()) {
            return Unfit.INSUFFICIENT_MEMORY;
        }
        // like pods, ephemeral storage 0 means not reported (offerings often leave it out), not no room
        if (req.ephemeralStorageBytes() > 0 && allocatable.ephemeralStorageBytes() > 0
                && usedEphemeral + req.ephemeralStorageBytes() > allocatable.ephemeralStorageBytes()) {
            return Unfit.INSUFFICIENT_EPHEMERAL_STORAGE;
        }
        // allocatable pods 0 means the snapshot did not report it: no limit rather than no pods
        if (allocatable.pods() > 0 && usedPods + 1 > allocatable.pods()) {
            return Unfit.TOO_MANY_PODS;
        }
        return null;
    }

    void add(PodInfo pod) {
        Resources r = pod.requests();
        usedCpu += r.cpuMillis();
        usedMemory += r.memoryBytes();
        usedEphemeral += r.ephemeralStorageBytes();
        usedPods += 1;
        pods.add(pod);
        hostPorts.addAll(pod.hostPorts());
    }

    void remove(PodInfo pod) {
        // remove the last occurrence: undo usually takes back what was added last
        int at = pods.lastIndexOf(pod);
        if (at < 0) {
            throw new IllegalStateException("pod " + pod.key() + " is not on node " + name);
        }
        pods.remove(at);
        Resources r = pod.requests();
        usedCpu -= r.cpuMillis();
        usedMemory -= r.memoryBytes();
        usedEphemeral -= r.ephemeralStorageBytes();
        usedPods -= 1;
        for (HostPort p : pod.hostPorts()) {
            hostPorts.remove(p);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
