package com.vpsie.autoscaler.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * scripts/smoke-image.sh starts the built image with the chart's default command line; this keeps its copy of
 * that command line equal to what the chart renders, so a new default flag is smoke-tested in the image too.
 */
class SmokeImageArgsTest {

    private static final Path SCRIPT = Path.of("scripts", "smoke-image.sh");

    @Test
    void smokeTestRunsTheChartsDefaultArguments() {
        List<String> rendered = Chart.render("vpsie-autoscaler", "vpsie-system", Map.of())
                .one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();

        assertThat(scriptArgs()).isEqualTo(rendered);
    }

    /** The lines between the script's chart-args markers, one argument each. */
    private static List<String> scriptArgs() {
        List<String> lines = Chart.read(SCRIPT).lines().map(String::strip).toList();
        int begin = lines.indexOf("# chart-args-begin");
        int end = lines.indexOf("# chart-args-end");
        assertThat(begin).as("%s has a # chart-args-begin line", SCRIPT).isNotNegative();
        assertThat(end).as("%s has a # chart-args-end line after it", SCRIPT).isGreaterThan(begin);
        return lines.subList(begin + 1, end);
    }
}
