package com.vpsie.autoscaler.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The controller's client honours what a kubeconfig asks for, impersonation included. */
@EnableKubernetesMockClient(https = false)
class KubernetesClientsTest {

    KubernetesMockServer server;

    @TempDir
    Path dir;

    @Test
    void kubeconfigImpersonationIsSentWithEveryRequest() throws Exception {
        // fabric8 7.8 reads as/as-groups/as-user-extra into its model but never applies them, so a kubeconfig
        // meant to run with a ServiceAccount's rights would silently run with the underlying credential's.
        Path kubeconfig = kubeconfig("""
                    as: system:serviceaccount:autoscaler:vpsie-autoscaler
                    as-groups: [team-a, team-b]
                    as-user-extra:
                      reason: [e2e]
                """);
        server.expect().get().withPath("/api/v1/namespaces/default/pods")
                .andReturn(200, new PodListBuilder().build()).once();

        try (KubernetesClient client = KubernetesClients.create(kubeconfig)) {
            client.pods().inNamespace("default").list();
        }

        RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(request).isNotNull();
        assertThat(request.getHeader("Impersonate-User")).isEqualTo("system:serviceaccount:autoscaler:vpsie-autoscaler");
        assertThat(request.getHeaders().headers("Impersonate-Group")).containsExactly("team-a", "team-b");
        assertThat(request.getHeader("Impersonate-Extra-reason")).isEqualTo("e2e");
    }

    /**
     * One call, one deadline: fabric8 retries a 5xx by default up to ten times with doubling waits, so one status
     * write, Node delete or lease release could block for minutes. The controller's callers retry on their own
     * schedule (work queue, next pass, elector's retry period), so the client must answer after one attempt.
     */
    @Test
    void aFailingCallIsAnsweredAfterOneAttemptNotAfterFabric8sRetries() throws Exception {
        server.expect().get().withPath("/api/v1/namespaces/default/pods")
                .andReturn(503, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":503}")
                .always();

        try (KubernetesClient client = KubernetesClients.create(kubeconfig(""))) {
            CompletableFuture<Void> call = CompletableFuture.runAsync(() -> client.pods().inNamespace("default").list());

            // fabric8's default would still be retrying after 3 s (100 ms, 200 ms, 400 ms, ... between attempts)
            assertThatThrownBy(() -> call.get(3, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(KubernetesClientException.class);
        }
        assertThat(server.getRequestCount()).as("attempts").isEqualTo(1);
    }

    @Test
    void withoutImpersonationNoneIsSent() throws Exception {
        server.expect().get().withPath("/api/v1/namespaces/default/pods")
                .andReturn(200, new PodListBuilder().build()).once();

        try (KubernetesClient client = KubernetesClients.create(kubeconfig(""))) {
            client.pods().inNamespace("default").list();
        }

        RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(request.getHeader("Impersonate-User")).isNull();
        assertThat(request.getHeaders().headers("Impersonate-Group")).isEmpty();
    }

    @Test
    void anImpersonatedUidIsRefusedRatherThanDropped() throws Exception {
        Path kubeconfig = kubeconfig("""
                    as: jane
                    as-uid: "1234"
                """);

        assertThatThrownBy(() -> KubernetesClients.create(kubeconfig))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("as-uid is not supported");
    }

    private Path kubeconfig(String userExtra) throws IOException {
        Path file = dir.resolve("kubeconfig");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mock
                  cluster:
                    server: http://%s:%d
                users:
                - name: someone
                  user:
                    token: not-a-real-token
                %scontexts:
                - name: mock
                  context:
                    cluster: mock
                    user: someone
                current-context: mock
                """.formatted(server.getHostName(), server.getPort(), userExtra));
        return file;
    }
}
