package com.vpsie.autoscaler.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.vpsie.autoscaler.metrics.AutoscalerMetrics.MarkedNodes;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The marked-nodes gauges are a whole report: what a report leaves out must not linger as a stale series. */
class ScaleDownMarksMetricsTest {

    private final AutoscalerMetrics metrics = new AutoscalerMetrics();

    @Test
    void eachReportReplacesThePreviousOne() {
        metrics.scaleDownMarks(Map.of("a", new MarkedNodes(2, Instant.ofEpochSecond(1_700_000_000)),
                "b", new MarkedNodes(0, null)));

        String first = metrics.scrape();
        assertThat(first).contains("vpsie_autoscaler_scale_down_marked_nodes{nodegroup=\"a\"} 2.0")
                .contains("vpsie_autoscaler_scale_down_oldest_mark_timestamp_seconds{nodegroup=\"a\"} 1.7E9")
                .contains("vpsie_autoscaler_scale_down_oldest_mark_timestamp_seconds{nodegroup=\"b\"} 0.0");

        metrics.scaleDownMarks(Map.of("b", new MarkedNodes(1, Instant.ofEpochSecond(1_700_000_100))));

        String second = metrics.scrape();
        assertThat(second).doesNotContain("nodegroup=\"a\"")
                .contains("vpsie_autoscaler_scale_down_marked_nodes{nodegroup=\"b\"} 1.0");

        metrics.scaleDownMarks(Map.of());
        assertThat(metrics.scrape()).doesNotContain("scale_down_marked_nodes{");
    }

    @Test
    void aGroupForgottenWithItsNodeGroupCanBeReportedAfresh() {
        metrics.scaleDownMarks(Map.of("a", new MarkedNodes(1, Instant.ofEpochSecond(10))));
        metrics.forgetNodeGroup("a");
        assertThat(metrics.scrape()).doesNotContain("nodegroup=\"a\"");

        metrics.scaleDownMarks(Map.of("a", new MarkedNodes(3, Instant.ofEpochSecond(20))));
        assertThat(metrics.scrape()).contains("vpsie_autoscaler_scale_down_marked_nodes{nodegroup=\"a\"} 3.0");
    }
}
