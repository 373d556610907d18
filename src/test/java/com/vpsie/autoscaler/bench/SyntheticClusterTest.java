package com.vpsie.autoscaler.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vpsie.autoscaler.model.ClusterSnapshot;
import com.vpsie.autoscaler.model.NodeGroupInfo;
import com.vpsie.autoscaler.model.NodeInfo;
import com.vpsie.autoscaler.model.PodInfo;
import com.vpsie.autoscaler.model.Resources;
import com.vpsie.autoscaler.model.WellKnown;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SyntheticClusterTest {

    private static final SyntheticCluster.Spec SPEC = new SyntheticCluster.Spec(200, 30, 150, 5, 42);

    @Test
    void sameSeedGivesTheSameSnapshot() {
        ClusterSnapshot a = SyntheticCluster.generate(SPEC);
        ClusterSnapshot b = SyntheticCluster.generate(SPEC);
        assertThat(a.nodes()).isEqualTo(b.nodes());
        assertThat(a.pods()).isEqualTo(b.pods());
        assertThat(a.pdbs()).isEqualTo(b.pdbs());
        assertThat(a.nodeGroups()).isEqualTo(b.nodeGroups());
        assertThat(a.offerings()).isEqualTo(b.offerings());
    }

    @Test
    void otherSeedGivesAnotherSnapshot() {
        ClusterSnapshot a = SyntheticCluster.generate(SPEC);
        ClusterSnapshot b = SyntheticCluster.generate(new SyntheticCluster.Spec(200, 30, 150, 5, 43));
        assertThat(a.pods()).isNotEqualTo(b.pods());
    }

    @Test
    void sizesAreAsAsked() {
        ClusterSnapshot s = SyntheticCluster.generate(SPEC);
        assertThat(s.nodes()).hasSize(200).allMatch(NodeInfo::ready);
        assertThat(s.nodeGroups()).hasSize(5);
        List<PodInfo> pending = s.pods().stream().filter(p -> p.nodeName() == null).toList();
        assertThat(pending).hasSize(150).allMatch(PodInfo::unschedulable).allMatch(p -> p.phase().equals("Pending"));
        List<PodInfo> daemonSet = s.pods().stream().filter(PodInfo::isDaemonSetPod).toList();
        assertThat(daemonSet).hasSize(200);
        assertThat(s.pods()).hasSize(200 * 30 + 200 + 150);
        assertThat(s.nodes().stream().map(NodeInfo::name).distinct()).hasSize(200);
        assertThat(s.pods().stream().map(PodInfo::key).distinct()).hasSize(s.pods().size());
    }

    @Test
    void looksLikeARealCluster() {
        ClusterSnapshot s = SyntheticCluster.generate(SPEC);
        long tainted = s.nodeGroups().values().stream().filter(g -> !g.taints().isEmpty()).count();
        assertThat(tainted).isEqualTo(1);
        for (NodeGroupInfo g : s.nodeGroups().values()) {
            assertThat(g.minNodes()).isEqualTo(1);
            assertThat(g.maxNodes()).isGreaterThan(g.desiredNodes());
            assertThat(g.offeringIds()).hasSizeBetween(1, 2).allMatch(s.offerings()::containsKey);
            assertThat(s.nodesOf(g.name())).isNotEmpty().allMatch(n -> n.taints().equals(g.taints()));
        }
        assertThat(s.pdbs()).isNotEmpty();
        assertThat(s.pods()).anyMatch(p -> !p.requiredAntiAffinity().isEmpty() && p.nodeName() != null);
        assertThat(s.pods()).anyMatch(p -> !p.nodeSelector().isEmpty() && p.nodeName() != null);
        assertThat(s.pods()).anyMatch(p -> p.controller() != null && p.controller().kind().equals("ReplicaSet"));
        assertThat(s.pods().stream().filter(p -> p.nodeName() != null).map(PodInfo::requests).distinct().count())
                .isGreaterThan(100);
    }

    @Test
    void placedPodsFitTheirNodes() {
        ClusterSnapshot s = SyntheticCluster.generate(SPEC);
        int underutilized = 0;
        for (NodeInfo n : s.nodes()) {
            Resources used = Resources.ZERO;
            Set<String> spreadApps = new HashSet<>();
            for (PodInfo p : s.podsOn(n.name())) {
                used = used.plus(p.requests());
                if (!p.requiredAntiAffinity().isEmpty()) {
                    assertThat(spreadApps.add(p.labels().get("app"))).as("anti-affinity on " + n.name()).isTrue();
                }
                assertThat(p.tolerations().stream().anyMatch(t -> n.taints().stream().allMatch(t::tolerates))
                        || n.taints().isEmpty()).as(p.key()).isTrue();
                p.nodeSelector().forEach((k, v) -> assertThat(n.labels()).containsEntry(k, v));
            }
            assertThat(used.cpuMillis()).isLessThanOrEqualTo(n.allocatable().cpuMillis());
            assertThat(used.memoryBytes()).isLessThanOrEqualTo(n.allocatable().memoryBytes());
            assertThat(used.pods()).isLessThanOrEqualTo(n.allocatable().pods());
            double cpu = (double) used.cpuMillis() / n.allocatable().cpuMillis();
            double mem = (double) used.memoryBytes() / n.allocatable().memoryBytes();
            if (cpu < 0.5 && mem < 0.5) {
                underutilized++;
            }
            assertThat(n.labels()).containsKey(WellKnown.NODEGROUP_LABEL);
        }
        assertThat(underutilized).isBetween(20, 120);
    }

    @Test
    void somePendingPodsFitNowhere() {
        ClusterSnapshot s = SyntheticCluster.generate(SPEC);
        long biggestCpu = s.offerings().values().stream().mapToLong(o -> o.resources().cpuMillis()).max()
                .orElseThrow();
        long biggestMem = s.offerings().values().stream().mapToLong(o -> o.resources().memoryBytes()).max()
                .orElseThrow();
        Map<String, Integer> kinds = new HashMap<>();
        for (PodInfo p : s.pods()) {
            if (p.nodeName() == null) {
                boolean tooBig = p.requests().cpuMillis() > biggestCpu || p.requests().memoryBytes() > biggestMem;
                boolean noLabel = p.nodeSelector().containsKey("gpu");
                kinds.merge(tooBig || noLabel ? "nowhere" : "somewhere", 1, Integer::sum);
            }
        }
        assertThat(kinds.get("nowhere")).isPositive();
        assertThat(kinds.get("somewhere")).isGreaterThan(kinds.get("nowhere"));
    }

    @Test
    void rejectsNonsenseSpecs() {
        assertThatThrownBy(() -> new SyntheticCluster.Spec(0, 30, 1, 1, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SyntheticCluster.Spec(1, 30, -1, 1, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(SyntheticCluster.generate(new SyntheticCluster.Spec(3, 2, 0, 1, 7)).nodes()).hasSize(3);
    }
}
