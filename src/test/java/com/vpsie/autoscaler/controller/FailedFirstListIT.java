package com.vpsie.autoscaler.controller;

import static com.vpsie.autoscaler.testing.IgnoreEvents.ignoring;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.vpsie.autoscaler.provider.vpsie.CredentialsUnavailableException;
import com.vpsie.autoscaler.provider.vpsie.SecretCredentialsSource;
import com.vpsie.autoscaler.sim.kube.StrictMockServer;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Informers whose first list fails (API server answering 500, as during an upgrade or an etcd hiccup; with the mock
 * the fault is injected, a real server would also answer 403 for missing RBAC) keep retrying in the background and
 * say why they are not ready; once the API answers they sync without a restart.
 */
class FailedFirstListIT {

    private StrictMockServer kube;
    private SecretCredentialsSource credentials;
    private ClusterCache cache;

    @BeforeEach
    void start() {
        kube = StrictMockServer.start();
    }

    @AfterEach
    void stop() {
        if (credentials != null) {
            credentials.close();
        }
        if (cache != null) {
            cache.close();
        }
        kube.close();
    }

    @Test
    void theCredentialsSecretIsReadOnceTheApiAnswersWithoutARestart() throws Exception {
        Runnable heal = kube.dispatcher().fail(r -> "GET".equals(r.getMethod()) && r.getPath().contains("/secrets"),
                500);
        credentials = new SecretCredentialsSource(kube.client(), "kube-system", "vpsie-secret")
                .start(Duration.ofSeconds(1));
        assertThat(credentials.problem()).as("why VPSie calls cannot be made").isPresent()
                .hasValueSatisfying(p -> assertThat(p).contains("kube-system/vpsie-secret"));

        Thread.sleep(2000);
        heal.run();
        kube.client().secrets().inNamespace("kube-system").resource(new SecretBuilder().withNewMetadata()
                .withNamespace("kube-system").withName("vpsie-secret").endMetadata()
                .withStringData(Map.of("token", "a-token")).build()).create();

        await().atMost(60, TimeUnit.SECONDS).ignoreException(CredentialsUnavailableException.class)
                .until(() -> credentials.current() != null);
        assertThat(credentials.problem()).isEmpty();
    }

    @Test
    void theCachesSyncOnceTheApiAnswersAndSayWhyNotUntilThen() throws Exception {
        Runnable heal = kube.dispatcher().fail(r -> "GET".equals(r.getMethod()) && r.getPath().startsWith("/api/v1/nodes"),
                500);
        cache = new ClusterCache(kube.client(), List.of("test"));
        cache.start(ignoring(), ignoring(), ignoring());
        Thread.sleep(2000);
        assertThat(cache.synced()).isFalse();
        assertThat(cache.notSyncedReason()).contains("nodes");

        heal.run();

        await().atMost(60, TimeUnit.SECONDS).until(cache::synced);
    }
}
