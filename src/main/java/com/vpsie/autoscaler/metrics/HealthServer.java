package com.vpsie.autoscaler.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code /metrics} (Prometheus text), {@code /healthz} and {@code /readyz} on one port, on the JDK's
 * own HTTP server so no second HTTP stack is needed for three tiny endpoints.
 */
public final class HealthServer implements AutoCloseable {

    static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final String TEXT_CONTENT_TYPE = "text/plain; charset=utf-8";
    private static final Logger LOG = LoggerFactory.getLogger(HealthServer.class);
    // Kubelet probes and one or two Prometheus scrapers are the only clients; two threads are plenty.
    private static final int THREADS = 2;
    private static final int QUEUE = 16;
    private static final int BACKLOG = 16;
    private static final long CLOSE_WAIT_MILLIS = 500;
    /** How long a client may take to send its request, and to take the answer. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    static {
        applyRequestTimeouts();
    }

    /**
     * Bounds how long any JDK HTTP server in this process waits for a client to send its request and to take the
     * answer ({@link #REQUEST_TIMEOUT}); without it a client that never finishes its request holds a server thread
     * for good, and two such clients starve the kubelet's probes. The JDK reads these settings once, when its first
     * server is created, so every class that starts one calls this first; a value the operator set is kept.
     */
    public static void applyRequestTimeouts() {
        String seconds = Long.toString(REQUEST_TIMEOUT.toSeconds());
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", seconds);
        }
        if (System.getProperty("sun.net.httpserver.maxRspTime") == null) {
            System.setProperty("sun.net.httpserver.maxRspTime", seconds);
        }
    }

    private final int requestedPort;
    private final AutoscalerMetrics metrics;
    private final Supplier<HealthStatus> liveness;
    private final Supplier<HealthStatus> readiness;
    private HttpServer server;
    private ThreadPoolExecutor executor;

    /**
     * @param port the port to listen on, on all interfaces; 0 picks a free one (see {@link #port()})
     * @param liveness answers {@code /healthz}
     * @param readiness answers {@code /readyz}
     */
    public HealthServer(int port, AutoscalerMetrics metrics, Supplier<HealthStatus> liveness,
            Supplier<HealthStatus> readiness) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        this.requestedPort = port;
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.liveness = Objects.requireNonNull(liveness, "liveness");
        this.readiness = Objects.requireNonNull(readiness, "readiness");
    }

    /** Binds the port and starts answering; fails if the port is taken. */
    public synchronized HealthServer start() throws IOException {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(QUEUE), daemonThreads(),
                // When both threads and the queue are busy the dispatcher answers itself: slower accepts
                // are better than a dropped exchange, which the JDK server would leave hanging open.
                new ThreadPoolExecutor.CallerRunsPolicy());
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(requestedPort), BACKLOG);
        } catch (IOException e) {
            pool.shutdownNow();
            throw e;
        }
        http.createContext("/", this::handle);
        http.setExecutor(pool);
        http.start();
        executor = pool;
        server = http;
        LOG.info("Serving /metrics, /healthz and /readyz on port {}", port());
        return this;
    }

    /** The port actually bound. */
    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("not started");
        }
        return server.getAddress().getPort();
    }

    /** Stops listening at once and gives running exchanges half a second; idempotent. */
    @Override
    public synchronized void close() {
        if (server == null) {
            return;
        }
        // stop(0): on JDK 17 any positive delay is waited out in full even when nothing is in flight.
        server.stop(0);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        server = null;
        executor = null;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            boolean head = "HEAD".equals(method);
            if (!head && !"GET".equals(method)) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                respond(exchange, 405, TEXT_CONTENT_TYPE, "method not allowed\n", false);
                return;
            }
            switch (exchange.getRequestURI().getPath()) {
                case "/metrics" -> serveMetrics(exchange, head);
                case "/healthz" -> serveCheck(exchange, liveness, head);
                case "/readyz" -> serveCheck(exchange, readiness, head);
                default -> respond(exchange, 404, TEXT_CONTENT_TYPE, "not found\n", head);
            }
        }
    }

    private void serveMetrics(HttpExchange exchange, boolean head) throws IOException {
        String body;
        try {
            body = metrics.scrape();
        } catch (RuntimeException e) {
            LOG.warn("Rendering metrics failed: {}", e.toString());
            respond(exchange, 500, TEXT_CONTENT_TYPE, "metrics unavailable\n", head);
            return;
        }
        respond(exchange, 200, PROMETHEUS_CONTENT_TYPE, body, head);
    }

    private static void serveCheck(HttpExchange exchange, Supplier<HealthStatus> check, boolean head)
            throws IOException {
        HealthStatus status;
        try {
            status = check.get();
        } catch (RuntimeException e) {
            // A check that cannot answer is itself a failure; the exception names what broke.
            status = HealthStatus.unhealthy("health check failed: " + e);
        }
        if (status == null) {
            status = HealthStatus.unhealthy("health check returned nothing");
        }
        respond(exchange, status.ok() ? 200 : 503, TEXT_CONTENT_TYPE, status.reason() + "\n", head);
    }

    private static void respond(HttpExchange exchange, int code, String contentType, String body, boolean head)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        if (head) {
            exchange.sendResponseHeaders(code, -1);
            return;
        }
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "health-http-" + n.incrementAndGet());
            // Never the reason the JVM stays up after the controller has stopped.
            t.setDaemon(true);
            return t;
        };
    }
}
