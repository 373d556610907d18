package com.vpsie.autoscaler.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every meter says what it measures: promtool check metrics (run by CI on the demo's output) requires HELP. */
class MetricHelpTest {

    @Test
    void everyMeterAnyMethodRegistersHasHelpText() throws Exception {
        AutoscalerMetrics metrics = new AutoscalerMetrics();
        for (Method m : AutoscalerMetrics.class.getDeclaredMethods()) {
            if (!Modifier.isPublic(m.getModifiers()) || Modifier.isStatic(m.getModifiers()) || m.getParameterCount() == 0
                    || m.getName().startsWith("forget")) {
                continue;
            }
            Object[] args = new Object[m.getParameterCount()];
            for (int i = 0; i < args.length; i++) {
                Class<?> type = m.getParameterTypes()[i];
                args[i] = type == String.class ? "x" : type == int.class ? 1 : type == long.class ? 1L
                        : type == double.class ? 1.0 : type == Duration.class ? Duration.ofSeconds(1)
                        : type == Instant.class ? Instant.EPOCH : type == boolean.class ? Boolean.TRUE
                        : type == Map.class ? Map.of("x", new AutoscalerMetrics.MarkedNodes(1, Instant.EPOCH)) : null;
            }
            m.invoke(metrics, args);
        }
        assertThat(metrics.registry().getMeters()).hasSizeGreaterThan(25).allSatisfy((Meter meter) ->
                assertThat(meter.getId().getDescription()).as(meter.getId().getName()).isNotBlank());
    }
}
