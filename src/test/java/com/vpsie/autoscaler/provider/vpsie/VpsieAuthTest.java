package com.vpsie.autoscaler.provider.vpsie;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vpsie.autoscaler.provider.ProviderException;
import com.vpsie.autoscaler.sim.Fault;
import com.vpsie.autoscaler.sim.SimEndpoint;
import com.vpsie.autoscaler.sim.SimRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Both auth modes against the simulator: exchange, reuse, refresh before expiry, shared refresh, 401 recovery. */
class VpsieAuthTest {

    private final SimFixture fx = new SimFixture();

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @Test
    void clientCredentialsAreExchangedOnceAndTheTokenReused() throws Exception {
        VpsieApiClient client = fx.client(SimFixture.clientCredentials());

        assertThat(client.listOffers(SimFixture.DC)).hasSize(4);
        assertThat(client.listNodeGroups(SimFixture.CLUSTER)).extracting(VpsieWire.NodeGroupDto::groupName)
                .containsExactly(SimFixture.GROUP_NAME);
        assertThat(client.getCluster(SimFixture.CLUSTER).nodes()).hasSize(1);

        assertThat(fx.sim.requestCount(SimEndpoint.AUTH)).isEqualTo(1);
        assertThat(fx.sim.requests()).filteredOn(r -> r.endpoint() != SimEndpoint.AUTH)
                .extracting(SimRequest::principal).containsOnly(SimFixture.CLIENT_ID);
    }

    @ParameterizedTest
    @EnumSource(StaticTokenAuth.class)
    void staticTokenGoesOutWithoutAnyExchangeInEitherHeader(StaticTokenAuth auth) throws Exception {
        VpsieApiClient client = fx.client(new StaticCredentialsSource(SimFixture.staticToken()),
                b -> b.staticTokenAuth(auth));

        assertThat(client.listOffers(SimFixture.DC)).hasSize(4);

        assertThat(fx.sim.requestCount(SimEndpoint.AUTH)).isZero();
        assertThat(fx.sim.requests()).extracting(SimRequest::principal).containsOnly("static-token");
    }

    @Test
    void tokenIsRefreshedBeforeItExpires() throws Exception {
        VpsieApiClient client = fx.client(SimFixture.clientCredentials());
        client.listOffers(SimFixture.DC);

        // The simulator's tokens live an hour; the client refreshes five minutes ahead.
        fx.clock.advance(Duration.ofMinutes(54));
        client.listOffers(SimFixture.DC);
        assertThat(fx.sim.requestCount(SimEndpoint.AUTH)).isEqualTo(1);

        fx.clock.advance(Duration.ofMinutes(2));
        client.listOffers(SimFixture.DC);
        assertThat(fx.sim.requestCount(SimEndpoint.AUTH)).isEqualTo(2);
        assertThat(fx.sim.requests()).extracting(SimRequest::status).doesNotContain(401);
    }

    @Test
    void concurrentCallersShareOneTokenExchange() throws Exception {
        VpsieApiClient client = fx.client(SimFixture.clientCredentials());
        // A slow exchange makes every caller arrive while it is in flight.
        fx.sim.injectFault(SimEndpoint.AUTH, Fault.delay(Duration.ofMillis(150)));

        assertThat(runConcurrently(8, () -> client.listOffers(SimFixture.DC).size())).containsOnly(4);
        assertThat(fx.sim.requestCount(SimEndpoint.AUTH)).isEqualTo(1);

        // Expired: again exactly one exchange for all of them.
        fx.clock.advance(Duration.ofHours(2));
        fx.sim.injectFault(SimEndpoint.AUTH, Fault.delay(Duration.ofMillis(150)));
        assertThat(runConcurrently(8, () -> client.listOffers(SimFixture.DC).size())).containsOnly(4);
        assertThat(fx.sim.requestCount(SimEndpoint.AUTH)).isEqualTo(2);
    }

    @Test
    void a401RefreshesTheTokenOnceAndRetries() throws Exception {
        VpsieApiClient client = fx.client(SimFixture.clientCredentials());
        client.listOffers(SimFixture.DC);

        fx.sim.revokeIssuedTokens();
        assertThat(client.listOffers(SimFixture.DC)).hasSize(4);

        assertThat(fx.sim.requestCount(SimEndpoint.AUTH)).isEqualTo(2);
        assertThat(fx.sim.requests()).filteredOn(r -> r.endpoint() == SimEndpoint.OFFERS)
                .extracting(SimRequest::status).containsExactly(200, 401, 200);
    }

    @Test
    void concurrent401sShareOneRefresh() throws Exception {
        VpsieApiClient client = fx.client(SimFixture.clientCredentials());
        client.listOffers(SimFixture.DC);
        fx.sim.revokeIssuedTokens();
        fx.sim.injectFault(SimEndpoint.AUTH, Fault.delay(Duration.ofMillis(150)));

        assertThat(runConcurrently(6, () -> client.listOffers(SimFixture.DC).size())).containsOnly(4);

        assertThat(fx.sim.requestCount(SimEndpoint.AUTH)).isEqualTo(2);
    }

    @Test
    void rejectedClientCredentialsAreTerminalAndNotRepeated() {
        VpsieApiClient client = fx.client(VpsieCredentials.clientCredentials("wrong-id", "wrong-secret-value", null));

        assertThatThrownBy(() -> client.listOffers(SimFixture.DC))
                .isInstanceOf(ProviderException.Terminal.class)
                .hasMessageContaining("auth").hasMessageContaining("401")
                .hasMessageNotContaining("wrong-secret-value");
        assertThat(fx.sim.requestCount(SimEndpoint.AUTH)).isEqualTo(1);
        assertThat(fx.sim.requestCount(SimEndpoint.OFFERS)).isZero();
    }

    @Test
    void aRejectedStaticTokenIsTerminalAfterOneRequest() {
        VpsieApiClient client = fx.client(VpsieCredentials.staticToken("revoked-token-value", null));

        assertThatThrownBy(() -> client.listOffers(SimFixture.DC))
                .isInstanceOf(ProviderException.Terminal.class)
                .hasMessageContaining("offers").hasMessageContaining("401")
                .hasMessageNotContaining("revoked-token-value");
        assertThat(fx.sim.requestCount(SimEndpoint.OFFERS)).isEqualTo(1);
    }

    @Test
    void aStaticTokenRotatedAfterA401IsPickedUpInTheSameCall() throws Exception {
        StaticCredentialsSource source = new StaticCredentialsSource(SimFixture.staticToken());
        VpsieApiClient client = fx.client(source, b -> b);
        client.listOffers(SimFixture.DC);

        fx.sim.revokeAllCredentials().acceptStaticToken("rotated-token-value");
        source.set(VpsieCredentials.staticToken("rotated-token-value", null));

        assertThat(client.listOffers(SimFixture.DC)).hasSize(4);
    }

    @Test
    void switchingFromStaticTokenToClientCredentialsExchangesOnTheNextCall() throws Exception {
        StaticCredentialsSource source = new StaticCredentialsSource(SimFixture.staticToken());
        VpsieApiClient client = fx.client(source, b -> b);
        client.listOffers(SimFixture.DC);
        assertThat(fx.sim.requestCount(SimEndpoint.AUTH)).isZero();

        source.set(SimFixture.clientCredentials());
        client.listOffers(SimFixture.DC);

        assertThat(fx.sim.requestCount(SimEndpoint.AUTH)).isEqualTo(1);
        assertThat(fx.sim.requests().get(fx.sim.requests().size() - 1).principal()).isEqualTo(SimFixture.CLIENT_ID);
    }

    @Test
    void credentialsAreNotSentOverPlainHttpUnlessAllowed() {
        VpsieApiClient client = fx.client(new StaticCredentialsSource(SimFixture.clientCredentials()),
                b -> b.allowPlainHttp(false));

        assertThatThrownBy(() -> client.listOffers(SimFixture.DC))
                .isInstanceOf(ProviderException.Terminal.class)
                .hasMessageContaining("plain HTTP");
        assertThat(fx.sim.requests()).isEmpty();
    }

    private static <T> List<T> runConcurrently(int callers, ThrowingSupplier<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return call.get();
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(10, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @FunctionalInterface
    interface ThrowingSupplier<T> {
        T get() throws Exception;
    }
}
