package com.vpsie.autoscaler.plan;

import static com.vpsie.autoscaler.testing.GroupBuilder.group;
import static com.vpsie.autoscaler.testing.NodeBuilder.node;
import static com.vpsie.autoscaler.testing.PodBuilder.pending;
import static com.vpsie.autoscaler.testing.PodBuilder.pod;
import static org.assertj.core.api.Assertions.assertThat;

import com.vpsie.autoscaler.model.ClusterSnapshot;
import com.vpsie.autoscaler.model.LabelSelector;
import com.vpsie.autoscaler.model.NodeGroupInfo;
import com.vpsie.autoscaler.model.PdbInfo;
import com.vpsie.autoscaler.model.PodInfo;
import com.vpsie.autoscaler.model.WellKnown;
import com.vpsie.autoscaler.scaledown.DrainRules;
import com.vpsie.autoscaler.testing.PodBuilder;
import com.vpsie.autoscaler.testing.Snapshots;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** Invariants every plan keeps, over randomly generated clusters. */
class PlanInvariantsProperties {

    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
    private static final String[] APPS = {"a", "b", "c", "d"};

    @Property(tries = 400)
    void noPlanSpendsMorePdbBudgetThanAPdbAllows(@ForAll long seed) {
        ClusterSnapshot snapshot = randomCluster(new Random(seed));
        Plan plan = AutoscalingPlanner.plan(snapshot, NOW, PlannerSettings.defaults());

        Set<String> removed = plan.scaleDown().stream().map(Plan.ScaleDown::node).collect(Collectors.toSet());
        for (PdbInfo pdb : snapshot.pdbs()) {
            long evicted = snapshot.pods().stream()
                    .filter(p -> p.nodeName() != null && removed.contains(p.nodeName()))
                    .filter(pdb::covers)
                    .filter(p -> DrainRules.decide(p, true, DrainRules.Policy.of(PlannerSettings.defaults(), NOW)).needsPlace())
                    .count();
            assertThat(evicted).as("evictions under PDB %s (allows %d) in plan %s", pdb.key(),
                    pdb.disruptionsAllowed(), plan).isLessThanOrEqualTo(pdb.disruptionsAllowed());
        }
    }

    @Property(tries = 400)
    void everyNodeIsAccountedForOnceAndNoGroupShrinksBelowItsMinimum(@ForAll long seed) {
        ClusterSnapshot snapshot = randomCluster(new Random(seed));
        Plan plan = AutoscalingPlanner.plan(snapshot, NOW, PlannerSettings.defaults());

        List<String> listed = new ArrayList<>();
        plan.scaleDown().forEach(d -> listed.add(d.node()));
        plan.unremovable().forEach(u -> listed.add(u.node()));
        assertThat(listed).containsExactlyInAnyOrderElementsOf(
                snapshot.nodes().stream().map(n -> n.name()).collect(Collectors.toList()));

        Map<String, Long> removedPerGroup = plan.scaleDown().stream()
                .collect(Collectors.groupingBy(Plan.ScaleDown::nodeGroup, Collectors.counting()));
        for (NodeGroupInfo g : snapshot.nodeGroups().values()) {
            int size = Math.max(g.desiredNodes(), snapshot.nodesOf(g.name()).size());
            // a group already below its minimum (the reconciler's to fix) loses nothing
            assertThat(removedPerGroup.getOrDefault(g.name(), 0L)).isLessThanOrEqualTo(Math.max(0, size - g.minNodes()));
        }
        for (Plan.ScaleUp up : plan.scaleUp()) {
            NodeGroupInfo g = snapshot.nodeGroups().get(up.nodeGroup());
            int size = Math.max(g.desiredNodes(), snapshot.nodesOf(g.name()).size());
            assertThat(size + up.count()).isLessThanOrEqualTo(g.maxNodes());
        }
    }

    @Property(tries = 200)
    void aPlanIsAFunctionOfItsInputs(@ForAll long seed) {
        ClusterSnapshot snapshot = randomCluster(new Random(seed));
        assertThat(AutoscalingPlanner.plan(snapshot, NOW, PlannerSettings.defaults()))
                .isEqualTo(AutoscalingPlanner.plan(snapshot, NOW, PlannerSettings.defaults()));
    }

    static ClusterSnapshot randomCluster(Random r) {
        Snapshots s = Snapshots.cluster().offering("small", "2", "4Gi", 0.02).offering("large", "8", "16Gi", 0.07);
        int groups = 1 + r.nextInt(2);
        Map<String, Integer> nodesPerGroup = new HashMap<>();
        for (int g = 0; g < groups; g++) {
            int nodes = 1 + r.nextInt(6);
            nodesPerGroup.put("g" + g, nodes);
            s.group(group("g" + g).min(r.nextInt(3)).max(nodes + r.nextInt(4)).desired(r.nextInt(nodes + 2))
                    .offerings(r.nextBoolean() ? "small" : "large"));
        }
        int podIndex = 0;
        for (Map.Entry<String, Integer> e : nodesPerGroup.entrySet()) {
            for (int n = 0; n < e.getValue(); n++) {
                String nodeName = e.getKey() + "-n" + n;
                s.node(node(nodeName).group(e.getKey()).cpu("4").memory("8Gi"));
                int pods = r.nextInt(5);
                for (int p = 0; p < pods; p++) {
                    PodBuilder pod = pod("default/p" + podIndex++).cpu((100 + r.nextInt(1500)) + "m")
                            .memory((64 + r.nextInt(2048)) + "Mi").label("app", APPS[r.nextInt(APPS.length)])
                            .replicaSet("rs").on(nodeName);
                    if (r.nextInt(10) == 0) {
                        pod.daemonSet("ds");
                    }
                    if (r.nextInt(15) == 0) {
                        pod.annotation(WellKnown.SAFE_TO_EVICT_ANNOTATION, "true").noOwner();
                    }
                    s.pod(pod);
                }
            }
        }
        int pendingPods = r.nextInt(4);
        for (int p = 0; p < pendingPods; p++) {
            s.pod(pending("default/pending" + p).cpu((100 + r.nextInt(3000)) + "m").label("app", "a"));
        }
        for (String app : APPS) {
            if (r.nextBoolean()) {
                s.pdb(new PdbInfo("default", "pdb-" + app, LabelSelector.of(Map.of("app", app)), r.nextInt(3)));
            }
        }
        return s.build();
    }

}
