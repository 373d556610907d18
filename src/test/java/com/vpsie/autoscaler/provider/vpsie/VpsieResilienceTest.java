package com.vpsie.autoscaler.provider.vpsie;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.vpsie.autoscaler.provider.ProviderException;
import com.vpsie.autoscaler.sim.Fault;
import com.vpsie.autoscaler.sim.SimEndpoint;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every fault the simulator injects, with the outcome the client must produce, and the metrics it leaves. */
class VpsieResilienceTest {

    private final SimFixture fx = new SimFixture();

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private VpsieApiClient client() {
        return fx.client(SimFixture.staticToken());
    }

    @Test
    void tooManyRequestsIsRetriedAfterRetryAfter() throws Exception {
        VpsieApiClient client = client();
        fx.sim.injectFault(SimEndpoint.OFFERS, Fault.tooManyRequests(Duration.ofSeconds(1)));

        assertThat(client.listOffers(SimFixture.DC)).hasSize(4);

        assertThat(fx.sim.requestCount(SimEndpoint.OFFERS)).isEqualTo(2);
        assertThat(fx.metric("vpsie_autoscaler_vpsie_api_rate_limited_total", "endpoint=\"offers\"")).isEqualTo(1);
        assertThat(fx.metric("vpsie_autoscaler_vpsie_api_requests_total", "endpoint=\"offers\"",
                "result=\"rate_limited\"")).isEqualTo(1);
        assertThat(fx.metric("vpsie_autoscaler_vpsie_api_requests_total", "endpoint=\"offers\"",
                "result=\"success\"")).isEqualTo(1);
    }

    @Test
    void serverErrorsAreRetriedThenReportedAsTransient() throws Exception {
        VpsieApiClient client = client();
        fx.sim.injectFault(SimEndpoint.LIST_GROUPS, Fault.status(503), 2);
        assertThat(client.listNodeGroups(SimFixture.CLUSTER)).hasSize(1);
        assertThat(fx.sim.requestCount(SimEndpoint.LIST_GROUPS)).isEqualTo(3);

        fx.sim.setFault(SimEndpoint.LIST_GROUPS, Fault.status(502));
        assertThatThrownBy(() -> client.listNodeGroups(SimFixture.CLUSTER))
                .isInstanceOf(ProviderException.Transient.class)
                .hasMessageContaining("node_groups").hasMessageContaining("HTTP 502");
        assertThat(fx.sim.requestCount(SimEndpoint.LIST_GROUPS)).isEqualTo(6);
        assertThat(fx.metric("vpsie_autoscaler_vpsie_api_errors_total", "endpoint=\"node_groups\"",
                "type=\"transient\"")).isEqualTo(5);
    }

    @Test
    void aReplyPastTheReadDeadlineIsATimeoutAndRetried() throws Exception {
        VpsieApiClient client = client();
        fx.sim.injectFault(SimEndpoint.GET_CLUSTER, Fault.delay(Duration.ofMillis(1500)));

        assertThat(client.getCluster(SimFixture.CLUSTER).nodes()).hasSize(1);

        assertThat(fx.metric("vpsie_autoscaler_vpsie_api_requests_total", "endpoint=\"cluster\"",
                "result=\"timeout\"")).isEqualTo(1);
    }

    @Test
    void theOperationDeadlineBoundsAllAttempts() {
        VpsieApiClient client = fx.client(new StaticCredentialsSource(SimFixture.staticToken()),
                b -> b.operationTimeout(Duration.ofMillis(600)).maxAttempts(10));
        fx.sim.setFault(SimEndpoint.GET_CLUSTER, Fault.delay(Duration.ofSeconds(2)));

        assertThatThrownBy(() -> client.getCluster(SimFixture.CLUSTER))
                .isInstanceOf(ProviderException.Transient.class)
                .hasMessageContaining("cluster");
        assertThat(fx.sim.requestCount(SimEndpoint.GET_CLUSTER)).isLessThan(10);
    }

    @Test
    void errorTrueInAnHttp200IsAnErrorAndNotRetriedAtOnce() {
        VpsieApiClient client = client();
        fx.sim.injectFault(SimEndpoint.OFFERS, Fault.errorEnvelope("Service temporarily busy"));

        assertThatThrownBy(() -> client.listOffers(SimFixture.DC))
                .isInstanceOf(ProviderException.Transient.class)
                .hasMessageContaining("offers").hasMessageContaining("Service temporarily busy");
        assertThat(fx.sim.requestCount(SimEndpoint.OFFERS)).isEqualTo(1);
    }

    @Test
    void malformedJsonIsAnErrorNamingTheEndpoint() throws Exception {
        VpsieApiClient client = client();
        fx.sim.injectFault(SimEndpoint.OFFERS, Fault.malformedJson());
        assertThat(client.listOffers(SimFixture.DC)).hasSize(4);

        fx.sim.setFault(SimEndpoint.OFFERS, Fault.malformedJson());
        assertThatThrownBy(() -> client.listOffers(SimFixture.DC))
                .isInstanceOf(ProviderException.Transient.class)
                .hasMessageContaining("offers").hasMessageContaining("POST /k8s/offers")
                .hasMessageContaining("not valid JSON");
        assertThat(fx.metric("vpsie_autoscaler_vpsie_api_requests_total", "endpoint=\"offers\"",
                "result=\"malformed_response\"")).isEqualTo(4);
    }

    @Test
    void quotaAndPlanLimitMessagesAreTerminalAndNeverRetried() {
        VpsieApiClient client = client();
        for (String message : VpsieConfig.DEFAULT_TERMINAL_MESSAGES) {
            fx.sim.clearRequests();
            fx.sim.injectFault(SimEndpoint.ADD_WORKER, Fault.errorEnvelope("Sorry: " + message.toUpperCase()));
            assertThatThrownBy(() -> client.addWorker(SimFixture.CLUSTER, fx.groupId))
                    .as(message)
                    .isInstanceOf(ProviderException.Terminal.class)
                    .hasMessageContaining("add_worker");
            assertThat(fx.sim.requestCount(SimEndpoint.ADD_WORKER)).isEqualTo(1);
        }
        // Also behind a 5xx status: the message decides.
        fx.sim.injectFault(SimEndpoint.ADD_WORKER, Fault.status(500, "Quota exceeded for servers"));
        assertThatThrownBy(() -> client.addWorker(SimFixture.CLUSTER, fx.groupId))
                .isInstanceOf(ProviderException.Terminal.class);
        assertThat(fx.sim.cloud().workers(SimFixture.CLUSTER, fx.groupId)).isEmpty();
        assertThat(fx.metric("vpsie_autoscaler_vpsie_api_errors_total", "endpoint=\"add_worker\"",
                "type=\"terminal\"")).isEqualTo(6);
    }

    @Test
    void thePlanLimitOfTheSimulatedAccountIsTerminal() {
        VpsieApiClient client = client();
        fx.sim.cloud().maxWorkersPerCluster(0);

        assertThatThrownBy(() -> client.addWorker(SimFixture.CLUSTER, fx.groupId))
                .isInstanceOf(ProviderException.Terminal.class)
                .hasMessageContaining("exceeds the allowed limit");
    }

    @Test
    void addWorkerIsNotResentAfterA5xxButReportedAsUnknown() throws Exception {
        VpsieApiClient client = client();
        fx.sim.injectFault(SimEndpoint.ADD_WORKER, Fault.status(503));

        assertThat(client.addWorker(SimFixture.CLUSTER, fx.groupId)).isInstanceOf(AddWorkerOutcome.Unknown.class);
        assertThat(fx.sim.requestCount(SimEndpoint.ADD_WORKER)).isEqualTo(1);
    }

    @Test
    void addWorkerIsResentAfterA429BecauseNothingHappened() throws Exception {
        VpsieApiClient client = client();
        fx.sim.injectFault(SimEndpoint.ADD_WORKER, Fault.tooManyRequests(Duration.ofSeconds(1)));

        assertThat(client.addWorker(SimFixture.CLUSTER, fx.groupId)).isInstanceOf(AddWorkerOutcome.Accepted.class);
        assertThat(fx.sim.requestCount(SimEndpoint.ADD_WORKER)).isEqualTo(2);
        assertThat(fx.sim.cloud().workers(SimFixture.CLUSTER, fx.groupId)).hasSize(1);
    }

    @Test
    void aLostReplyToAddWorkerIsAnUnknownOutcome() throws Exception {
        VpsieApiClient client = client();
        fx.sim.injectFault(SimEndpoint.ADD_WORKER, Fault.lostResponse());

        AddWorkerOutcome outcome = client.addWorker(SimFixture.CLUSTER, fx.groupId);

        assertThat(outcome).isInstanceOf(AddWorkerOutcome.Unknown.class);
        assertThat(((AddWorkerOutcome.Unknown) outcome).reason()).contains("add_worker");
        assertThat(fx.sim.cloud().workers(SimFixture.CLUSTER, fx.groupId)).hasSize(1);
        assertThat(fx.sim.requestCount(SimEndpoint.ADD_WORKER)).isEqualTo(1);
    }

    @Test
    void deletingAWorkerThatIsGoneSucceeds() throws Exception {
        VpsieApiClient client = client();
        assertThat(client.deleteWorker(SimFixture.CLUSTER, "no-such-node")).isFalse();
    }

    @Test
    void circuitBreakerOpensAfterRepeatedFailuresAndClosesAfterASuccess() throws Exception {
        VpsieApiClient client = fx.client(new StaticCredentialsSource(SimFixture.staticToken()),
                b -> b.circuitBreaker(3, Duration.ofMillis(300), 1).maxAttempts(1));
        fx.sim.setFault(SimEndpoint.OFFERS, Fault.status(500));
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> client.listOffers(SimFixture.DC)).isInstanceOf(ProviderException.Transient.class);
        }
        assertThat(fx.metric("vpsie_autoscaler_vpsie_api_circuit_breaker_state", "endpoint=\"offers\"")).isEqualTo(2);

        // Open: fails fast without a request; other endpoint families are unaffected.
        assertThatThrownBy(() -> client.listOffers(SimFixture.DC))
                .isInstanceOf(ProviderException.Transient.class).hasMessageContaining("circuit breaker open");
        assertThat(fx.sim.requestCount(SimEndpoint.OFFERS)).isEqualTo(3);
        assertThat(client.listNodeGroups(SimFixture.CLUSTER)).hasSize(1);
        assertThat(fx.metric("vpsie_autoscaler_vpsie_api_circuit_breaker_state", "endpoint=\"node_groups\"")).isZero();

        fx.sim.clearFaults();
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50)).ignoreExceptions().untilAsserted(() ->
                assertThat(client.listOffers(SimFixture.DC)).hasSize(4));
        assertThat(fx.metric("vpsie_autoscaler_vpsie_api_circuit_breaker_state", "endpoint=\"offers\"")).isZero();
    }

    @Test
    void theClientSideRateLimitHoldsCallsBackAndCountsThem() throws Exception {
        VpsieApiClient client = fx.client(new StaticCredentialsSource(SimFixture.staticToken()),
                b -> b.rateLimit(3, Duration.ZERO));
        for (int i = 0; i < 3; i++) {
            client.listOffers(SimFixture.DC);
        }

        assertThatThrownBy(() -> client.listOffers(SimFixture.DC))
                .isInstanceOf(ProviderException.Transient.class)
                .hasMessageContaining("rate limit of 3 requests per minute");
        assertThat(fx.sim.requestCount(SimEndpoint.OFFERS)).isEqualTo(3);
        assertThat(fx.metric("vpsie_autoscaler_vpsie_api_rate_limited_total", "endpoint=\"offers\"")).isEqualTo(1);
    }

    @Test
    void theBulkheadLimitsConcurrentCreates() throws Exception {
        VpsieApiClient client = fx.client(new StaticCredentialsSource(SimFixture.staticToken()),
                b -> b.createBulkhead(1, Duration.ZERO).readTimeout(Duration.ofSeconds(2))
                        .callTimeout(Duration.ofSeconds(2)));
        fx.sim.injectFault(SimEndpoint.ADD_WORKER, Fault.delay(Duration.ofMillis(400)));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<AddWorkerOutcome> first = pool.submit(() -> client.addWorker(SimFixture.CLUSTER, fx.groupId));
            await().atMost(Duration.ofSeconds(2)).until(() -> fx.sim.activeRequests(SimEndpoint.ADD_WORKER) == 1);

            assertThatThrownBy(() -> client.addWorker(SimFixture.CLUSTER, fx.groupId))
                    .isInstanceOf(ProviderException.Transient.class)
                    .hasMessageContaining("server creations in flight");
            assertThat(first.get(5, TimeUnit.SECONDS)).isInstanceOf(AddWorkerOutcome.Accepted.class);
        } finally {
            pool.shutdownNow();
        }
        assertThat(fx.sim.cloud().workers(SimFixture.CLUSTER, fx.groupId)).hasSize(1);
    }

    @Test
    void everyExchangeIsTimedPerEndpointFamily() throws Exception {
        VpsieApiClient client = fx.client(SimFixture.clientCredentials());
        client.listOffers(SimFixture.DC);

        String scrape = fx.metrics.scrape();
        assertThat(scrape).contains("vpsie_autoscaler_vpsie_api_request_duration_seconds_count{endpoint=\"auth\"}")
                .contains("vpsie_autoscaler_vpsie_api_request_duration_seconds_count{endpoint=\"offers\"}")
                .doesNotContain("k8s/offers").doesNotContain(SimFixture.DC);
    }
}
