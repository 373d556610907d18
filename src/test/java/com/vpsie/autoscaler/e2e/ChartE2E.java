package com.vpsie.autoscaler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vpsie.autoscaler.chart.Chart;
import com.vpsie.autoscaler.testing.realkube.KubeControlPlane;
import com.vpsie.autoscaler.testing.realkube.PrometheusOperatorCrds;
import com.vpsie.autoscaler.testing.realkube.RealKubernetes;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable.Validation;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every object the chart renders, with every option on, is accepted by a real API server as written: server-side
 * dry run ({@code dryRun=All}, nothing stored) with strict field validation, so an unknown or misspelt field is an
 * error rather than silently dropped. The ServiceMonitor and PrometheusRule are checked against the Prometheus
 * Operator's own CRDs (its schema: durations, field names), not against anything of ours; PromQL itself is the
 * promtool tests' job (PromtoolRulesTest), since the operator checks it in a webhook, not in the schema.
 */
@RealKubernetes
class ChartE2E {

    private static String operatorVersion;
    private KubernetesClient client;
    private String ns;
    /** The chart with every option on, rendered as release vpsie-autoscaler in {@link #ns}. */
    private List<HasMetadata> objects;

    @BeforeAll
    static void installThePrometheusOperatorsCrds(KubeControlPlane kube) {
        operatorVersion = PrometheusOperatorCrds.install(kube).stream()
                .map(c -> c.getMetadata().getName() + " (" + c.getMetadata().getAnnotations()
                        .getOrDefault("operator.prometheus.io/version", "?") + ")").toList().toString();
    }

    @BeforeEach
    void renderTheChartIntoAFreshNamespace(KubeControlPlane kube) {
        client = kube.client();
        ns = kube.createNamespace("chart");
        objects = Chart.render("vpsie-autoscaler", ns, Chart.EVERYTHING_ON).objects();
    }

    @AfterEach
    void deleteTheNamespace() {
        client.namespaces().withName(ns).delete();
    }

    @Test
    void everyRenderedObjectIsAcceptedByTheApiServerAsWritten() {
        assertThat(objects).extracting(HasMetadata::getKind).contains("ServiceMonitor", "PrometheusRule",
                "Deployment", "ClusterRole", "Role", "Secret", "NetworkPolicy", "ConfigMap");

        List<String> refused = new ArrayList<>();
        for (HasMetadata o : objects) {
            try {
                HasMetadata answered = dryRun(client, o);
                assertThat(answered.getMetadata().getName()).isEqualTo(o.getMetadata().getName());
            } catch (KubernetesClientException e) {
                refused.add(o.getKind() + " " + o.getMetadata().getName() + ": " + e.getCode() + " "
                        + (e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage()));
            }
        }
        System.out.printf(Locale.ROOT, "[e2e] chart: %d rendered objects dry-run created (strict field "
                        + "validation), %d refused; Prometheus Operator CRDs %s%n", objects.size(), refused.size(),
                operatorVersion);
        assertThat(refused).as("objects the API server refused").isEmpty();
        assertThat(client.genericKubernetesResources("monitoring.coreos.com/v1", "ServiceMonitor").inNamespace(ns)
                .list().getItems()).as("a dry run stores nothing").isEmpty();
    }

    /** The same check, shown able to fail: the operator's schema refuses what a careless edit of the chart writes. */
    @Test
    void theOperatorsSchemaRefusesBrokenMonitoringObjects() {
        GenericKubernetesResource monitor = find(objects, "ServiceMonitor");
        GenericKubernetesResource rule = find(objects, "PrometheusRule");

        GenericKubernetesResource badInterval = edit(monitor, m -> endpoint(m).put("interval", "30 seconds"));
        assertThatThrownBy(() -> dryRun(client, badInterval)).satisfies(invalid("interval"));

        GenericKubernetesResource misspelt = edit(monitor, m -> endpoint(m).put("scrapeTimout", "10s"));
        assertThatThrownBy(() -> dryRun(client, misspelt)).satisfies(invalid("scrapeTimout"));

        GenericKubernetesResource badFor = edit(rule, r -> firstRule(r).put("for", "five minutes"));
        assertThatThrownBy(() -> dryRun(client, badFor)).satisfies(invalid("for"));
    }

    private static HasMetadata dryRun(KubernetesClient client, HasMetadata o) {
        return client.resource(o).dryRun().fieldValidation(Validation.STRICT).create();
    }

    private static Consumer<Throwable> invalid(String field) {
        return t -> {
            assertThat(t).isInstanceOf(KubernetesClientException.class);
            KubernetesClientException e = (KubernetesClientException) t;
            assertThat(e.getCode()).as("HTTP status of: %s", e.getMessage()).isIn(400, 422);
            assertThat(e.getMessage()).contains(field);
        };
    }

    private static GenericKubernetesResource find(List<HasMetadata> objects, String kind) {
        return (GenericKubernetesResource) objects.stream().filter(o -> kind.equals(o.getKind())).findFirst()
                .orElseThrow();
    }

    private static GenericKubernetesResource edit(GenericKubernetesResource o,
                                                  Consumer<GenericKubernetesResource> change) {
        GenericKubernetesResource copy = Serialization.clone(o);
        change.accept(copy);
        return copy;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> endpoint(GenericKubernetesResource monitor) {
        Map<String, Object> spec = (Map<String, Object>) monitor.getAdditionalProperties().get("spec");
        return ((List<Map<String, Object>>) spec.get("endpoints")).get(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> firstRule(GenericKubernetesResource rule) {
        Map<String, Object> spec = (Map<String, Object>) rule.getAdditionalProperties().get("spec");
        Map<String, Object> group = ((List<Map<String, Object>>) spec.get("groups")).get(0);
        return ((List<Map<String, Object>>) group.get("rules")).stream().filter(r -> r.containsKey("for"))
                .findFirst().orElseThrow();
    }
}
