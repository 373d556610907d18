package com.vpsie.autoscaler.api.v1alpha1;

import io.fabric8.kubernetes.api.model.Taint;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The rules a NodeGroup must satisfy before the autoscaler acts on it: the Go CRD's schema rules plus
 * minNodes &lt;= maxNodes. Pure; the snapshot loader rejects a group that fails, the controller marks it
 * Ready=False and keeps the other groups working.
 */
public final class NodeGroupValidation {

    private static final Set<String> TAINT_EFFECTS = Set.of("NoSchedule", "PreferNoSchedule", "NoExecute");

    private NodeGroupValidation() {
    }

    /** Every problem found, in field order; empty when the group is valid. */
    public static List<FieldError> validate(NodeGroup nodeGroup) {
        List<FieldError> errors = new ArrayList<>();
        NodeGroupSpec spec = nodeGroup.getSpec();
        if (spec == null) {
            errors.add(new FieldError("spec", "required"));
            return List.copyOf(errors);
        }
        validateSize(spec, errors);
        if (spec.getDatacenterID() == null || spec.getDatacenterID().isBlank()) {
            errors.add(new FieldError("spec.datacenterID", "required"));
        }
        validateOfferings(spec, errors);
        validateTaints(spec.getTaints(), errors);
        if (spec.getKubeSizeID() != null && spec.getKubeSizeID() < 1) {
            errors.add(new FieldError("spec.kubeSizeID", "must be at least 1 (got " + spec.getKubeSizeID() + ")"));
        }
        ScaleUpPolicySpec up = spec.getScaleUpPolicy();
        if (up != null) {
            nonNegative("spec.scaleUpPolicy.stabilizationWindowSeconds", up.getStabilizationWindowSeconds(), errors);
            percentage("spec.scaleUpPolicy.cpuThreshold", up.getCpuThreshold(), errors);
            percentage("spec.scaleUpPolicy.memoryThreshold", up.getMemoryThreshold(), errors);
        }
        ScaleDownPolicySpec down = spec.getScaleDownPolicy();
        if (down != null) {
            nonNegative("spec.scaleDownPolicy.stabilizationWindowSeconds", down.getStabilizationWindowSeconds(), errors);
            percentage("spec.scaleDownPolicy.cpuThreshold", down.getCpuThreshold(), errors);
            percentage("spec.scaleDownPolicy.memoryThreshold", down.getMemoryThreshold(), errors);
            nonNegative("spec.scaleDownPolicy.cooldownSeconds", down.getCooldownSeconds(), errors);
            String source = down.getUtilizationSource();
            if (source != null && com.vpsie.autoscaler.model.UtilizationSource.ofWord(source) == null) {
                errors.add(new FieldError("spec.scaleDownPolicy.utilizationSource", "must be one of "
                        + ScaleDownPolicySpec.UTILIZATION_SOURCES.replace("|", ", ") + " (got \"" + source + "\")"));
            }
        }
        return List.copyOf(errors);
    }

    private static void validateSize(NodeGroupSpec spec, List<FieldError> errors) {
        Integer min = spec.getMinNodes();
        Integer max = spec.getMaxNodes();
        if (min == null) {
            errors.add(new FieldError("spec.minNodes", "required"));
        } else if (min < 0) {
            errors.add(new FieldError("spec.minNodes", "must be at least 0 (got " + min + ")"));
        }
        if (max == null) {
            errors.add(new FieldError("spec.maxNodes", "required"));
        } else if (max < 1) {
            errors.add(new FieldError("spec.maxNodes", "must be at least 1 (got " + max + ")"));
        }
        if (min != null && max != null && min > max) {
            errors.add(new FieldError("spec.minNodes",
                    "minNodes (" + min + ") must not exceed maxNodes (" + max + ")"));
        }
    }

    private static void validateOfferings(NodeGroupSpec spec, List<FieldError> errors) {
        List<String> offerings = spec.getOfferingIDs();
        if (offerings == null || offerings.isEmpty()) {
            errors.add(new FieldError("spec.offeringIDs", "at least one offering is required"));
        } else {
            for (int i = 0; i < offerings.size(); i++) {
                if (offerings.get(i) == null || offerings.get(i).isBlank()) {
                    errors.add(new FieldError("spec.offeringIDs[" + i + "]", "must not be blank"));
                }
            }
        }
        String preferred = spec.getPreferredInstanceType();
        // An empty string is how Go's omitempty spells "not set".
        if (preferred != null && !preferred.isEmpty() && (offerings == null || !offerings.contains(preferred))) {
            errors.add(new FieldError("spec.preferredInstanceType",
                    "'" + preferred + "' is not one of offeringIDs " + (offerings == null ? List.of() : offerings)));
        }
    }

    private static void validateTaints(List<Taint> taints, List<FieldError> errors) {
        if (taints == null) {
            return;
        }
        for (int i = 0; i < taints.size(); i++) {
            Taint t = taints.get(i);
            String path = "spec.taints[" + i + "]";
            if (t == null) {
                errors.add(new FieldError(path, "must not be null"));
                continue;
            }
            if (t.getKey() == null || t.getKey().isBlank()) {
                errors.add(new FieldError(path + ".key", "required"));
            }
            if (t.getEffect() == null || t.getEffect().isEmpty()) {
                errors.add(new FieldError(path + ".effect", "required"));
            } else if (!TAINT_EFFECTS.contains(t.getEffect())) {
                errors.add(new FieldError(path + ".effect",
                        "unknown taint effect '" + t.getEffect() + "' (NoSchedule, PreferNoSchedule or NoExecute)"));
            }
        }
    }

    private static void percentage(String field, Integer value, List<FieldError> errors) {
        if (value != null && (value < 0 || value > 100)) {
            errors.add(new FieldError(field, "must be between 0 and 100 (got " + value + ")"));
        }
    }

    private static void nonNegative(String field, Integer value, List<FieldError> errors) {
        if (value != null && value < 0) {
            errors.add(new FieldError(field, "must not be negative (got " + value + ")"));
        }
    }
}
