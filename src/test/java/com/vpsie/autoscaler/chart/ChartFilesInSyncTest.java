package com.vpsie.autoscaler.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Helm can only read files inside the chart, so the chart carries copies of the CRD, the alert rules and the
 * dashboard. These tests keep each copy identical to its source, and the rendered PrometheusRule identical to
 * the rules the promtool tests cover.
 */
class ChartFilesInSyncTest {

    static final Path CRD = Path.of("crds", "nodegroups.autoscaler.vpsie.com-v1.yml");
    static final Path CHART_CRD = Chart.DIR.resolve(CRD);

    @Test
    void chartCrdIsTheGeneratedCrd() {
        assertSameFile(CRD, CHART_CRD);
    }

    @Test
    void chartAlertRulesAreTheTestedRules() {
        assertSameFile(Alerts.RULES, Alerts.CHART_RULES);
    }

    @Test
    void chartDashboardIsTheDashboard() {
        assertSameFile(Alerts.DASHBOARD, Alerts.CHART_DASHBOARD);
    }

    @Test
    void renderedPrometheusRuleCarriesExactlyTheTestedRules() {
        GenericKubernetesResource rule = prometheusRule(Map.of("prometheusRule.enabled", true));

        JsonNode rendered = Alerts.JSON.valueToTree(rule.getAdditionalProperties().get("spec"));
        assertThat(rendered).isEqualTo(Alerts.yaml(Alerts.RULES));
    }

    @Test
    void runbookBaseUrlMovesEveryRunbookLink() {
        String base = "https://docs.example.test/autoscaler/runbook.html";
        GenericKubernetesResource rule = prometheusRule(Map.of("prometheusRule.enabled", true,
                "prometheusRule.runbookBaseUrl", base, "prometheusRule.labels.release", "monitoring"));

        JsonNode spec = Alerts.JSON.valueToTree(rule.getAdditionalProperties().get("spec"));
        assertThat(Alerts.alertRules(spec)).isNotEmpty().allSatisfy(a ->
                assertThat(a.path("annotations").path("runbook_url").asText()).startsWith(base + "#"));
        assertThat(rule.getMetadata().getLabels()).containsEntry("release", "monitoring");
    }

    private static GenericKubernetesResource prometheusRule(Map<String, Object> values) {
        return (GenericKubernetesResource) Chart.render(values).ofKind("PrometheusRule").get(0);
    }

    private static void assertSameFile(Path source, Path copy) {
        // A checkout with CRLF line endings is not a different file.
        String expected = Chart.read(source).replace("\r\n", "\n");
        String actual = Chart.read(copy).replace("\r\n", "\n");
        if (!expected.equals(actual)) {
            fail(copy + " differs from " + source + "; run: cp " + source + " " + copy);
        }
    }
}
