package com.vpsie.autoscaler.provider.vpsie;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.vpsie.autoscaler.provider.ProviderException;
import com.vpsie.autoscaler.sim.SimEndpoint;
import com.vpsie.autoscaler.sim.SimRequest;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Credentials from a Secret watched through fabric8's mock API server: create, rotate, break, delete. */
@EnableKubernetesMockClient(crud = true)
class SecretCredentialsSourceTest {

    private static final String NS = "kube-system";
    private static final String NAME = "vpsie-secret";
    private static final Duration WAIT = Duration.ofSeconds(5);

    KubernetesClient client;

    private final SimFixture fx = new SimFixture();
    private SecretCredentialsSource source;

    @AfterEach
    void tearDown() {
        if (source != null) {
            source.close();
        }
        fx.close();
    }

    private SecretCredentialsSource start() {
        source = new SecretCredentialsSource(client, NS, NAME).start(WAIT);
        return source;
    }

    private void putSecret(Map<String, String> values) {
        Map<String, String> data = new LinkedHashMap<>();
        values.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        Secret secret = new SecretBuilder().withNewMetadata().withNamespace(NS).withName(NAME).endMetadata()
                .withData(data).build();
        client.secrets().inNamespace(NS).resource(secret).createOr(op -> op.update());
    }

    @Test
    void clientCredentialsFromTheSecretAuthenticateCalls() throws Exception {
        putSecret(Map.of("clientId", SimFixture.CLIENT_ID, "clientSecret", SimFixture.CLIENT_SECRET + "\n"));
        VpsieCloudProvider provider = fx.provider(start(), b -> b);

        assertThat(provider.listOfferings(SimFixture.DC)).hasSize(4);
        assertThat(fx.sim.requests()).filteredOn(r -> r.endpoint() == SimEndpoint.OFFERS)
                .extracting(SimRequest::principal).containsExactly(SimFixture.CLIENT_ID);
    }

    @Test
    void rotatingTheSecretIsUsedByTheNextCallWithoutRestart() throws Exception {
        putSecret(Map.of("clientId", SimFixture.CLIENT_ID, "clientSecret", SimFixture.CLIENT_SECRET));
        VpsieApiClient api = fx.client(start(), b -> b);
        api.listNodeGroups(SimFixture.CLUSTER);

        // VPSie issues new credentials and revokes the old ones; the operator updates the Secret.
        fx.sim.revokeAllCredentials().acceptClientCredentials("rotated-id", "rotated-secret-value");
        putSecret(Map.of("clientId", "rotated-id", "clientSecret", "rotated-secret-value"));
        await().atMost(WAIT).until(() -> "rotated-id".equals(source.current().clientId()));

        assertThat(api.listNodeGroups(SimFixture.CLUSTER)).hasSize(1);
        List<SimRequest> requests = fx.sim.requests();
        assertThat(requests.get(requests.size() - 1).principal()).isEqualTo("rotated-id");
    }

    @Test
    void aStaticTokenWinsAndItsRotationIsPickedUp() throws Exception {
        putSecret(Map.of("token", SimFixture.TOKEN, "clientId", "ignored-id", "clientSecret", "ignored-secret"));
        VpsieApiClient api = fx.client(start(), b -> b);
        api.listOffers(SimFixture.DC);
        assertThat(fx.sim.requestCount(SimEndpoint.AUTH)).isZero();

        fx.sim.revokeAllCredentials().acceptStaticToken("second-static-token");
        putSecret(Map.of("token", "second-static-token"));
        await().atMost(WAIT).until(() -> "second-static-token".equals(source.current().token()));

        assertThat(api.listOffers(SimFixture.DC)).hasSize(4);
    }

    @Test
    void theUrlKeyOverridesTheConfiguredBase() throws Exception {
        putSecret(Map.of("token", SimFixture.TOKEN, "url", fx.sim.baseUrl()));
        VpsieApiClient api = fx.client(start(), b -> b.baseUrl("http://127.0.0.1:9/v2"));

        assertThat(api.listOffers(SimFixture.DC)).hasSize(4);
    }

    @Test
    void aMissingSecretIsAClearTerminalErrorAndRecoveryNeedsNoRestart() throws Exception {
        VpsieApiClient api = fx.client(start(), b -> b);

        assertThatThrownBy(() -> api.listOffers(SimFixture.DC))
                .isInstanceOf(ProviderException.Terminal.class)
                .hasMessageContaining("Secret kube-system/vpsie-secret not found");
        assertThat(fx.sim.requests()).isEmpty();

        putSecret(Map.of("token", SimFixture.TOKEN));
        await().atMost(WAIT).ignoreExceptions().until(() -> api.listOffers(SimFixture.DC).size() == 4);
    }

    @Test
    void deletingTheSecretGivesAClearError() throws Exception {
        putSecret(Map.of("token", SimFixture.TOKEN));
        VpsieApiClient api = fx.client(start(), b -> b);
        api.listOffers(SimFixture.DC);

        client.secrets().inNamespace(NS).withName(NAME).delete();

        await().atMost(WAIT).untilAsserted(() -> assertThatThrownBy(source::current)
                .isInstanceOf(CredentialsUnavailableException.class)
                .hasMessage("VPSie credentials Secret kube-system/vpsie-secret not found"));
        assertThatThrownBy(() -> api.listOffers(SimFixture.DC))
                .isInstanceOf(ProviderException.Terminal.class)
                .hasMessageContaining("not found")
                .hasMessageNotContaining(SimFixture.TOKEN);
    }

    @Test
    void missingKeysAreNamedAndValuesNeverShown() {
        putSecret(Map.of("clientId", "visible-only-as-key-id"));
        start();

        assertThatThrownBy(source::current).isInstanceOf(CredentialsUnavailableException.class)
                .hasMessage("VPSie credentials Secret kube-system/vpsie-secret: key 'clientSecret' is missing or empty");

        putSecret(Map.of("clientSecret", "secret-without-id"));
        await().atMost(WAIT).untilAsserted(() -> assertThatThrownBy(source::current)
                .hasMessageContaining("key 'clientId' is missing or empty")
                .hasMessageNotContaining("secret-without-id"));

        putSecret(Map.of("unrelated", "x"));
        await().atMost(WAIT).untilAsserted(() -> assertThatThrownBy(source::current)
                .hasMessageContaining("neither key 'token' nor keys 'clientId' and 'clientSecret'"));

        putSecret(Map.of("token", "   "));
        await().atMost(WAIT).untilAsserted(() -> assertThatThrownBy(source::current)
                .hasMessageContaining("neither key 'token'"));
    }

    @Test
    void describesItselfWithoutValues() {
        // Not started: closing a watch the instant it opened can deadlock the mock server's event loop.
        source = new SecretCredentialsSource(client, NS, NAME);

        assertThat(source.toString()).isEqualTo("SecretCredentialsSource[kube-system/vpsie-secret]");
        assertThatThrownBy(source::current).hasMessageContaining("has not been read yet");
    }
}
