package com.vpsie.autoscaler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.vpsie.autoscaler.testing.realkube.ChartRelease;
import com.vpsie.autoscaler.testing.realkube.KubeControlPlane;
import com.vpsie.autoscaler.testing.realkube.RealKubernetes;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.authentication.SelfSubjectReview;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The e2e tier's least-privilege harness itself: the controller's kubeconfig acts as the chart's ServiceAccount
 * and no more, the audit log shows what RBAC refused, and a ClusterRole missing one verb fails a scenario with the
 * Forbidden the API server answered (within seconds, not after the scenario's timeout).
 */
@RealKubernetes
class LeastPrivilegeE2E {

    @Test
    void theKubeconfigActsAsTheServiceAccountWithTheChartsRightsOnly(KubeControlPlane kube) {
        String ns = kube.createNamespace("least-privilege");
        KubernetesClient admin = kube.client();
        admin.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName("other").endMetadata()
                .addToStringData("k", "v").build()).create();
        try (ChartRelease release = ChartRelease.install(kube, ns, Map.of("credentials.create", true,
                "credentials.token", E2eWorld.TOKEN), UnaryOperator.identity());
             KubernetesClient sa = release.newClient()) {
            SelfSubjectReview me = sa.authentication().v1().selfSubjectReviews().create(new SelfSubjectReview());
            assertThat(me.getStatus().getUserInfo().getUsername()).isEqualTo(release.user())
                    .isEqualTo("system:serviceaccount:" + ns + ":" + ns + "-vpsie-autoscaler");

            // Granted: what the controller does.
            assertThat(sa.nodes().list().getItems()).isNotNull();
            assertThat(sa.secrets().inNamespace(ns).withField("metadata.name", E2eWorld.SECRET).list().getItems())
                    .as("its own credentials Secret, listed by name as its informer does").hasSize(1);
            // Refused: what it has no business doing, which admin could.
            List<String> refused = new ArrayList<>();
            for (Runnable attempt : List.<Runnable>of(
                    () -> sa.secrets().inNamespace(ns).list(),
                    () -> sa.secrets().inNamespace(ns).withName("other").get(),
                    () -> sa.namespaces().withName(ns).delete(),
                    () -> sa.apps().deployments().inNamespace(ns).list())) {
                assertThatThrownBy(attempt::run).isInstanceOfSatisfying(KubernetesClientException.class,
                        e -> refused.add(e.getCode() + " " + e.getStatus().getReason()));
            }
            assertThat(refused).containsOnly("403 Forbidden").hasSize(4);

            // The audit log saw the same four, as the ServiceAccount, and nothing it was allowed.
            if (kube.audit().isPresent()) {
                assertThat(release.denials()).extracting(d -> d.verb() + " " + d.resource())
                        .containsExactly("list secrets", "get secrets", "delete namespaces", "list apps/deployments");
                assertThat(release.denials()).allSatisfy(d -> assertThat(d.user()).isEqualTo(release.user()));
                assertThat(release.requests()).as("requests audited for the ServiceAccount")
                        .isGreaterThanOrEqualTo(6);
            }
        } finally {
            admin.namespaces().withName(ns).delete();
        }
    }

    /**
     * A scenario that hands its controller another kubeconfig (the admin one, say) would pass without proving
     * anything about the chart's RBAC; its world fails on close because nothing reached the API server as the
     * ServiceAccount. Here no controller runs at all, which looks the same to the world.
     */
    @Test
    void aWorldWhoseControllerNeverActedAsTheServiceAccountFails(KubeControlPlane kube) {
        requireAuditLog(kube);
        E2eWorld world = E2eWorld.start(kube, "bypass", Duration.ofSeconds(1));
        world.createGroup(0, 1, null);

        assertThatThrownBy(world::close).isInstanceOf(AssertionError.class)
                .hasMessageContaining("no request reached the API server as " + world.release().user())
                .hasMessageContaining("world.controllerKubeconfig()");
    }

    @ParameterizedTest(name = "without {0}/{1} {2}")
    @CsvSource({
            // The status writer's only write: the controller cannot record a desired size, so it cannot scale up.
            "autoscaler.vpsie.com, nodegroups/status, patch",
            // The finalizer: the group still scales, but the refusal must not go unnoticed.
            "autoscaler.vpsie.com, nodegroups, patch",
            // Events: the controller logs the failure and goes on, so only the audit log shows what it lost.
            "'', events, create"})
    void withoutOneVerbTheScaleUpScenarioFailsWithTheForbiddenItGot(String apiGroup, String resource, String verb,
                                                                     KubeControlPlane kube) {
        // Without it the status patch case would still fail, by timing out; the events case would pass.
        requireAuditLog(kube);
        long began = System.nanoTime();
        Throwable failure = catchThrowable(() -> ScaleUpE2E.oneRound(kube, 1,
                ControllerAccess.chartRbacWithout(apiGroup, resource, verb), new ArrayList<>(), new ArrayList<>()));
        double seconds = (System.nanoTime() - began) / 1e9;

        String group = apiGroup.isEmpty() ? "" : apiGroup + "/";
        System.out.printf(Locale.ROOT, "[e2e] least privilege: without %s%s %s the scale-up scenario failed after "
                + "%.1f s with: %s%n", group, resource, verb, seconds, failure == null ? "nothing" : failure);
        assertThat(failure).as("the scale-up scenario without %s%s %s", group, resource, verb).isNotNull()
                .as("it failed as soon as the Forbidden was seen, not by waiting out its timeout")
                .isNotInstanceOf(ConditionTimeoutException.class);
        assertThat(failure.getMessage()).as("what the scenario failed with")
                .contains("Forbidden (403): " + verb + " " + group + resource)
                .contains("cannot " + verb + " resource");
    }

    private static void requireAuditLog(KubeControlPlane kube) {
        if (kube.audit().isEmpty()) {
            throw new IllegalStateException("needs the audit log of a plane started by scripts/kube-control-plane.sh");
        }
    }
}
