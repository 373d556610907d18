package com.vpsie.autoscaler.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HealthServerIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final AutoscalerMetrics metrics = new AutoscalerMetrics();
    private final AtomicReference<HealthStatus> live = new AtomicReference<>(HealthStatus.healthy());
    private final AtomicReference<HealthStatus> ready = new AtomicReference<>(HealthStatus.healthy());
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private HealthServer server;

    @BeforeEach
    void start() throws IOException {
        server = new HealthServer(0, metrics, live::get, ready::get).start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).timeout(TIMEOUT).GET().build());
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    @Test
    void metricsServesThePrometheusText() throws Exception {
        metrics.lastActivity("autoscaling-pass", java.time.Instant.parse("2026-11-22T12:00:00Z"));

        HttpResponse<String> response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .contains("text/plain; version=0.0.4; charset=utf-8");
        assertThat(response.body())
                .contains("vpsie_autoscaler_last_activity_timestamp_seconds{loop=\"autoscaling-pass\"} ");
    }

    @Test
    void healthzAndReadyzAnswerFromTheirOwnChecks() throws Exception {
        assertThat(get("/healthz").statusCode()).isEqualTo(200);
        assertThat(get("/healthz").body()).isEqualTo("ok\n");
        assertThat(get("/readyz").statusCode()).isEqualTo(200);

        ready.set(HealthStatus.unhealthy("informer caches not synced yet"));
        HttpResponse<String> notReady = get("/readyz");
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(notReady.body()).isEqualTo("informer caches not synced yet\n");
        assertThat(get("/healthz").statusCode()).isEqualTo(200);

        live.set(HealthStatus.unhealthy("autoscaling-pass last ran 1m35s ago\n(limit 30s)"));
        HttpResponse<String> dead = get("/healthz");
        assertThat(dead.statusCode()).isEqualTo(503);
        assertThat(dead.body()).isEqualTo("autoscaling-pass last ran 1m35s ago (limit 30s)\n");
    }

    @Test
    void aCheckThatThrowsIsAFailureNotAnError() throws Exception {
        server.close();
        server = new HealthServer(0, metrics, () -> {
            throw new IllegalStateException("lease state unknown");
        }, () -> null).start();

        HttpResponse<String> live = get("/healthz");
        assertThat(live.statusCode()).isEqualTo(503);
        assertThat(live.body()).contains("lease state unknown");
        assertThat(get("/readyz").statusCode()).isEqualTo(503);
    }

    @Test
    void otherPathsAreNotFoundAndOtherMethodsNotAllowed() throws Exception {
        assertThat(get("/").statusCode()).isEqualTo(404);
        assertThat(get("/metricsz").statusCode()).isEqualTo(404);
        assertThat(get("/healthz/extra").statusCode()).isEqualTo(404);
        assertThat(get("/readyz?verbose").statusCode()).isEqualTo(200);

        HttpResponse<String> post = send(HttpRequest.newBuilder(uri("/healthz")).timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString("x")).build());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");

        HttpResponse<String> head = send(HttpRequest.newBuilder(uri("/healthz")).timeout(TIMEOUT)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }

    @Test
    void manyConcurrentRequestsAreAllAnswered() throws Exception {
        var futures = new java.util.ArrayList<java.util.concurrent.CompletableFuture<HttpResponse<String>>>();
        for (int i = 0; i < 50; i++) {
            futures.add(http.sendAsync(HttpRequest.newBuilder(uri(i % 2 == 0 ? "/metrics" : "/healthz"))
                    .timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (var f : futures) {
            assertThat(f.get().statusCode()).isEqualTo(200);
        }
    }

    /**
     * Clients that open a connection and never finish their request (a stuck scraper, a half-open connection left by
     * a node going away) must not take the server's threads for good: the kubelet's probes must still be answered,
     * or a healthy controller is restarted for a liveness failure it does not have.
     */
    @Test
    void clientsThatNeverFinishTheirRequestDoNotStarveTheProbes() throws Exception {
        List<java.net.Socket> stuck = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                java.net.Socket s = new java.net.Socket("127.0.0.1", server.port());
                s.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                stuck.add(s);
            }
            HttpClient probe = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpResponse<String> answer = probe.send(HttpRequest.newBuilder(uri("/healthz"))
                    .timeout(HealthServer.REQUEST_TIMEOUT.plusSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(answer.statusCode()).isEqualTo(200);
        } finally {
            for (java.net.Socket s : stuck) {
                s.close();
            }
        }
    }

    @Test
    void closeStopsWithinASecondAndFreesThePort() throws Exception {
        int port = server.port();
        long started = System.nanoTime();
        server.close();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));

        // The port can be bound again at once.
        server = new HealthServer(port, metrics, live::get, ready::get).start();
        assertThat(get("/healthz").statusCode()).isEqualTo(200);
        server.close();
        server.close(); // idempotent
    }
}
