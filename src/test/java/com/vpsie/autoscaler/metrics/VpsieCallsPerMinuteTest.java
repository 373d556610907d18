package com.vpsie.autoscaler.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** VPSie calls of the last minute per endpoint family, as the scrape shows them while time passes. */
class VpsieCallsPerMinuteTest {

    private final AtomicLong now = new AtomicLong(1_780_000_000_000L);
    private final AutoscalerMetrics metrics =
            new AutoscalerMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), now::get);

    @Test
    void countsTheLastSixtySecondsByEndpointFamily() {
        metrics.apiRequest("cluster", "success", Duration.ofMillis(5));
        now.addAndGet(20_000);
        metrics.apiRequest("cluster", "server_error", Duration.ofMillis(5));
        metrics.apiRequest("cluster", "success", Duration.ofMillis(5));
        metrics.apiRequest("add_worker", "success", Duration.ofMillis(5));

        assertThat(perMinute("cluster")).isEqualTo(3);
        assertThat(perMinute("add_worker")).isEqualTo(1);

        now.addAndGet(40_000);
        assertThat(perMinute("cluster")).as("the first call is a minute old").isEqualTo(2);
        now.addAndGet(20_000);
        assertThat(perMinute("cluster")).isZero();
        assertThat(perMinute("add_worker")).isZero();
    }

    @Test
    void aBucketIsReusedAfterAMinuteWithoutCarryingItsOldCount() {
        SlidingMinuteCount count = new SlidingMinuteCount(now::get);
        count.increment();
        count.increment();
        now.addAndGet(60_000);
        count.increment();
        assertThat(count.lastMinute()).isEqualTo(1);
        now.addAndGet(59_999);
        assertThat(count.lastMinute()).isEqualTo(1);
        now.addAndGet(1);
        assertThat(count.lastMinute()).isZero();
    }

    private long perMinute(String endpoint) {
        String line = metrics.scrape().lines()
                .filter(l -> l.startsWith("vpsie_autoscaler_vpsie_api_calls_per_minute{endpoint=\"" + endpoint + "\""))
                .findFirst().orElseThrow(() -> new AssertionError("no calls_per_minute series for " + endpoint));
        return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }
}
