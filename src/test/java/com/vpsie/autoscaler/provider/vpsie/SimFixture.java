package com.vpsie.autoscaler.provider.vpsie;

import com.vpsie.autoscaler.metrics.AutoscalerMetrics;
import com.vpsie.autoscaler.provider.ProviderGroup;
import com.vpsie.autoscaler.sim.MutableClock;
import com.vpsie.autoscaler.sim.VpsieSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A started simulator with one cluster, one node group and the standard offers, plus providers wired to it
 * with short deadlines and back-offs so fault tests run in milliseconds.
 */
final class SimFixture implements AutoCloseable {

    static final String CLUSTER = "3f1c2d4e-cluster";
    static final String DC = "dc-ams-1";
    static final String GROUP_NAME = "workers";
    static final String CLIENT_ID = "autoscaler-client-id-77";
    static final String CLIENT_SECRET = "client-secret-value-9f8e7d";
    static final String TOKEN = "static-token-value-4c3b2a";

    final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    final VpsieSimulator sim = new VpsieSimulator(clock);
    final AutoscalerMetrics metrics = new AutoscalerMetrics();
    final long groupId;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    SimFixture() {
        sim.acceptClientCredentials(CLIENT_ID, CLIENT_SECRET).acceptStaticToken(TOKEN);
        sim.cloud().readyAfter(Duration.ofSeconds(30)).addStandardOffers(DC).addCluster(CLUSTER, "demo", DC);
        groupId = sim.cloud().addGroup(CLUSTER, GROUP_NAME, "2");
        try {
            sim.start(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Deadlines and back-offs in milliseconds; a high breaker threshold and rate limit unless a test lowers them;
     * no shared cluster listing.
     */
    VpsieConfig.Builder config() {
        return VpsieConfig.builder()
                .baseUrl(sim.baseUrl())
                .allowPlainHttp(true)
                .connectTimeout(Duration.ofMillis(500))
                .readTimeout(Duration.ofMillis(400))
                .writeTimeout(Duration.ofMillis(400))
                .callTimeout(Duration.ofMillis(800))
                .operationTimeout(Duration.ofSeconds(3))
                .retryBackoff(Duration.ofMillis(5), Duration.ofMillis(40))
                .maxRetryAfter(Duration.ofMillis(30))
                .rateLimit(100_000, Duration.ofMillis(100))
                .circuitBreaker(1000, Duration.ofMillis(200), 1)
                .createBulkhead(4, Duration.ofMillis(100))
                .createSettleTime(Duration.ZERO)
                // every listServers reaches the simulator (and its injected faults); tests of the shared
                // listing set a TTL themselves
                .clusterListingTtl(Duration.ZERO);
    }

    static VpsieCredentials clientCredentials() {
        return VpsieCredentials.clientCredentials(CLIENT_ID, CLIENT_SECRET, null);
    }

    static VpsieCredentials staticToken() {
        return VpsieCredentials.staticToken(TOKEN, null);
    }

    VpsieApiClient client(VpsieCredentialsSource credentials, UnaryOperator<VpsieConfig.Builder> tweak) {
        VpsieApiClient client = VpsieApiClient.create(tweak.apply(config()).build(), credentials, metrics, clock);
        closeables.add(client);
        return client;
    }

    VpsieApiClient client(VpsieCredentials credentials) {
        return client(new StaticCredentialsSource(credentials), b -> b);
    }

    VpsieCloudProvider provider(VpsieCredentialsSource credentials, UnaryOperator<VpsieConfig.Builder> tweak) {
        return new VpsieCloudProvider(client(credentials, tweak), clock);
    }

    VpsieCloudProvider provider(UnaryOperator<VpsieConfig.Builder> tweak) {
        return provider(new StaticCredentialsSource(clientCredentials()), tweak);
    }

    VpsieCloudProvider provider() {
        return provider(b -> b);
    }

    /** The NodeGroup as the controller describes it: VPSie group id not yet known, resolved by name. */
    static ProviderGroup group() {
        return new ProviderGroup("default", GROUP_NAME, DC, CLUSTER, null, List.of("2"), null);
    }

    ProviderGroup groupWithId() {
        return new ProviderGroup("default", GROUP_NAME, DC, CLUSTER, groupId, List.of("2"), null);
    }

    /** A sample of a counter from the Prometheus exposition, 0 when absent. */
    double metric(String name, String... labels) {
        for (String line : metrics.scrape().split("\n")) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
                continue;
            }
            boolean all = true;
            for (String label : labels) {
                all &= line.contains(label);
            }
            if (all) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    @Override
    public void close() {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort in teardown
            }
        }
        sim.stop();
    }
}
