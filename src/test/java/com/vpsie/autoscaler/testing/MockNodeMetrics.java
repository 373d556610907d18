package com.vpsie.autoscaler.testing;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.NodeMetrics;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.NodeMetricsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * metrics-server's part against fabric8's mock API server: every period it writes a NodeMetrics object per node
 * with the usage the test set and the time it measured. Mock-only: fabric8's mock does not serve
 * {@code metrics.k8s.io} by itself, but stores and lists NodeMetrics like any object, so they are written here;
 * a real API server serves them read-only through an APIService backed by metrics-server. Unkind like the real
 * one on request: {@link #lag} makes it serve old measurements (a metrics-server that stopped scraping), and the
 * mock dispatcher's faults make the API fail.
 */
public final class MockNodeMetrics implements AutoCloseable {

    private record Usage(String cpu, String memory) {
    }

    private final KubernetesClient client;
    private final Clock clock;
    private final Map<String, Usage> usage = new ConcurrentHashMap<>();
    private volatile Duration lag = Duration.ZERO;
    private ScheduledExecutorService executor;

    public MockNodeMetrics(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    /** From the next round on, {@code node} uses this much CPU ("150m") and memory ("200Mi"). */
    public MockNodeMetrics use(String node, String cpu, String memory) {
        usage.put(node, new Usage(cpu, memory));
        return this;
    }

    /** From the next round on, measurements are stamped this long ago. */
    public void lag(Duration by) {
        lag = by;
    }

    public synchronized void start(long periodMillis) {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mock-node-metrics");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(() -> {
            try {
                publishOnce();
            } catch (RuntimeException e) {
                // a fault the test injected on the API: the next round tries again
            }
        }, 0, periodMillis, TimeUnit.MILLISECONDS);
    }

    public void publishOnce() {
        Instant at = clock.instant().minus(lag);
        usage.forEach((node, u) -> {
            NodeMetrics m = new NodeMetricsBuilder().withNewMetadata().withName(node).endMetadata()
                    .withTimestamp(at.toString()).withWindow(new io.fabric8.kubernetes.api.model.Duration(
                            Duration.ofSeconds(15)))
                    .withUsage(Map.of("cpu", new Quantity(u.cpu()), "memory", new Quantity(u.memory()))).build();
            client.resources(NodeMetrics.class).resource(m).createOr(NonDeletingOperation::update);
        });
    }

    @Override
    public synchronized void close() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
