package com.vpsie.autoscaler.snapshot;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import com.vpsie.autoscaler.model.DaemonSetInfo;
import com.vpsie.autoscaler.api.v1alpha1.FieldError;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupNodeStatus;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupStatus;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupSpec;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupValidation;
import com.vpsie.autoscaler.api.v1alpha1.ScaleDownPolicySpec;
import com.vpsie.autoscaler.api.v1alpha1.ScaleUpPolicySpec;
import com.vpsie.autoscaler.model.LabelSelector;
import com.vpsie.autoscaler.model.NodeGroupInfo;
import com.vpsie.autoscaler.model.NodeInfo;
import com.vpsie.autoscaler.model.PdbInfo;
import com.vpsie.autoscaler.model.PodInfo;
import com.vpsie.autoscaler.model.Resources;
import com.vpsie.autoscaler.model.ScaleDownPolicy;
import com.vpsie.autoscaler.model.UtilizationSource;
import com.vpsie.autoscaler.model.Taint;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeSpec;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns Kubernetes objects (informer cache entries or parsed files) into the decision core's model. Never
 * modifies its inputs. Bad content becomes a {@link SnapshotException} naming the object and the field.
 */
public final class ClusterObjectConverter {

    /** status.nodes[] states of a server on its way without a Node: asked for, or listed and booting. */
    private static final Set<String> UPCOMING_ENTRY_STATES = Set.of("Creating", "Requested", "Provisioning");

    private ClusterObjectConverter() {
    }

    public static PodInfo toPodInfo(Pod pod) {
        return PodConverter.convert(pod);
    }

    /** Ready from the Ready condition; allocatable per resource, falling back to capacity where it is missing. */
    public static NodeInfo toNodeInfo(Node node) {
        ConversionContext ctx = ConversionContext.of("Node", node);
        ObjectMeta meta = node.getMetadata() == null ? new ObjectMeta() : node.getMetadata();
        NodeSpec spec = node.getSpec() == null ? new NodeSpec() : node.getSpec();
        NodeStatus status = node.getStatus();
        List<Taint> taints = new ArrayList<>();
        if (spec.getTaints() != null) {
            for (int i = 0; i < spec.getTaints().size(); i++) {
                taints.add(taint(ctx, "spec.taints[" + i + "]", spec.getTaints().get(i)));
            }
        }
        return new NodeInfo(
                meta.getName(),
                ctx.stringMap("metadata.labels", meta.getLabels()),
                ctx.stringMap("metadata.annotations", meta.getAnnotations()),
                taints,
                allocatable(ctx, status),
                ready(status),
                Boolean.TRUE.equals(spec.getUnschedulable()),
                ctx.timestamp("metadata.creationTimestamp", meta.getCreationTimestamp()),
                spec.getProviderID() == null || spec.getProviderID().isEmpty() ? null : spec.getProviderID(),
                meta.getDeletionTimestamp() != null);
    }

    /** In policy/v1 a null selector selects no pod and an empty one every pod of the namespace. */
    public static PdbInfo toPdbInfo(PodDisruptionBudget pdb) {
        ConversionContext ctx = ConversionContext.of("PodDisruptionBudget", pdb);
        ObjectMeta meta = pdb.getMetadata() == null ? new ObjectMeta() : pdb.getMetadata();
        LabelSelector selector = pdb.getSpec() == null ? LabelSelector.NOTHING
                : SelectorConverter.labelSelector(ctx, "spec.selector", pdb.getSpec().getSelector(),
                        LabelSelector.NOTHING);
        int allowed = pdb.getStatus() == null || pdb.getStatus().getDisruptionsAllowed() == null ? 0
                : pdb.getStatus().getDisruptionsAllowed();
        return new PdbInfo(meta.getNamespace(), meta.getName(), selector, allowed);
    }

    /**
     * A DaemonSet as the pod its template describes, converted by the rules for pods (so its requests are
     * effective requests, init containers and overhead included). A template without a spec asks for nothing.
     */
    public static DaemonSetInfo toDaemonSetInfo(DaemonSet daemonSet) {
        ObjectMeta meta = daemonSet.getMetadata() == null ? new ObjectMeta() : daemonSet.getMetadata();
        PodTemplateSpec template = daemonSet.getSpec() == null ? null : daemonSet.getSpec().getTemplate();
        ObjectMeta templateMeta = template == null || template.getMetadata() == null ? new ObjectMeta()
                : template.getMetadata();
        Pod asPod = new Pod();
        asPod.setMetadata(new ObjectMetaBuilder().withNamespace(meta.getNamespace()).withName(meta.getName())
                .withLabels(templateMeta.getLabels()).withAnnotations(templateMeta.getAnnotations())
                .withCreationTimestamp(meta.getCreationTimestamp()).build());
        asPod.setSpec(template == null || template.getSpec() == null ? new PodSpec() : template.getSpec());
        return new DaemonSetInfo(meta.getNamespace(), meta.getName(), PodConverter.convert(asPod));
    }

    /**
     * A valid NodeGroup as the planner sees it; an invalid one (see {@link NodeGroupValidation}) fails with
     * every field error. Policy fields left out take the CRD defaults.
     */
    public static NodeGroupInfo toNodeGroupInfo(NodeGroup nodeGroup) {
        ConversionContext ctx = ConversionContext.of(NodeGroup.KIND, nodeGroup);
        List<FieldError> errors = NodeGroupValidation.validate(nodeGroup);
        if (!errors.isEmpty()) {
            List<String> problems = new ArrayList<>();
            for (FieldError e : errors) {
                problems.add(ctx.object() + ": " + e.field() + ": " + e.message());
            }
            throw new SnapshotException(problems);
        }
        ObjectMeta meta = nodeGroup.getMetadata() == null ? new ObjectMeta() : nodeGroup.getMetadata();
        NodeGroupSpec spec = nodeGroup.getSpec();
        List<Taint> taints = new ArrayList<>();
        if (spec.getTaints() != null) {
            for (int i = 0; i < spec.getTaints().size(); i++) {
                taints.add(taint(ctx, "spec.taints[" + i + "]", spec.getTaints().get(i)));
            }
        }
        int desired = nodeGroup.getStatus() == null || nodeGroup.getStatus().getDesiredNodes() == null ? 0
                : nodeGroup.getStatus().getDesiredNodes();
        String preferred = spec.getPreferredInstanceType() == null || spec.getPreferredInstanceType().isEmpty()
                ? null : spec.getPreferredInstanceType();
        return new NodeGroupInfo(
                meta.getNamespace(),
                meta.getName(),
                spec.getMinNodes(),
                spec.getMaxNodes(),
                desired,
                spec.getOfferingIDs(),
                preferred,
                orDefault(spec.getAllowMixedInstances(), NodeGroupSpec.DEFAULT_ALLOW_MIXED_INSTANCES),
                ctx.stringMap("spec.labels", spec.getLabels()),
                taints,
                // a group being deleted takes no new nodes, whatever its policy says
                meta.getDeletionTimestamp() == null && scaleUpEnabled(spec.getScaleUpPolicy()),
                scaleDownPolicy(spec.getScaleDownPolicy()),
                upcomingOfferings(nodeGroup.getStatus()),
                meta.getDeletionTimestamp() != null);
    }

    /**
     * The offerings of the nodes a NodeGroup has on the way: servers asked for or booting without a Node yet (by
     * their status entry), then offerings planned and not asked for yet.
     */
    private static List<String> upcomingOfferings(NodeGroupStatus status) {
        List<String> upcoming = new ArrayList<>();
        if (status == null) {
            return upcoming;
        }
        if (status.getNodes() != null) {
            for (NodeGroupNodeStatus e : status.getNodes()) {
                if (e.getInstanceType() != null && UPCOMING_ENTRY_STATES.contains(e.getStatus())) {
                    upcoming.add(e.getInstanceType());
                }
            }
        }
        if (status.getPlannedOfferings() != null) {
            upcoming.addAll(status.getPlannedOfferings());
        }
        return upcoming;
    }

    private static boolean scaleUpEnabled(ScaleUpPolicySpec policy) {
        return policy == null ? ScaleUpPolicySpec.DEFAULT_ENABLED
                : orDefault(policy.getEnabled(), ScaleUpPolicySpec.DEFAULT_ENABLED);
    }

    private static ScaleDownPolicy scaleDownPolicy(ScaleDownPolicySpec policy) {
        if (policy == null) {
            return ScaleDownPolicy.DEFAULT;
        }
        return new ScaleDownPolicy(
                orDefault(policy.getEnabled(), ScaleDownPolicySpec.DEFAULT_ENABLED),
                orDefault(policy.getCpuThreshold(), ScaleDownPolicySpec.DEFAULT_CPU_THRESHOLD),
                orDefault(policy.getMemoryThreshold(), ScaleDownPolicySpec.DEFAULT_MEMORY_THRESHOLD),
                orDefault(policy.getStabilizationWindowSeconds(),
                        ScaleDownPolicySpec.DEFAULT_STABILIZATION_WINDOW_SECONDS),
                orDefault(policy.getCooldownSeconds(), ScaleDownPolicySpec.DEFAULT_COOLDOWN_SECONDS),
                utilizationSource(policy.getUtilizationSource()));
    }

    private static UtilizationSource utilizationSource(String word) {
        UtilizationSource source = UtilizationSource.ofWord(
                word == null ? ScaleDownPolicySpec.DEFAULT_UTILIZATION_SOURCE : word);
        if (source == null) { // toNodeGroupInfo validated the group first
            throw new IllegalStateException("spec.scaleDownPolicy.utilizationSource: unknown source '" + word + "'");
        }
        return source;
    }

    private static Taint taint(ConversionContext ctx, String path, io.fabric8.kubernetes.api.model.Taint taint) {
        if (taint.getKey() == null || taint.getKey().isEmpty()) {
            throw ctx.fail(path + ".key", "required");
        }
        return new Taint(taint.getKey(), taint.getValue(), ctx.taintEffect(path + ".effect", taint.getEffect()));
    }

    private static Resources allocatable(ConversionContext ctx, NodeStatus status) {
        if (status == null) {
            return Resources.ZERO;
        }
        return new Resources(
                nodeQuantity(ctx, status, "cpu", true),
                nodeQuantity(ctx, status, "memory", false),
                nodeQuantity(ctx, status, "ephemeral-storage", false),
                nodeQuantity(ctx, status, "pods", false));
    }

    private static long nodeQuantity(ConversionContext ctx, NodeStatus status, String resource, boolean millis) {
        String field = "status.allocatable." + resource;
        Quantity q = get(status.getAllocatable(), resource);
        if (q == null) {
            field = "status.capacity." + resource;
            q = get(status.getCapacity(), resource);
        }
        if (q == null) {
            return 0;
        }
        return millis ? ctx.millis(field, q) : ctx.units(field, q);
    }

    private static Quantity get(Map<String, Quantity> map, String key) {
        return map == null ? null : map.get(key);
    }

    private static boolean ready(NodeStatus status) {
        if (status == null || status.getConditions() == null) {
            return false;
        }
        for (NodeCondition c : status.getConditions()) {
            if ("Ready".equals(c.getType())) {
                return "True".equals(c.getStatus());
            }
        }
        return false;
    }

    private static boolean orDefault(Boolean value, boolean fallback) {
        return value == null ? fallback : value;
    }

    private static int orDefault(Integer value, int fallback) {
        return value == null ? fallback : value;
    }
}
