package com.vpsie.autoscaler.controller;

import com.vpsie.autoscaler.model.WellKnown;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinity;
import io.fabric8.kubernetes.api.model.PodAntiAffinity;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The form in which the informer caches hold Nodes and PodDisruptionBudgets (pods: {@link CachedPod}),
 * trimmed to what the controller reads. At 30,000 pods the heap is mostly cached pods, and most of a pod as
 * the API server sends it (managed fields, env, probes, container statuses, last-applied annotations)
 * is read by nobody here. A test converts full and trimmed objects and checks the decision core sees
 * the same thing; a field the converters start to read must be kept here too.
 */
public final class CachedForm {

    /** Pod annotations the decision core reads; every other annotation is dropped. */
    static final Set<String> POD_ANNOTATIONS = Set.of(
            WellKnown.SAFE_TO_EVICT_ANNOTATION,
            WellKnown.SAFE_TO_EVICT_LOCAL_VOLUMES_ANNOTATION,
            WellKnown.DO_NOT_DISRUPT_ANNOTATION,
            WellKnown.MIRROR_POD_ANNOTATION);

    /** Large and never read: the client-side-apply copy of the whole object. */
    static final String LAST_APPLIED_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration";

    private CachedForm() {
    }

    /**
     * Metadata, scheduling constraints, requests, host ports, volume kinds, phase and the PodScheduled condition.
     * The pod cache holds {@link CachedPod}s, smaller still; this form is what {@code bench --scenario cache-heap}
     * measures them against, and what a consumer that needs a fabric8 Pod would cache.
     */
    public static Pod pod(Pod pod) {
        ObjectMeta meta = pod.getMetadata();
        PodSpec spec = pod.getSpec();
        return new PodBuilder()
                .withApiVersion(pod.getApiVersion())
                .withKind(pod.getKind())
                .withMetadata(meta == null ? null : podMeta(meta))
                .withSpec(spec == null ? null : podSpec(spec))
                .withStatus(pod.getStatus() == null ? null : podStatus(pod.getStatus()))
                .build();
    }

    /** Everything but managed fields, the image list and the last-applied annotation; nodes are few, so trimming stops there. */
    public static Node node(Node node) {
        NodeBuilder b = new NodeBuilder(node);
        if (node.getMetadata() != null) {
            b.editMetadata().withManagedFields((List<io.fabric8.kubernetes.api.model.ManagedFieldsEntry>) null)
                    .withAnnotations(withoutLastApplied(node.getMetadata().getAnnotations())).endMetadata();
        }
        if (node.getStatus() != null) {
            b.editStatus().withImages((List<io.fabric8.kubernetes.api.model.ContainerImage>) null).endStatus();
        }
        return b.build();
    }

    /** Everything but managed fields and the last-applied annotation. */
    public static PodDisruptionBudget pdb(PodDisruptionBudget pdb) {
        PodDisruptionBudgetBuilder b = new PodDisruptionBudgetBuilder(pdb);
        if (pdb.getMetadata() != null) {
            b.editMetadata().withManagedFields((List<io.fabric8.kubernetes.api.model.ManagedFieldsEntry>) null)
                    .withAnnotations(withoutLastApplied(pdb.getMetadata().getAnnotations())).endMetadata();
        }
        return b.build();
    }

    private static ObjectMeta podMeta(ObjectMeta meta) {
        List<OwnerReference> controllers = null;
        if (meta.getOwnerReferences() != null) {
            for (OwnerReference o : meta.getOwnerReferences()) {
                if (Boolean.TRUE.equals(o.getController())) {
                    controllers = controllers == null ? new ArrayList<>(1) : controllers;
                    controllers.add(o);
                }
            }
        }
        return new ObjectMetaBuilder()
                .withName(meta.getName())
                .withNamespace(meta.getNamespace())
                .withUid(meta.getUid())
                .withResourceVersion(meta.getResourceVersion())
                .withCreationTimestamp(meta.getCreationTimestamp())
                .withDeletionTimestamp(meta.getDeletionTimestamp())
                .withLabels(meta.getLabels())
                .withAnnotations(onlyRead(meta.getAnnotations()))
                .withOwnerReferences(controllers)
                .build();
    }

    private static PodSpec podSpec(PodSpec spec) {
        boolean hostNetwork = Boolean.TRUE.equals(spec.getHostNetwork());
        return new PodSpecBuilder()
                .withNodeName(spec.getNodeName())
                .withPriority(spec.getPriority())
                .withPriorityClassName(spec.getPriorityClassName())
                .withNodeSelector(spec.getNodeSelector())
                .withAffinity(requiredAffinity(spec.getAffinity()))
                .withTolerations(spec.getTolerations())
                .withTopologySpreadConstraints(hardSpread(spec.getTopologySpreadConstraints()))
                .withHostNetwork(spec.getHostNetwork())
                .withTerminationGracePeriodSeconds(spec.getTerminationGracePeriodSeconds())
                .withOverhead(spec.getOverhead())
                .withResources(spec.getResources())
                .withContainers(containers(spec.getContainers(), hostNetwork))
                .withInitContainers(containers(spec.getInitContainers(), hostNetwork))
                .withVolumes(volumes(spec.getVolumes()))
                .build();
    }

    /** Requests and limits, host ports, and an init container's restart policy (a sidecar's requests add up). */
    private static List<Container> containers(List<Container> containers, boolean hostNetwork) {
        if (containers == null) {
            return null;
        }
        List<Container> result = new ArrayList<>(containers.size());
        for (Container c : containers) {
            List<ContainerPort> ports = null;
            if (c.getPorts() != null) {
                for (ContainerPort p : c.getPorts()) {
                    if (hostNetwork || (p.getHostPort() != null && p.getHostPort() > 0)) {
                        ports = ports == null ? new ArrayList<>(1) : ports;
                        ports.add(p);
                    }
                }
            }
            result.add(new ContainerBuilder()
                    .withName(c.getName())
                    .withResources(c.getResources())
                    .withRestartPolicy(c.getRestartPolicy())
                    .withPorts(ports)
                    .build());
        }
        return result;
    }

    /** Name and kind only: host path, emptyDir with its medium, or something else. */
    private static List<Volume> volumes(List<Volume> volumes) {
        if (volumes == null) {
            return null;
        }
        List<Volume> result = new ArrayList<>(volumes.size());
        for (Volume v : volumes) {
            result.add(new VolumeBuilder().withName(v.getName()).withHostPath(v.getHostPath())
                    .withEmptyDir(v.getEmptyDir()).build());
        }
        return result;
    }

    /** Only required terms constrain a placement; preferred ones are never read. */
    private static Affinity requiredAffinity(Affinity a) {
        if (a == null) {
            return null;
        }
        NodeAffinity node = a.getNodeAffinity() == null
                || a.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null ? null
                : new NodeAffinity(null, a.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution());
        PodAffinity pod = a.getPodAffinity() == null
                || a.getPodAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null ? null
                : new PodAffinity(null, a.getPodAffinity().getRequiredDuringSchedulingIgnoredDuringExecution());
        PodAntiAffinity anti = a.getPodAntiAffinity() == null
                || a.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null ? null
                : new PodAntiAffinity(null, a.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution());
        if (node == null && pod == null && anti == null) {
            return null;
        }
        return new AffinityBuilder().withNodeAffinity(node).withPodAffinity(pod).withPodAntiAffinity(anti).build();
    }

    /** ScheduleAnyway constraints never block a placement and are never read. */
    private static List<TopologySpreadConstraint> hardSpread(List<TopologySpreadConstraint> constraints) {
        if (constraints == null) {
            return null;
        }
        List<TopologySpreadConstraint> hard = new ArrayList<>();
        for (TopologySpreadConstraint c : constraints) {
            if ("DoNotSchedule".equals(c.getWhenUnsatisfiable())) {
                hard.add(c);
            }
        }
        return hard.isEmpty() ? null : hard;
    }

    private static PodStatus podStatus(PodStatus status) {
        List<PodCondition> scheduled = null;
        if (status.getConditions() != null) {
            for (PodCondition c : status.getConditions()) {
                if ("PodScheduled".equals(c.getType())) {
                    scheduled = List.of(new PodConditionBuilder().withType(c.getType()).withStatus(c.getStatus())
                            .withReason(c.getReason()).build());
                }
            }
        }
        return new PodStatusBuilder().withPhase(status.getPhase()).withConditions(scheduled).build();
    }

    private static Map<String, String> onlyRead(Map<String, String> annotations) {
        if (annotations == null || annotations.isEmpty()) {
            return null;
        }
        Map<String, String> kept = null;
        for (String key : POD_ANNOTATIONS) {
            String value = annotations.get(key);
            if (value != null) {
                kept = kept == null ? new HashMap<>(4) : kept;
                kept.put(key, value);
            }
        }
        return kept;
    }

    private static Map<String, String> withoutLastApplied(Map<String, String> annotations) {
        if (annotations == null || !annotations.containsKey(LAST_APPLIED_ANNOTATION)) {
            return annotations;
        }
        Map<String, String> copy = new HashMap<>(annotations);
        copy.remove(LAST_APPLIED_ANNOTATION);
        return copy;
    }
}
