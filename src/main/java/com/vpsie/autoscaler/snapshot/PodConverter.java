package com.vpsie.autoscaler.snapshot;

import com.vpsie.autoscaler.model.HostPort;
import com.vpsie.autoscaler.model.LabelSelector;
import com.vpsie.autoscaler.model.NodeSelectorTerm;
import com.vpsie.autoscaler.model.OwnerRef;
import com.vpsie.autoscaler.model.PodAffinityTerm;
import com.vpsie.autoscaler.model.PodInfo;
import com.vpsie.autoscaler.model.PodVolume;
import com.vpsie.autoscaler.model.TaintEffect;
import com.vpsie.autoscaler.model.Toleration;
import com.vpsie.autoscaler.model.TopologySpreadConstraint;
import com.vpsie.autoscaler.model.VolumeKind;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Pod → PodInfo; reads the pod only. */
final class PodConverter {

    static final long DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30;

    private PodConverter() {
    }

    static PodInfo convert(Pod pod) {
        ConversionContext ctx = ConversionContext.of("Pod", pod);
        ObjectMeta meta = pod.getMetadata() == null ? new ObjectMeta() : pod.getMetadata();
        PodSpec spec = pod.getSpec() == null ? new PodSpec() : pod.getSpec();
        PodStatus status = pod.getStatus();
        Map<String, String> labels = ctx.stringMap("metadata.labels", meta.getLabels());
        Affinity affinity = spec.getAffinity();
        return new PodInfo(
                meta.getNamespace(),
                meta.getName(),
                labels,
                ctx.stringMap("metadata.annotations", meta.getAnnotations()),
                emptyToNull(spec.getNodeName()),
                status == null ? null : status.getPhase(),
                spec.getPriority() == null ? 0 : spec.getPriority(),
                emptyToNull(spec.getPriorityClassName()),
                PodRequests.effective(ctx, spec),
                ctx.stringMap("spec.nodeSelector", spec.getNodeSelector()),
                requiredNodeAffinity(ctx, affinity),
                tolerations(ctx, spec.getTolerations()),
                hostPorts(spec),
                affinity == null || affinity.getPodAffinity() == null ? List.of()
                        : podAffinityTerms(ctx, "spec.affinity.podAffinity", labels,
                                affinity.getPodAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()),
                affinity == null || affinity.getPodAntiAffinity() == null ? List.of()
                        : podAffinityTerms(ctx, "spec.affinity.podAntiAffinity", labels,
                                affinity.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()),
                topologySpread(ctx, labels, spec.getTopologySpreadConstraints()),
                controller(meta.getOwnerReferences()),
                volumes(spec.getVolumes()),
                unschedulable(status),
                ctx.timestamp("metadata.creationTimestamp", meta.getCreationTimestamp()),
                spec.getTerminationGracePeriodSeconds() == null ? DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS
                        : spec.getTerminationGracePeriodSeconds(),
                meta.getDeletionTimestamp() != null);
    }

    private static List<NodeSelectorTerm> requiredNodeAffinity(ConversionContext ctx, Affinity affinity) {
        if (affinity == null || affinity.getNodeAffinity() == null
                || affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
            return List.of();
        }
        return SelectorConverter.nodeSelectorTerms(ctx,
                "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms",
                affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms());
    }

    private static List<Toleration> tolerations(ConversionContext ctx, List<io.fabric8.kubernetes.api.model.Toleration> list) {
        List<Toleration> result = new ArrayList<>();
        if (list == null) {
            return result;
        }
        for (int i = 0; i < list.size(); i++) {
            io.fabric8.kubernetes.api.model.Toleration t = list.get(i);
            String path = "spec.tolerations[" + i + "]";
            Toleration.Operator operator;
            if (t.getOperator() == null || t.getOperator().isEmpty() || t.getOperator().equals("Equal")) {
                operator = Toleration.Operator.EQUAL;
            } else if (t.getOperator().equals("Exists")) {
                operator = Toleration.Operator.EXISTS;
            } else {
                throw ctx.fail(path + ".operator", "unknown toleration operator '" + t.getOperator()
                        + "' (Equal or Exists)");
            }
            TaintEffect effect = null;
            if (t.getEffect() != null && !t.getEffect().isEmpty()) {
                effect = ctx.taintEffect(path + ".effect", t.getEffect());
            }
            result.add(new Toleration(emptyToNull(t.getKey()), operator, t.getValue(), effect));
        }
        return result;
    }

    /** Host ports of app and init containers; with hostNetwork the API server defaults hostPort to containerPort. */
    private static List<HostPort> hostPorts(PodSpec spec) {
        List<HostPort> result = new ArrayList<>();
        boolean hostNetwork = Boolean.TRUE.equals(spec.getHostNetwork());
        for (List<Container> containers : List.of(nullToEmpty(spec.getInitContainers()),
                nullToEmpty(spec.getContainers()))) {
            for (Container c : containers) {
                if (c.getPorts() == null) {
                    continue;
                }
                for (ContainerPort p : c.getPorts()) {
                    Integer port = p.getHostPort();
                    if ((port == null || port == 0) && hostNetwork) {
                        port = p.getContainerPort();
                    }
                    if (port != null && port > 0) {
                        result.add(new HostPort(p.getProtocol(), p.getHostIP(), port));
                    }
                }
            }
        }
        return result;
    }

    /**
     * Required pod (anti-)affinity terms. A null labelSelector selects no pod. A namespaceSelector, empty or
     * not, is read as "all namespaces": an empty one means exactly that, and a non-empty one cannot be evaluated
     * without Namespace objects, which a snapshot does not carry. Over-counting keeps anti-affinity safe (no
     * pod is placed beside one that might conflict); affinity may at worst be thought satisfiable by a pod in an
     * unselected namespace, which the real scheduler then corrects.
     */
    private static List<PodAffinityTerm> podAffinityTerms(ConversionContext ctx, String base,
                                                          Map<String, String> podLabels,
                                                          List<io.fabric8.kubernetes.api.model.PodAffinityTerm> terms) {
        List<PodAffinityTerm> result = new ArrayList<>();
        if (terms == null) {
            return result;
        }
        for (int i = 0; i < terms.size(); i++) {
            io.fabric8.kubernetes.api.model.PodAffinityTerm term = terms.get(i);
            String path = base + ".requiredDuringSchedulingIgnoredDuringExecution[" + i + "]";
            LabelSelector selector = SelectorConverter.labelSelector(ctx, path + ".labelSelector",
                    term.getLabelSelector(), LabelSelector.NOTHING);
            selector = SelectorConverter.withLabelKeys(selector, podLabels, term.getMatchLabelKeys(),
                    term.getMismatchLabelKeys());
            if (term.getNamespaceSelector() != null) {
                // Parsed for its error messages only; see the method comment for why it is not evaluated.
                SelectorConverter.labelSelector(ctx, path + ".namespaceSelector", term.getNamespaceSelector(),
                        LabelSelector.NOTHING);
            }
            if (term.getTopologyKey() == null || term.getTopologyKey().isEmpty()) {
                throw ctx.fail(path + ".topologyKey", "required");
            }
            Set<String> namespaces = Set.copyOf(ctx.strings(path + ".namespaces", term.getNamespaces()));
            result.add(new PodAffinityTerm(selector, namespaces, term.getNamespaceSelector() != null,
                    term.getTopologyKey()));
        }
        return result;
    }

    /** Only DoNotSchedule constraints are hard; ScheduleAnyway ones never block a placement. */
    private static List<TopologySpreadConstraint> topologySpread(
            ConversionContext ctx, Map<String, String> podLabels,
            List<io.fabric8.kubernetes.api.model.TopologySpreadConstraint> constraints) {
        List<TopologySpreadConstraint> result = new ArrayList<>();
        if (constraints == null) {
            return result;
        }
        for (int i = 0; i < constraints.size(); i++) {
            io.fabric8.kubernetes.api.model.TopologySpreadConstraint c = constraints.get(i);
            if (!"DoNotSchedule".equals(c.getWhenUnsatisfiable())) {
                continue;
            }
            String path = "spec.topologySpreadConstraints[" + i + "]";
            if (c.getTopologyKey() == null || c.getTopologyKey().isEmpty()) {
                throw ctx.fail(path + ".topologyKey", "required");
            }
            int maxSkew = c.getMaxSkew() == null ? 1 : c.getMaxSkew();
            if (maxSkew < 1) {
                throw ctx.fail(path + ".maxSkew", "must be at least 1 (got " + maxSkew + ")");
            }
            // A constraint without a selector counts no pods, so it can never be violated.
            LabelSelector selector = SelectorConverter.labelSelector(ctx, path + ".labelSelector",
                    c.getLabelSelector(), LabelSelector.NOTHING);
            selector = SelectorConverter.withLabelKeys(selector, podLabels, c.getMatchLabelKeys(), null);
            result.add(new TopologySpreadConstraint(maxSkew, c.getTopologyKey(), selector));
        }
        return result;
    }

    private static OwnerRef controller(List<OwnerReference> owners) {
        if (owners == null) {
            return null;
        }
        for (OwnerReference o : owners) {
            if (Boolean.TRUE.equals(o.getController())) {
                return new OwnerRef(o.getKind(), o.getName());
            }
        }
        return null;
    }

    private static List<PodVolume> volumes(List<Volume> volumes) {
        List<PodVolume> result = new ArrayList<>();
        if (volumes == null) {
            return result;
        }
        for (Volume v : volumes) {
            VolumeKind kind;
            if (v.getHostPath() != null) {
                kind = VolumeKind.HOST_PATH;
            } else if (v.getEmptyDir() != null) {
                kind = "Memory".equals(v.getEmptyDir().getMedium()) ? VolumeKind.EMPTY_DIR_MEMORY
                        : VolumeKind.EMPTY_DIR_DISK;
            } else {
                kind = VolumeKind.OTHER;
            }
            result.add(new PodVolume(v.getName(), kind));
        }
        return result;
    }

    private static boolean unschedulable(PodStatus status) {
        if (status == null || status.getConditions() == null) {
            return false;
        }
        for (PodCondition c : status.getConditions()) {
            if ("PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())
                    && "Unschedulable".equals(c.getReason())) {
                return true;
            }
        }
        return false;
    }

    private static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
