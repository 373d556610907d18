package com.vpsie.autoscaler.chart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The alert rules, their promtool tests and the dashboard, as checked in. */
final class Alerts {

    static final Path RULES = Path.of("deploy", "prometheus", "alerts.yaml");
    static final Path RULE_TESTS = Path.of("deploy", "prometheus", "alerts-test.yaml");
    static final Path CHART_RULES = Chart.DIR.resolve(Path.of("files", "alerts.yaml"));
    static final Path DASHBOARD = Path.of("deploy", "grafana", "vpsie-autoscaler.json");
    static final Path CHART_DASHBOARD = Chart.DIR.resolve(Path.of("files", "grafana-dashboard.json"));
    static final Path RUNBOOK = Path.of("docs", "runbook.md");
    /** The runbook_url prefix in alerts.yaml; the chart's prometheusRule.runbookBaseUrl replaces it. */
    static final String DEFAULT_RUNBOOK_BASE = "https://github.com/vpsie/vpsie-autoscaler/blob/main/docs/runbook.md";

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();

    private Alerts() {
    }

    static JsonNode yaml(Path file) {
        return yaml(Chart.read(file), file.toString());
    }

    static JsonNode yaml(String text, String what) {
        try {
            return YAML.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + what, e);
        }
    }

    static JsonNode json(Path file) {
        try {
            return JSON.readTree(Chart.read(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + file, e);
        }
    }

    /** Every alerting rule of a rules document ({@code groups: [{rules: [...]}]}). */
    static List<JsonNode> alertRules(JsonNode rulesDocument) {
        List<JsonNode> alerts = new ArrayList<>();
        for (JsonNode group : rulesDocument.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (rule.has("alert")) {
                    alerts.add(rule);
                }
            }
        }
        return alerts;
    }

    /** Every PromQL expression of the dashboard's panels. */
    static List<String> dashboardExpressions(JsonNode dashboard) {
        List<String> exprs = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                if (target.hasNonNull("expr")) {
                    exprs.add(target.get("expr").asText());
                }
            }
        }
        return exprs;
    }
}
