package com.vpsie.autoscaler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.vpsie.autoscaler.plan.Plan;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanTextWriterTest {

    @Test
    void rendersEverySectionAsAnAlignedTable() {
        String text = PlanTextWriter.render(PlanJsonWriterTest.samplePlan());
        assertThat(text).contains("Scale up\n", "Scale down\n", "Unremovable nodes\n",
                "Pending pods that trigger no scale-up\n");
        assertThat(text).startsWith("Plan: add 2 nodes (1 scale-up), remove 2, keep 2, 1 pending pod without scale-up");
        assertThat(text).contains(
                "  NODE GROUP  OFFERING   NODES  PODS  FOR PODS\n"
                + "  general     vps-4c-8g  2      2     default/web-1, default/web-2\n");
        assertThat(text).contains(
                "  NODE    NODE GROUP  REASON\n"
                + "  node-3  general     Empty\n"
                + "  node-4  batch       Underutilized\n");
        assertThat(text).contains(
                "  NODE    NODE GROUP  REASON         POD           POD REASON\n"
                + "  node-1  general     BlockedByPod   default/db-0  NotEnoughPdb\n"
                + "  node-2  -           NotAutoscaled  -             -\n");
        assertThat(text).contains(
                "  POD           REASON           MESSAGE\n"
                + "  default/huge  NoNodeGroupFits  general: insufficient cpu\n");
        assertThat(Arrays.stream(text.split("\n"))).noneMatch(line -> line.endsWith(" "));
    }

    @Test
    void emptySectionsSaySo() {
        String text = PlanTextWriter.render(new Plan(List.of(), List.of(), List.of(), List.of()));
        assertThat(text).contains("Scale up\n  nothing to scale up\n", "Scale down\n  no node to remove\n",
                "Unremovable nodes\n  none\n", "Pending pods that trigger no scale-up\n  none\n");
    }

    @Test
    void longPodListsAreShortened() {
        Plan plan = new Plan(List.of(new Plan.ScaleUp("g", "o", 1, List.of("a/1", "a/2", "a/3", "a/4", "a/5"))),
                List.of(), List.of(), List.of());
        assertThat(PlanTextWriter.render(plan)).contains("a/1, a/2, a/3 (+2 more)");
    }
}
