package com.vpsie.autoscaler.controller;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroupSpec;
import com.vpsie.autoscaler.api.v1alpha1.ScaleUpPolicySpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The NodeGroup fields that are accepted, so the Go VPSie autoscaler's manifests apply unchanged, but not acted
 * on. VPSie's add-worker call ({@code POST .../add/slave/group/{groupId}}) carries no server settings: a new
 * server is built from its VPSie node group, so image, Kubernetes version, project, SSH keys, tags, notes and
 * cloud-init set here never reach it. Scale-up follows pending pods, as cluster-autoscaler's does, so the scale-up
 * thresholds and window are not used either (reported only when changed from their defaults, which the API server
 * fills in). Spot, multi-region and cost options are not implemented. A user who set
 * them must be told, since a manifest that says {@code userData} joins the node would otherwise be believed.
 */
final class IgnoredSpecFields {

    /** Condition type, status True while the spec sets one of the fields. */
    static final String CONDITION_TYPE = "FieldsIgnored";
    /** Reason of the condition and of the Event. */
    static final String REASON = "FieldsIgnored";

    private IgnoredSpecFields() {
    }

    /** The {@code spec.} paths of the fields this spec sets and nothing uses, in the CRD's order; empty if none. */
    static List<String> of(NodeGroupSpec spec) {
        List<String> out = new ArrayList<>();
        if (spec == null) {
            return out;
        }
        addIfSet(out, "project", spec.getProject());
        addIfSet(out, "kubernetesVersion", spec.getKubernetesVersion());
        addIfSet(out, "osImageID", spec.getOsImageID());
        addIfSet(out, "sshKeyIDs", spec.getSshKeyIDs());
        addIfSet(out, "tags", spec.getTags());
        addIfSet(out, "notes", spec.getNotes());
        addIfSet(out, "userData", spec.getUserData());
        ScaleUpPolicySpec up = spec.getScaleUpPolicy();
        if (up != null) {
            addIfChanged(out, "scaleUpPolicy.stabilizationWindowSeconds", up.getStabilizationWindowSeconds(),
                    ScaleUpPolicySpec.DEFAULT_STABILIZATION_WINDOW_SECONDS);
            addIfChanged(out, "scaleUpPolicy.cpuThreshold", up.getCpuThreshold(), ScaleUpPolicySpec.DEFAULT_CPU_THRESHOLD);
            addIfChanged(out, "scaleUpPolicy.memoryThreshold", up.getMemoryThreshold(),
                    ScaleUpPolicySpec.DEFAULT_MEMORY_THRESHOLD);
        }
        addIfSet(out, "spotConfig", spec.getSpotConfig());
        addIfSet(out, "multiRegion", spec.getMultiRegion());
        addIfSet(out, "costOptimization", spec.getCostOptimization());
        return out;
    }

    static String message(List<String> fields) {
        return String.join(", ", fields) + (fields.size() == 1 ? " is" : " are") + " accepted but not used: "
                + "VPSie's add-worker call takes no server settings, so new servers get those of the VPSie node "
                + "group; scale-up follows pending pods, not scaleUpPolicy thresholds; spot, multi-region and cost "
                + "options are not implemented";
    }

    private static void addIfChanged(List<String> out, String field, Integer value, int byDefault) {
        if (value != null && value != byDefault) {
            out.add("spec." + field);
        }
    }

    private static void addIfSet(List<String> out, String field, Object value) {
        boolean set;
        if (value instanceof String s) {
            set = !s.isBlank();
        } else if (value instanceof Collection<?> c) {
            set = !c.isEmpty();
        } else if (value instanceof Map<?, ?> m) {
            // an option that says it is off asks for nothing
            set = !m.isEmpty() && !Boolean.FALSE.equals(m.get("enabled"));
        } else {
            set = value != null;
        }
        if (set) {
            out.add("spec." + field);
        }
    }
}
