package com.vpsie.autoscaler.provider.vpsie;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.vpsie.autoscaler.testing.vpsie.GoClientShapes;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves recorded VPSie answers (files under {@code src/test/resources/vpsie-contract/<shape>/}) over HTTP on
 * loopback, one per method and path, and keeps the requests it received. A request with no recorded answer gets
 * a 418 that no client reads as a VPSie answer.
 */
final class RecordedAnswers implements AutoCloseable {

    /** A received request; header names in lower case. */
    record Received(String method, String path, Map<String, String> headers) {
    }

    private record Answer(int status, String body) {
    }

    private final String shape;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final List<Received> received = new ArrayList<>();
    private final HttpServer server;

    RecordedAnswers(String shape) {
        this.shape = shape;
        try {
            // the JDK reads its server timeouts once per process: the same as the health server's, whoever starts first
            com.vpsie.autoscaler.metrics.HealthServer.applyRequestTimeouts();
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    /** Answers {@code method path} (below {@code /v2}) with the shape's file {@code name}.json and this status. */
    RecordedAnswers answer(String method, String path, int status, String name) {
        answers.put(method + " /v2" + path, new Answer(status, GoClientShapes.recorded(shape, name)));
        return this;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v2";
    }

    synchronized List<Received> requests() {
        return List.copyOf(received);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
            synchronized (this) {
                received.add(new Received(method, path, headers));
            }
            Answer answer = answers.getOrDefault(method + " " + path, new Answer(418, "no recorded answer"));
            byte[] bytes = answer.body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
