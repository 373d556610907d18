package com.vpsie.autoscaler.testing;

import com.vpsie.autoscaler.model.ClusterSnapshot;
import com.vpsie.autoscaler.model.DaemonSetInfo;
import com.vpsie.autoscaler.model.NodeGroupInfo;
import com.vpsie.autoscaler.model.NodeInfo;
import com.vpsie.autoscaler.model.Offering;
import com.vpsie.autoscaler.model.PdbInfo;
import com.vpsie.autoscaler.model.PodInfo;
import com.vpsie.autoscaler.model.Quantities;
import com.vpsie.autoscaler.model.Resources;
import java.util.ArrayList;
import java.util.List;

/** Collects test objects into a ClusterSnapshot. */
public final class Snapshots {

    private final List<NodeInfo> nodes = new ArrayList<>();
    private final List<PodInfo> pods = new ArrayList<>();
    private final List<PdbInfo> pdbs = new ArrayList<>();
    private final List<NodeGroupInfo> groups = new ArrayList<>();
    private final List<Offering> offerings = new ArrayList<>();
    private final List<DaemonSetInfo> daemonSets = new ArrayList<>();

    public static Snapshots cluster() {
        return new Snapshots();
    }

    public Snapshots node(NodeBuilder b) {
        nodes.add(b.build());
        return this;
    }

    public Snapshots pod(PodBuilder b) {
        pods.add(b.build());
        return this;
    }

    public Snapshots pdb(PdbInfo pdb) {
        pdbs.add(pdb);
        return this;
    }

    public Snapshots group(GroupBuilder b) {
        groups.add(b.build());
        return this;
    }

    public Snapshots offering(String id, String cpu, String memory, double price) {
        offerings.add(new Offering(id, new Resources(Quantities.parseMillis(cpu), Quantities.parseUnits(memory), 0, 110),
                price));
        return this;
    }

    /** A DaemonSet "namespace/name" whose pods look like {@code template} (its name and node are ignored). */
    public Snapshots daemonSet(String key, PodBuilder template) {
        int slash = key.indexOf('/');
        daemonSets.add(new DaemonSetInfo(key.substring(0, slash), key.substring(slash + 1), template.build()));
        return this;
    }

    public ClusterSnapshot build() {
        return new ClusterSnapshot(nodes, pods, pdbs, groups, offerings, daemonSets);
    }
}
