package com.vpsie.autoscaler.controller;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupValidation;
import com.vpsie.autoscaler.model.ClusterSnapshot;
import com.vpsie.autoscaler.model.NodeGroupInfo;
import com.vpsie.autoscaler.model.NodeInfo;
import com.vpsie.autoscaler.model.Offering;
import com.vpsie.autoscaler.model.PdbInfo;
import com.vpsie.autoscaler.model.PodInfo;
import com.vpsie.autoscaler.provider.CloudProvider;
import com.vpsie.autoscaler.provider.ProviderException;
import com.vpsie.autoscaler.snapshot.ClusterObjectConverter;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.BiPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the immutable {@link ClusterSnapshot} of one pass from the informer caches and the provider's
 * offerings. Invalid NodeGroups are left out (the reconciler reports them); groups that are backed off
 * take part with scale-up turned off, so the expander picks another group.
 */
public final class SnapshotFactory {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotFactory.class);

    private final ClusterCache cache;
    private final CloudProvider provider;
    /** Last offerings that could be listed, per datacenter: a passing API error does not stop planning. */
    private final Map<String, List<Offering>> lastOfferings = new HashMap<>();

    public SnapshotFactory(ClusterCache cache, CloudProvider provider) {
        this.cache = cache;
        this.provider = provider;
    }

    /** {@code backedOff} tells whether a group (by name) may not scale up now. */
    public ClusterSnapshot build(Instant now, BiPredicate<String, Instant> backedOff) {
        List<NodeGroupInfo> groups = new ArrayList<>();
        TreeSet<String> datacenters = new TreeSet<>();
        Map<String, NodeGroupInfo> byName = new LinkedHashMap<>();
        for (NodeGroup g : cache.nodeGroups()) {
            if (!NodeGroupValidation.validate(g).isEmpty()) {
                continue;
            }
            NodeGroupInfo info = ClusterObjectConverter.toNodeGroupInfo(g);
            if (byName.containsKey(info.name())) {
                LOG.warn("two NodeGroups are named {}; nodes name their group by label alone, so both are ignored",
                        info.name());
                byName.put(info.name(), null);
                continue;
            }
            if (backedOff.test(info.name(), now)) {
                info = withoutScaleUp(info);
            }
            byName.put(info.name(), info);
            datacenters.add(g.getSpec().getDatacenterID());
        }
        byName.values().stream().filter(i -> i != null).forEach(groups::add);

        List<NodeInfo> nodes = new ArrayList<>();
        for (Node n : cache.nodes()) {
            nodes.add(ClusterObjectConverter.toNodeInfo(n));
        }
        List<PodInfo> pods = new ArrayList<>();
        for (Pod p : cache.pods()) {
            try {
                pods.add(ClusterObjectConverter.toPodInfo(p));
            } catch (RuntimeException e) {
                LOG.warn("pod {}/{} left out of planning: {}", p.getMetadata().getNamespace(), p.getMetadata().getName(),
                        e.getMessage());
            }
        }
        List<PdbInfo> pdbs = new ArrayList<>();
        for (PodDisruptionBudget b : cache.pdbs()) {
            pdbs.add(ClusterObjectConverter.toPdbInfo(b));
        }
        List<Offering> offerings = new ArrayList<>();
        for (String dc : datacenters) {
            offerings.addAll(offerings(dc));
        }
        return new ClusterSnapshot(nodes, pods, pdbs, groups, offerings);
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

    private static NodeGroupInfo withoutScaleUp(NodeGroupInfo g) {
        return new NodeGroupInfo(g.namespace(), g.name(), g.minNodes(), g.maxNodes(), g.desiredNodes(), g.offeringIds(),
                g.preferredOffering(), g.allowMixedOfferings(), g.labels(), g.taints(), false, g.scaleDownPolicy());
    }
}
