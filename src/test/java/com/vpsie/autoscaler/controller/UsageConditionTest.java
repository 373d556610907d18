package com.vpsie.autoscaler.controller;

import static com.vpsie.autoscaler.testing.GroupBuilder.group;
import static org.assertj.core.api.Assertions.assertThat;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroupCondition;
import com.vpsie.autoscaler.model.NodeGroupInfo;
import com.vpsie.autoscaler.model.ScaleDownPolicy;
import com.vpsie.autoscaler.model.UtilizationSource;
import com.vpsie.autoscaler.utilization.GroupUtilization;
import org.junit.jupiter.api.Test;

/** The UsageMeasured condition the autoscaling pass writes for groups judged by usage. */
class UsageConditionTest {

    private static NodeGroupInfo judgedBy(UtilizationSource source) {
        return group("g").scaleDown(new ScaleDownPolicy(true, 50, 50, 600, 600, source)).build();
    }

    @Test
    void aGroupJudgedByRequestsHasNone() {
        assertThat(AutoscalingLoop.usageCondition(judgedBy(UtilizationSource.REQUESTS),
                new GroupUtilization(0.1, 0.1, 2, 0, 0), "metrics.k8s.io is not served")).isNull();
    }

    @Test
    void everyNodeMeasuredIsTrue() {
        NodeGroupCondition c = AutoscalingLoop.usageCondition(judgedBy(UtilizationSource.BOTH),
                new GroupUtilization(0.1, 0.1, 2, 2, 0), null);
        assertThat(c.getStatus()).isEqualTo("True");
        assertThat(c.getReason()).isEqualTo("UsageMeasured");
    }

    @Test
    void nodesJudgedByRequestsInsteadMakeItFalseWithTheSamplersProblemOrStaleSamples() {
        NodeGroupCondition down = AutoscalingLoop.usageCondition(judgedBy(UtilizationSource.USAGE),
                new GroupUtilization(0.1, 0.1, 3, 1, 2), "metrics.k8s.io is not served (HTTP 503)");
        assertThat(down.getStatus()).isEqualTo("False");
        assertThat(down.getReason()).isEqualTo("MetricsUnavailable");
        assertThat(down.getMessage()).startsWith("2 of 3 node(s)").endsWith("(metrics.k8s.io is not served (HTTP 503))");

        NodeGroupCondition stale = AutoscalingLoop.usageCondition(judgedBy(UtilizationSource.USAGE),
                new GroupUtilization(0.1, 0.1, 3, 1, 2), null);
        assertThat(stale.getReason()).isEqualTo("StaleSamples");
    }
}
