package com.vpsie.autoscaler.utilization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.vpsie.autoscaler.model.NodeInfo;
import com.vpsie.autoscaler.model.OwnerRef;
import com.vpsie.autoscaler.model.PodInfo;
import com.vpsie.autoscaler.model.Resources;
import com.vpsie.autoscaler.model.WellKnown;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeUtilizationTest {

    private static final long GI = 1L << 30;
    private static final NodeInfo NODE = node(Resources.of(4000, 8 * GI));

    private static NodeInfo node(Resources allocatable) {
        return new NodeInfo("node-a", Map.of(), Map.of(), List.of(), allocatable, true, false, Instant.EPOCH,
                "vpsie://1", false);
    }

    private static PodInfo pod(String name, long cpuMillis, long memoryBytes, OwnerRef owner,
                               Map<String, String> annotations, String phase, boolean deleting) {
        return new PodInfo("default", name, Map.of(), annotations, "node-a", phase, 0, null,
                new Resources(cpuMillis, memoryBytes, 0, 1), null, null, null, null, null, null, null,
                owner, null, false, Instant.EPOCH, 30, deleting);
    }

    private static PodInfo app(long cpuMillis, long memoryBytes) {
        return pod("app", cpuMillis, memoryBytes, new OwnerRef("ReplicaSet", "rs"), Map.of(), "Running", false);
    }

    private static PodInfo daemon(long cpuMillis, long memoryBytes) {
        return pod("ds", cpuMillis, memoryBytes, new OwnerRef("DaemonSet", "ds"), Map.of(), "Running", false);
    }

    private static PodInfo mirror(long cpuMillis, long memoryBytes) {
        return pod("static", cpuMillis, memoryBytes, null, Map.of(WellKnown.MIRROR_POD_ANNOTATION, "x"), "Running",
                false);
    }

    @Test
    void fractionsOfAllocatable() {
        NodeUtilization u = NodeUtilization.of(NODE, List.of(app(1000, 2 * GI), app(1000, 4 * GI)), false, false);

        assertThat(u.cpuFraction()).isCloseTo(0.5, within(1e-9));
        assertThat(u.memoryFraction()).isCloseTo(0.75, within(1e-9));
        assertThat(u.max()).isCloseTo(0.75, within(1e-9));
    }

    @Test
    void anEmptyNodeIsZero() {
        assertThat(NodeUtilization.of(NODE, List.of(), true, true)).isEqualTo(new NodeUtilization(0, 0));
    }

    @Test
    void terminalPodsHoldNothing() {
        List<PodInfo> pods = List.of(
                pod("done", 2000, 4 * GI, new OwnerRef("Job", "j"), Map.of(), "Succeeded", false),
                pod("crashed", 2000, 4 * GI, new OwnerRef("Job", "j"), Map.of(), "Failed", false),
                app(400, GI));

        NodeUtilization u = NodeUtilization.of(NODE, pods, false, false);

        assertThat(u.cpuFraction()).isCloseTo(0.1, within(1e-9));
        assertThat(u.memoryFraction()).isCloseTo(0.125, within(1e-9));
    }

    @Test
    void podsBeingDeletedStillCount() {
        PodInfo leaving = pod("leaving", 2000, 0, new OwnerRef("ReplicaSet", "rs"), Map.of(), "Running", true);

        assertThat(NodeUtilization.of(NODE, List.of(leaving), true, true).cpuFraction()).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void daemonSetPodsCountUnlessIgnored() {
        List<PodInfo> pods = List.of(daemon(1000, 0), app(1000, 0));

        assertThat(NodeUtilization.of(NODE, pods, false, false).cpuFraction()).isCloseTo(0.5, within(1e-9));
        // ignored, the agent's 1 cpu leaves the denominator too: 1 of the 3 cpu left
        assertThat(NodeUtilization.of(NODE, pods, true, false).cpuFraction()).isCloseTo(1.0 / 3, within(1e-9));
        assertThat(NodeUtilization.of(NODE, pods, false, true).cpuFraction()).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void mirrorPodsCountUnlessIgnored() {
        List<PodInfo> pods = List.of(mirror(0, 4 * GI), app(0, 2 * GI));

        assertThat(NodeUtilization.of(NODE, pods, false, false).memoryFraction()).isCloseTo(0.75, within(1e-9));
        assertThat(NodeUtilization.of(NODE, pods, false, true).memoryFraction()).isCloseTo(0.5, within(1e-9));
        assertThat(NodeUtilization.of(NODE, pods, true, false).memoryFraction()).isCloseTo(0.75, within(1e-9));
    }

    @Test
    void aNodeFilledByIgnoredPodsIsFullForAnyOtherPod() {
        List<PodInfo> pods = List.of(daemon(4000, 0));
        assertThat(NodeUtilization.of(NODE, pods, true, true).cpuFraction()).isZero();
        assertThat(NodeUtilization.of(NODE, List.of(daemon(4000, 0), app(1, 0)), true, true).cpuFraction())
                .isEqualTo(1.0);
    }

    @Test
    void zeroAllocatableIsEmptyWhenNothingAsksAndFullOtherwise() {
        NodeInfo noCpu = node(Resources.of(0, 8 * GI));

        assertThat(NodeUtilization.of(noCpu, List.of(app(0, GI)), false, false).cpuFraction()).isZero();
        assertThat(NodeUtilization.of(noCpu, List.of(app(1, GI)), false, false).cpuFraction()).isEqualTo(1.0);
        assertThat(NodeUtilization.of(node(Resources.ZERO), List.of(), false, false))
                .isEqualTo(new NodeUtilization(0, 0));
    }

    @Test
    void overcommitShowsAboveOne() {
        NodeUtilization u = NodeUtilization.of(NODE, List.of(app(6000, GI)), false, false);

        assertThat(u.cpuFraction()).isCloseTo(1.5, within(1e-9));
        assertThat(u.max()).isCloseTo(1.5, within(1e-9));
    }
}
