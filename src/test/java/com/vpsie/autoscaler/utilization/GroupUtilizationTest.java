package com.vpsie.autoscaler.utilization;

import static com.vpsie.autoscaler.testing.GroupBuilder.group;
import static com.vpsie.autoscaler.testing.NodeBuilder.node;
import static com.vpsie.autoscaler.testing.PodBuilder.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.vpsie.autoscaler.model.ClusterSnapshot;
import com.vpsie.autoscaler.model.NodeUsage;
import com.vpsie.autoscaler.model.ScaleDownPolicy;
import com.vpsie.autoscaler.model.UtilizationSource;
import com.vpsie.autoscaler.testing.Snapshots;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GroupUtilizationTest {

    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    /** Two 4-cpu nodes of g, "a" with 2 cpu requested (50%), "b" with 1 (25%); "a" measured at 10% a minute ago. */
    private static ClusterSnapshot snapshot(UtilizationSource source) {
        return Snapshots.cluster().group(group("g").scaleDown(new ScaleDownPolicy(true, 50, 50, 600, 600, source)))
                .node(node("a").group("g")).node(node("b").group("g"))
                .pod(pod("default/x").cpu("2").memory("1Gi").replicaSet("x").on("a"))
                .pod(pod("default/y").cpu("1").memory("1Gi").replicaSet("y").on("b"))
                .build().withUsage(Map.of("a", new NodeUsage(List.of(new NodeUsage.Sample(NOW.minusSeconds(60), 0.1,
                        0.1)))));
    }

    private static GroupUtilization of(ClusterSnapshot s) {
        return GroupUtilization.of(s, s.nodeGroups().get("g"), true, true, NOW);
    }

    @Test
    void byRequestsMeasuredUsageIsIgnored() {
        GroupUtilization u = of(snapshot(UtilizationSource.REQUESTS));
        assertThat(u.cpuFraction()).isCloseTo((0.5 + 0.25) / 2, within(1e-9));
        assertThat(u.byUsage()).isZero();
        assertThat(u.fellBack()).isZero();
        assertThat(u.percent()).isEqualTo(38);
    }

    @Test
    void byUsageANodeWithoutSamplesCountsByRequestsAndIsCounted() {
        GroupUtilization u = of(snapshot(UtilizationSource.USAGE));
        assertThat(u.cpuFraction()).isCloseTo((0.1 + 0.25) / 2, within(1e-9));
        assertThat(u.nodes()).isEqualTo(2);
        assertThat(u.byUsage()).isEqualTo(1);
        assertThat(u.fellBack()).isEqualTo(1);
    }

    @Test
    void aGroupWithoutNodesIsZero() {
        ClusterSnapshot s = Snapshots.cluster().group(group("g")).build();
        assertThat(of(s)).isEqualTo(new GroupUtilization(0, 0, 0, 0, 0));
    }
}
