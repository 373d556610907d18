package com.vpsie.autoscaler.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every alert is documented, routed by severity, and unit-tested both firing and quiet; every runbook section
 * belongs to an alert.
 */
class AlertsTest {

    private static final Set<String> SEVERITIES = Set.of("critical", "warning", "info");
    private static final Pattern HEADING = Pattern.compile("(?m)^## +(.+?)\\s*$");

    private final List<JsonNode> alerts = Alerts.alertRules(Alerts.yaml(Alerts.RULES));

    @Test
    void alertsAreUniqueAndLabelled() {
        Set<String> names = new HashSet<>();
        assertThat(alerts).isNotEmpty().allSatisfy(a -> {
            String name = a.path("alert").asText();
            assertThat(names.add(name)).as("alert %s defined twice", name).isTrue();
            assertThat(a.path("labels").path("severity").asText()).as("severity of %s", name).isIn(SEVERITIES);
            assertThat(a.path("labels").path("component").asText()).isEqualTo("vpsie-autoscaler");
            assertThat(a.path("annotations").path("summary").asText()).as("summary of %s", name).isNotBlank();
            assertThat(a.path("annotations").path("description").asText()).as("description of %s", name)
                    .isNotBlank();
        });
    }

    @Test
    void everyAlertLinksToItsOwnRunbookSection() {
        Set<String> anchors = new HashSet<>();
        for (String heading : headings()) {
            anchors.add(githubAnchor(heading));
        }

        assertThat(alerts).allSatisfy(a -> {
            String name = a.path("alert").asText();
            String anchor = name.toLowerCase(Locale.ROOT);
            assertThat(a.path("annotations").path("runbook_url").asText()).as("runbook_url of %s", name)
                    .isEqualTo(Alerts.DEFAULT_RUNBOOK_BASE + "#" + anchor);
            assertThat(anchors).as("a '## %s' section in %s", name, Alerts.RUNBOOK).contains(anchor);
        });
    }

    @Test
    void everyRunbookSectionIsAnAlert() {
        Set<String> names = new TreeSet<>();
        alerts.forEach(a -> names.add(a.path("alert").asText()));

        assertThat(headings()).as("level-2 headings of %s", Alerts.RUNBOOK).containsExactlyInAnyOrderElementsOf(names);
    }

    @Test
    void everyAlertIsTestedFiringAndQuiet() {
        Set<String> firing = new TreeSet<>();
        Set<String> quiet = new TreeSet<>();
        for (JsonNode test : Alerts.yaml(Alerts.RULE_TESTS).path("tests")) {
            for (JsonNode check : test.path("alert_rule_test")) {
                String name = check.path("alertname").asText();
                (check.path("exp_alerts").isEmpty() ? quiet : firing).add(name);
            }
        }
        Set<String> names = new TreeSet<>();
        alerts.forEach(a -> names.add(a.path("alert").asText()));

        assertThat(firing).as("alerts with a firing case in %s", Alerts.RULE_TESTS).containsAll(names);
        assertThat(quiet).as("alerts with a quiet case in %s", Alerts.RULE_TESTS).containsAll(names);
        assertThat(names).as("alerts tested but not defined").containsAll(firing);
    }

    private static List<String> headings() {
        List<String> found = new ArrayList<>();
        Matcher m = HEADING.matcher(Chart.read(Alerts.RUNBOOK));
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    /** GitHub's heading anchors: lower case, punctuation other than '-' and '_' dropped, spaces to '-'. */
    static String githubAnchor(String heading) {
        return heading.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
    }
}
