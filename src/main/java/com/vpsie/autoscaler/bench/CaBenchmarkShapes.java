package com.vpsie.autoscaler.bench;

import com.vpsie.autoscaler.model.ClusterSnapshot;
import com.vpsie.autoscaler.model.NodeGroupInfo;
import com.vpsie.autoscaler.model.NodeInfo;
import com.vpsie.autoscaler.model.Offering;
import com.vpsie.autoscaler.model.OwnerRef;
import com.vpsie.autoscaler.model.PdbInfo;
import com.vpsie.autoscaler.model.PodInfo;
import com.vpsie.autoscaler.model.PodVolume;
import com.vpsie.autoscaler.model.Resources;
import com.vpsie.autoscaler.model.ScaleDownPolicy;
import com.vpsie.autoscaler.model.VolumeKind;
import com.vpsie.autoscaler.model.WellKnown;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The two shapes cluster-autoscaler times its RunOnce loop on, so the figures can sit beside theirs:
 * a scale-up of 1,000 nodes for 50,000 pending pods, and a scale-down of 2,000 nodes of 40 pods each,
 * 1,200 of them removable. One NodeGroup, one offering, identical pods: what is timed is the loop, not
 * the variety (that is {@link SyntheticCluster}'s job).
 */
public final class CaBenchmarkShapes {

    private static final long MI = 1024L * 1024;
    private static final long GI = 1024 * MI;
    private static final String NAMESPACE = "vpsie-system";
    private static final Instant NOW = SyntheticCluster.NOW;
    /** 16 vCPU, 64 GiB, 50 pods: a new node takes exactly 50 of the pending pods, by pod count. */
    private static final Offering OFFERING = new Offering("standard-16", new Resources(16000, 64 * GI, 0, 50), 0.40);

    private CaBenchmarkShapes() {
    }

    /** 10 full nodes and 50,000 pending pods that need 1,000 new nodes (50 pods each, by pod count). */
    public static ClusterSnapshot scaleUp() {
        int existing = 10;
        int pending = 50_000;
        NodeGroupInfo group = group(existing, existing + 2000);
        List<NodeInfo> nodes = new ArrayList<>();
        List<PodInfo> pods = new ArrayList<>();
        Resources small = new Resources(100, 256 * MI, 0, 1);
        for (int n = 0; n < existing; n++) {
            String node = nodeName(n);
            nodes.add(node(group, n, OFFERING.resources()));
            for (int i = 0; i < 50; i++) {
                pods.add(pod("placed", n * 50 + i, node, small));
            }
        }
        for (int i = 0; i < pending; i++) {
            pods.add(pod("pending", i, null, small));
        }
        return new ClusterSnapshot(nodes, pods, List.<PdbInfo>of(), List.of(group), List.of(OFFERING));
    }

    /**
     * 2,000 nodes of 40 pods: 800 busy ones (about 70% of CPU requested) and 1,200 nearly idle ones whose
     * pods fit into the busy nodes' room, so all 1,200 are removable.
     */
    public static ClusterSnapshot scaleDown() {
        int busy = 800;
        int idle = 1200;
        int podsPerNode = 40;
        NodeGroupInfo group = group(busy + idle, busy + idle);
        Resources allocatable = OFFERING.resources().withPods(110);
        List<NodeInfo> nodes = new ArrayList<>();
        List<PodInfo> pods = new ArrayList<>();
        Resources heavy = new Resources(280, 1200 * MI, 0, 1);
        Resources light = new Resources(10, 32 * MI, 0, 1);
        int podIndex = 0;
        for (int n = 0; n < busy + idle; n++) {
            nodes.add(node(group, n, allocatable));
            for (int i = 0; i < podsPerNode; i++) {
                pods.add(pod("app", podIndex++, nodeName(n), n < busy ? heavy : light));
            }
        }
        return new ClusterSnapshot(nodes, pods, List.<PdbInfo>of(), List.of(group), List.of(OFFERING));
    }

    private static NodeGroupInfo group(int desired, int max) {
        return new NodeGroupInfo(NAMESPACE, "bench", 0, max, desired, List.of(OFFERING.id()), OFFERING.id(), false,
                Map.of("pool", "bench"), List.of(), true, ScaleDownPolicy.DEFAULT);
    }

    private static String nodeName(int n) {
        return String.format(Locale.ROOT, "node-%05d", n);
    }

    private static NodeInfo node(NodeGroupInfo group, int n, Resources allocatable) {
        Map<String, String> labels = new LinkedHashMap<>(group.labels());
        labels.put(WellKnown.NODEGROUP_LABEL, group.name());
        labels.put(WellKnown.HOSTNAME_LABEL, nodeName(n));
        labels.put(WellKnown.OFFERING_LABEL, OFFERING.id());
        return new NodeInfo(nodeName(n), labels, Map.of(), List.of(), allocatable, true, false,
                NOW.minusSeconds(86_400), "vpsie://" + (100_000 + n), false);
    }

    private static PodInfo pod(String app, int i, String node, Resources requests) {
        String rs = app + "-" + (i / 100);
        return new PodInfo("default", rs + "-" + i, Map.of("app", rs), Map.of(), node,
                node == null ? "Pending" : "Running", 0, null, requests, Map.of(), List.of(), List.of(), List.of(),
                List.of(), List.of(), List.of(), new OwnerRef("ReplicaSet", rs),
                List.of(new PodVolume("kube-api-access", VolumeKind.OTHER)), node == null,
                NOW.minusSeconds(node == null ? 30 : 3600), 30, false);
    }
}
