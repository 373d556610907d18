package com.vpsie.autoscaler.testing;

import com.vpsie.autoscaler.model.NodeGroupInfo;
import com.vpsie.autoscaler.model.ScaleDownPolicy;
import com.vpsie.autoscaler.model.Taint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Readable NodeGroups for tests: {@code group("general").min(1).max(10).offerings("small")}. */
public final class GroupBuilder {

    private final String name;
    private int min = 0;
    private int max = 10;
    private int desired = 0;
    private List<String> offerings = List.of("small");
    private String preferred;
    private boolean mixed = true;
    private final Map<String, String> labels = new HashMap<>();
    private final List<Taint> taints = new ArrayList<>();
    private boolean scaleUp = true;
    private ScaleDownPolicy scaleDown = ScaleDownPolicy.DEFAULT;
    private List<String> upcoming = List.of();
    private boolean deleting;

    private GroupBuilder(String name) {
        this.name = name;
    }

    public static GroupBuilder group(String name) {
        return new GroupBuilder(name);
    }

    public GroupBuilder min(int v) {
        this.min = v;
        return this;
    }

    public GroupBuilder max(int v) {
        this.max = v;
        return this;
    }

    public GroupBuilder desired(int v) {
        this.desired = v;
        return this;
    }

    public GroupBuilder offerings(String... ids) {
        this.offerings = List.of(ids);
        return this;
    }

    public GroupBuilder preferred(String id) {
        this.preferred = id;
        return this;
    }

    public GroupBuilder noMixing() {
        this.mixed = false;
        return this;
    }

    public GroupBuilder label(String k, String v) {
        labels.put(k, v);
        return this;
    }

    public GroupBuilder taint(Taint t) {
        taints.add(t);
        return this;
    }

    public GroupBuilder scaleUpDisabled() {
        this.scaleUp = false;
        return this;
    }

    public GroupBuilder scaleDown(ScaleDownPolicy policy) {
        this.scaleDown = policy;
        return this;
    }

    /** The offerings of the nodes on their way, in order. */
    public GroupBuilder upcoming(String... ids) {
        this.upcoming = List.of(ids);
        return this;
    }

    /** The NodeGroup has a deletionTimestamp (what the converter makes of it: no scale-up). */
    public GroupBuilder deleting() {
        this.deleting = true;
        this.scaleUp = false;
        return this;
    }

    public NodeGroupInfo build() {
        return new NodeGroupInfo("default", name, min, max, desired, offerings, preferred, mixed, labels, taints,
                scaleUp, scaleDown, upcoming, deleting);
    }
}
