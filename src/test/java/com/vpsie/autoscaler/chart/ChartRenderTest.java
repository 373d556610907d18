package com.vpsie.autoscaler.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The chart lints, renders, and every object it renders is one the API server would take as written. */
class ChartRenderTest {

    @Test
    void lintsCleanlyInStrictMode() {
        LintResult result = new Helm(Chart.DIR).lint().strict().call();

        assertThat(result.isFailed()).as("helm lint --strict: %s", result.getMessages()).isFalse();
        assertThat(result.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    @Test
    void defaultsRenderTheControllerAndItsRbac() {
        Chart.Rendered r = Chart.renderDefaults();

        assertThat(r.inventory()).containsOnlyKeys("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role",
                "RoleBinding", "Deployment", "Service", "PodDisruptionBudget");
        assertThat(r.all(Secret.class)).as("no Secret unless credentials.create").isEmpty();
        Deployment deployment = r.one(Deployment.class);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("vpsie-autoscaler:0.1.0");
    }

    @Test
    void theChartInstallsTheNodeGroupCrd() {
        // Helm applies crds/ before the templates on install (and never on upgrade); `helm template` leaves it
        // out, so it is read here directly.
        CustomResourceDefinition crd = new Chart.Rendered(Chart.read(ChartFilesInSyncTest.CHART_CRD)).one(
                CustomResourceDefinition.class);

        assertThat(crd.getMetadata().getName()).isEqualTo("nodegroups.autoscaler.vpsie.com");
        assertThat(crd.getSpec().getVersions()).extracting(v -> v.getName()).containsExactly("v1alpha1");
    }

    @Test
    void everyObjectParsesWithoutUnknownFieldsAndLivesInTheReleaseNamespace() {
        for (Map<String, Object> values : List.of(Map.<String, Object>of(), Chart.EVERYTHING_ON)) {
            Chart.Rendered r = Chart.render(values);
            for (HasMetadata o : r.objects) {
                String what = o.getKind() + " " + o.getMetadata().getName();
                assertThat(UnknownFields.in(o)).as("fields fabric8 does not know in %s", what).isEmpty();
                assertThat(o.getMetadata().getLabels()).as("labels of %s", what)
                        .containsEntry("app.kubernetes.io/name", "vpsie-autoscaler");
                boolean clusterScoped = o.getKind().equals("ClusterRole") || o.getKind().equals("ClusterRoleBinding");
                assertThat(o.getMetadata().getNamespace()).as("namespace of %s", what)
                        .isEqualTo(clusterScoped ? null : Chart.NAMESPACE);
            }
        }
    }

    @Test
    void optionalPartsRenderWhenSwitchedOn() {
        Chart.Rendered r = Chart.render(Chart.EVERYTHING_ON);

        assertThat(r.ofKind("ServiceMonitor")).hasSize(1);
        assertThat(r.ofKind("PrometheusRule")).hasSize(1);
        assertThat(r.all(NetworkPolicy.class)).hasSize(1);
        assertThat(r.all(PodDisruptionBudget.class)).hasSize(1);
        assertThat(r.ofKind("ConfigMap")).extracting(o -> o.getMetadata().getName())
                .containsExactlyInAnyOrder("vpsie-autoscaler-planner", "vpsie-autoscaler-dashboard");
    }

    @Test
    void theServiceMonitorNamesTheJobTheAlertsSelect() {
        Chart.Rendered r = Chart.render(Map.of("serviceMonitor.enabled", true));
        GenericKubernetesResource monitor = (GenericKubernetesResource) r.ofKind("ServiceMonitor").get(0);
        String jobLabel = monitor.get("spec", "jobLabel");

        // Prometheus Operator sets job to the value of this label on the Service.
        Service service = r.one(Service.class);
        assertThat(service.getMetadata().getLabels()).containsEntry(jobLabel, "vpsie-autoscaler");
        assertThat(Chart.read(Alerts.RULES)).contains("up{job=\"vpsie-autoscaler\"}");
    }

    @Test
    void networkPolicyAdmitsOnlyTheMetricsPortAndRestrictsEgressOnlyWhenAsked() {
        NetworkPolicy open = Chart.render(Map.of("networkPolicy.enabled", true)).one(NetworkPolicy.class);
        assertThat(open.getSpec().getPolicyTypes()).containsExactly("Ingress");
        assertThat(open.getSpec().getIngress()).singleElement().satisfies(rule ->
                assertThat(rule.getPorts()).singleElement().satisfies(p ->
                        assertThat(p.getPort().getStrVal()).isEqualTo("metrics")));

        NetworkPolicy closed = Chart.render(Chart.EVERYTHING_ON).one(NetworkPolicy.class);
        assertThat(closed.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
        assertThat(closed.getSpec().getEgress()).hasSize(1);
    }

    @Test
    void createdSecretHoldsTheKeysTheControllerReads() {
        Secret oauth = Chart.render(Chart.EVERYTHING_ON).one(Secret.class);
        assertThat(oauth.getMetadata().getName()).isEqualTo("vpsie-credentials");
        assertThat(oauth.getStringData()).containsOnlyKeys("clientId", "clientSecret");

        Secret token = Chart.render(Map.of("credentials.create", true, "credentials.token", "t0ken",
                "credentials.url", "https://api.example.test/v2", "credentials.secretName", "vpsie")).one(Secret.class);
        assertThat(token.getMetadata().getName()).isEqualTo("vpsie");
        assertThat(token.getStringData()).containsOnlyKeys("token", "url");
        assertThat(token.getData()).isNullOrEmpty();
    }

    @Test
    void refusesValuesThatWouldBreakTheController() {
        assertThatThrownBy(() -> Chart.render(Map.of("credentials.create", true)))
                .hasMessageContaining("credentials.token");
        assertThatThrownBy(() -> Chart.render(Map.of("leaderElection.enabled", false)))
                .hasMessageContaining("leaderElection.enabled");
        // One replica without election is allowed, and then no Lease role is needed.
        Chart.Rendered single = Chart.render(Map.of("leaderElection.enabled", false, "replicaCount", 1));
        assertThat(single.inventory().get("Role")).containsExactly("vpsie-autoscaler-credentials");
    }
}
