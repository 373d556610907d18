package com.vpsie.autoscaler.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.vpsie.autoscaler.model.ClusterSnapshot;
import com.vpsie.autoscaler.plan.AutoscalingPlanner;
import com.vpsie.autoscaler.plan.Plan;
import com.vpsie.autoscaler.plan.PlannerSettings;
import org.junit.jupiter.api.Test;

/** The shapes are cluster-autoscaler's only if the planner sees them as such: 1,000 new nodes; 1,200 removable. */
class CaBenchmarkShapesTest {

    @Test
    void scaleUpAsksFor1000NodesFor50000PendingPods() {
        ClusterSnapshot s = CaBenchmarkShapes.scaleUp();
        assertThat(s.pods().stream().filter(p -> p.nodeName() == null)).hasSize(50_000);
        Plan plan = AutoscalingPlanner.plan(s, SyntheticCluster.NOW, PlannerSettings.defaults());
        assertThat(plan.scaleUp().stream().mapToInt(Plan.ScaleUp::count).sum()).isEqualTo(1000);
        assertThat(plan.noScaleUp()).isEmpty();
    }

    @Test
    void scaleDownFinds1200RemovableOf2000NodesOf40Pods() {
        ClusterSnapshot s = CaBenchmarkShapes.scaleDown();
        assertThat(s.nodes()).hasSize(2000);
        assertThat(s.pods()).hasSize(80_000);
        Plan plan = AutoscalingPlanner.plan(s, SyntheticCluster.NOW, PlannerSettings.defaults());
        assertThat(plan.scaleDown()).hasSize(1200);
    }
}
