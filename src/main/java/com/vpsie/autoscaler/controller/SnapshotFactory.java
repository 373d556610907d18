package com.vpsie.autoscaler.controller;

import com.vpsie.autoscaler.api.v1alpha1.FieldError;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupValidation;
import com.vpsie.autoscaler.model.ClusterSnapshot;
import com.vpsie.autoscaler.model.DaemonSetInfo;
import com.vpsie.autoscaler.model.NodeGroupInfo;
import com.vpsie.autoscaler.model.NodeInfo;
import com.vpsie.autoscaler.model.NodeUsage;
import com.vpsie.autoscaler.model.Offering;
import com.vpsie.autoscaler.model.PdbInfo;
import com.vpsie.autoscaler.model.PodInfo;
import com.vpsie.autoscaler.provider.CloudProvider;
import com.vpsie.autoscaler.provider.ProviderException;
import com.vpsie.autoscaler.snapshot.ClusterObjectConverter;
import com.vpsie.autoscaler.utilization.UtilizationSample;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the immutable {@link ClusterSnapshot} of one pass from the informer caches and the provider's
 * offerings. Invalid NodeGroups are left out (the reconciler reports them); groups that are backed off
 * take part with scale-up turned off, so the expander picks another group. Each node carries copies of its
 * measured usage samples, so the planner and a drain's re-check judge usage from the same figures.
 */
public final class SnapshotFactory {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotFactory.class);

    private final ClusterCache cache;
    private final CloudProvider provider;
    /** Last offerings that could be listed, per datacenter: a passing API error does not stop planning. */
    private final Map<String, List<Offering>> lastOfferings = new HashMap<>();

    /** Sizes refused for lack of capacity, or null: the planner then sees every offering as available. */
    private final UnavailableOfferings unavailable;

    private final Function<String, List<UtilizationSample>> usage;

    public SnapshotFactory(ClusterCache cache, CloudProvider provider) {
        this(cache, provider, null, node -> List.of());
    }

    /**
     * @param unavailable sizes refused for lack of capacity, or null
     * @param usage a node's measured usage samples (copies), oldest first
     */
    public SnapshotFactory(ClusterCache cache, CloudProvider provider, UnavailableOfferings unavailable,
                           Function<String, List<UtilizationSample>> usage) {
        this.cache = cache;
        this.provider = provider;
        this.unavailable = unavailable;
        this.usage = usage;
    }

    /** {@code backedOff} tells whether a group (by "namespace/name") may not scale up now. */
    public ClusterSnapshot build(Instant now, BiPredicate<String, Instant> backedOff) {
        TreeSet<String> datacenters = new TreeSet<>();
        for (NodeGroup g : cache.nodeGroups()) {
            if (g.getSpec() != null && g.getSpec().getDatacenterID() != null) {
                datacenters.add(g.getSpec().getDatacenterID());
            }
        }
        List<Offering> offerings = new ArrayList<>();
        for (String dc : datacenters) {
            offerings.addAll(offerings(dc));
        }
        ClusterSnapshot snapshot = assemble(cache.nodeGroups(), cache.nodes(), cache.pods(), cache.pdbs(),
                cache.daemonSets(), offerings, name -> backedOff.test(name, now), LOG::warn);
        if (unavailable != null) {
            snapshot = snapshot.withUnavailableOfferings(unavailableByGroup(snapshot, now));
        }
        return withUsage(snapshot);
    }

    /** Per group in the snapshot, its offerings refused in its datacenter for lack of capacity and until when. */
    private Map<String, Map<String, Instant>> unavailableByGroup(ClusterSnapshot snapshot, Instant now) {
        Map<String, Map<String, Instant>> byGroup = new HashMap<>();
        for (NodeGroup g : cache.nodeGroups()) {
            NodeGroupInfo info = snapshot.nodeGroups().get(g.getMetadata().getName());
            if (info == null || g.getSpec() == null || !info.namespace().equals(g.getMetadata().getNamespace())) {
                continue; // left out of the snapshot, or a same-named group of another namespace
            }
            Map<String, Instant> refused = unavailable.unavailableOf(g.getSpec().getDatacenterID(), info.offeringIds(),
                    now);
            if (!refused.isEmpty()) {
                byGroup.put(info.name(), refused);
            }
        }
        return byGroup;
    }

    /** The snapshot with each node's measured usage samples, for groups that judge by usage. */
    private ClusterSnapshot withUsage(ClusterSnapshot snapshot) {
        Map<String, NodeUsage> measured = new HashMap<>();
        for (NodeInfo node : snapshot.nodes()) {
            List<UtilizationSample> samples = usage.apply(node.name());
            if (!samples.isEmpty()) {
                measured.put(node.name(), new NodeUsage(samples.stream()
                        .map(u -> new NodeUsage.Sample(u.time(), u.cpuFraction(), u.memoryFraction())).toList()));
            }
        }
        return snapshot.withUsage(measured);
    }

    /**
     * The snapshot of these objects: invalid NodeGroups and same-named ones are left out, groups that
     * {@code scaleUpHeld} names (by "namespace/name") take part without scale-up, and objects that cannot be converted are
     * left out with a warning. Shared by the controller (informer caches) and {@code plan} (a live list).
     */
    public static ClusterSnapshot assemble(List<NodeGroup> nodeGroups, List<Node> nodeList, List<Pod> podList,
                                           List<PodDisruptionBudget> pdbList, List<DaemonSet> daemonSetList,
                                           List<Offering> offerings,
                                           Predicate<String> scaleUpHeld, Consumer<String> warn) {
        Map<String, NodeGroupInfo> byName = new LinkedHashMap<>();
        for (NodeGroup g : nodeGroups) {
            String key = Controller.key(g);
            List<FieldError> problems = NodeGroupValidation.validate(g);
            if (!problems.isEmpty()) {
                warn.accept("NodeGroup " + key + " left out, it is invalid: " + problems.get(0));
                continue;
            }
            NodeGroupInfo info = ClusterObjectConverter.toNodeGroupInfo(g);
            if (byName.containsKey(info.name())) {
                warn.accept("two NodeGroups are named " + info.name()
                        + "; nodes name their group by label alone, so both are left out");
                byName.put(info.name(), null);
                continue;
            }
            byName.put(info.name(), scaleUpHeld.test(key) ? withoutScaleUp(info) : info);
        }
        List<NodeGroupInfo> groups = new ArrayList<>();
        byName.values().stream().filter(i -> i != null).forEach(groups::add);
        // Nodes a group released from its desired size (a Deleting entry in its status) are on their way out: the
        // planner must count them neither in the group's size nor as the nodes it is waiting for.
        Set<String> released = new HashSet<>();
        for (NodeGroup g : nodeGroups) {
            if (g.getStatus() != null && g.getStatus().getNodes() != null) {
                g.getStatus().getNodes().stream().filter(e -> NodeGroupReconciler.DELETING.equals(e.getStatus()))
                        .forEach(e -> released.add(g.getMetadata().getName() + "/" + e.getNodeName()));
            }
        }
        List<NodeInfo> nodes = new ArrayList<>();
        for (Node n : nodeList) {
            convert(() -> nodes.add(releasedAsDeleting(ClusterObjectConverter.toNodeInfo(n), released)),
                    "node " + n.getMetadata().getName(), warn);
        }
        List<PodInfo> pods = new ArrayList<>();
        for (Pod p : podList) {
            String what = "pod " + p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
            if (p instanceof CachedPod cached) {
                // Converted when the informer cached it; a pod that failed then is left out the same way.
                if (cached.info() != null) {
                    pods.add(cached.info());
                } else {
                    warn.accept(what + " left out of planning: " + cached.problem());
                }
                continue;
            }
            convert(() -> pods.add(ClusterObjectConverter.toPodInfo(p)), what, warn);
        }
        List<PdbInfo> pdbs = new ArrayList<>();
        for (PodDisruptionBudget b : pdbList) {
            convert(() -> pdbs.add(ClusterObjectConverter.toPdbInfo(b)),
                    "PodDisruptionBudget " + b.getMetadata().getNamespace() + "/" + b.getMetadata().getName(), warn);
        }
        List<DaemonSetInfo> daemonSets = new ArrayList<>();
        for (DaemonSet d : daemonSetList) {
            convert(() -> daemonSets.add(ClusterObjectConverter.toDaemonSetInfo(d)),
                    "DaemonSet " + d.getMetadata().getNamespace() + "/" + d.getMetadata().getName(), warn);
        }
        return new ClusterSnapshot(nodes, pods, pdbs, groups, offerings, daemonSets);
    }

    private static void convert(Runnable conversion, String what, Consumer<String> warn) {
        try {
            conversion.run();
        } catch (RuntimeException e) {
            warn.accept(what + " left out of planning: " + e.getMessage());
        }
    }

    private List<Offering> offerings(String datacenter) {
        try {
            List<Offering> listed = provider.listOfferings(datacenter);
            synchronized (lastOfferings) {
                lastOfferings.put(datacenter, listed);
            }
            return listed;
        } catch (ProviderException e) {
            LOG.warn("cannot list offerings of datacenter {}, planning with the last known ones: {}", datacenter,
                    e.getMessage());
            synchronized (lastOfferings) {
                return lastOfferings.getOrDefault(datacenter, List.of());
            }
        }
    }

    private static NodeInfo releasedAsDeleting(NodeInfo n, Set<String> released) {
        if (n.deleting() || !released.contains(n.nodeGroup() + "/" + n.name())) {
            return n;
        }
        return new NodeInfo(n.name(), n.labels(), n.annotations(), n.taints(), n.allocatable(), n.ready(),
                n.unschedulable(), n.creationTimestamp(), n.providerId(), true);
    }

    private static NodeGroupInfo withoutScaleUp(NodeGroupInfo g) {
        return new NodeGroupInfo(g.namespace(), g.name(), g.minNodes(), g.maxNodes(), g.desiredNodes(), g.offeringIds(),
                g.preferredOffering(), g.allowMixedOfferings(), g.labels(), g.taints(), false, g.scaleDownPolicy(),
                g.upcomingOfferings(), g.deleting());
    }
}
