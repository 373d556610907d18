package com.vpsie.autoscaler.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.vpsie.autoscaler.metrics.AutoscalerMetrics;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The alerts, their tests and the dashboard query only series the controller exports. Every recording method of
 * {@link AutoscalerMetrics} is called once (by reflection, so a meter added there is covered without touching
 * this test) and the names in the exposition are the ones allowed.
 */
class MetricNamesTest {

    private static final Pattern METRIC = Pattern.compile("\\bvpsie_autoscaler_[a-z0-9_]*[a-z0-9]\\b");
    private static final Pattern SAMPLE = Pattern.compile("(?m)^(vpsie_autoscaler_[a-zA-Z0-9_]+)[{ ]");

    @Test
    void everyQueriedMetricIsExported() {
        Set<String> exported = exportedNames();

        for (Path file : List.of(Alerts.RULES, Alerts.RULE_TESTS, Alerts.DASHBOARD)) {
            assertThat(namesIn(Chart.read(file))).as("metric names in %s that the controller does not export "
                    + "(exported: %s)", file, exported).isSubsetOf(exported);
        }
    }

    @Test
    void theAlertsReadTheLastActivityGaugeOfTheAutoscalingPass() {
        assertThat(exportedNames()).contains("vpsie_autoscaler_last_activity_timestamp_seconds");
        assertThat(Chart.read(Alerts.RULES))
                .contains("vpsie_autoscaler_last_activity_timestamp_seconds{loop=\"autoscaling-pass\"}");
    }

    static Set<String> exportedNames() {
        AutoscalerMetrics metrics = new AutoscalerMetrics();
        for (Method m : AutoscalerMetrics.class.getDeclaredMethods()) {
            if (!Modifier.isPublic(m.getModifiers()) || Modifier.isStatic(m.getModifiers())
                    || m.getReturnType() != void.class || m.getName().startsWith("forget")) {
                continue;
            }
            Object[] args = new Object[m.getParameterCount()];
            for (int i = 0; i < args.length; i++) {
                args[i] = sample(m, m.getParameterTypes()[i]);
            }
            try {
                m.invoke(metrics, args);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new AssertionError("cannot call AutoscalerMetrics." + m.getName(), e);
            }
        }
        Set<String> names = new TreeSet<>();
        Matcher s = SAMPLE.matcher(metrics.scrape());
        while (s.find()) {
            names.add(s.group(1));
        }
        return names;
    }

    private static Object sample(Method method, Class<?> type) {
        if (type == String.class) {
            return "x";
        } else if (type == int.class || type == Integer.class) {
            return 1;
        } else if (type == long.class || type == Long.class) {
            return 1L;
        } else if (type == double.class || type == Double.class) {
            return 1.0;
        } else if (type == boolean.class || type == Boolean.class) {
            // true records the most meters (e.g. the reconcile error counter)
            return true;
        } else if (type == Duration.class) {
            return Duration.ofSeconds(1);
        } else if (type == Instant.class) {
            return Instant.parse("2026-11-22T12:00:00Z");
        } else if (type == Map.class) {
            return Map.of("x", new AutoscalerMetrics.MarkedNodes(1, Instant.parse("2026-11-22T12:00:00Z")));
        }
        throw new AssertionError("MetricNamesTest has no sample value for a " + type.getName() + " parameter of "
                + "AutoscalerMetrics." + method.getName() + "; add one to sample()");
    }

    private static Set<String> namesIn(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(text);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }
}
