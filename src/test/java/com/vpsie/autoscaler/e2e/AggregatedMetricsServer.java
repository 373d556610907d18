package com.vpsie.autoscaler.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.NodeMetrics;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.NodeMetricsBuilder;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.NodeMetricsListBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * metrics-server's part on the real control plane: an HTTPS server in the test JVM serving {@code metrics.k8s.io/v1beta1}
 * node metrics with the usage the test set, registered with the API server's aggregation layer by an
 * {@code APIService}, so clients read it through the API server exactly as they read metrics-server.
 *
 * <p>How the route works without kube-proxy: the APIService names an {@code ExternalName} Service whose host is
 * {@code localhost}; the aggregator resolves such a Service to {@code https://<externalName>:<APIService port>}
 * (k8s.io/apiserver's proxy.ResolveCluster), which reaches this server next to the API server. A ClusterIP Service
 * would need kube-proxy, and Endpoints may not point at loopback. The certificate is self-signed (the APIService
 * skips TLS verification, as many metrics-server installs do); the front-proxy client certificate the aggregator
 * presents is not checked, since only the test can reach this port.
 *
 * <p>It serves what the test set and nothing else: faults of the metrics API (stale or missing measurements, the
 * API unavailable) are covered against the mock API server with MockNodeMetrics in ControllerIT.
 */
final class AggregatedMetricsServer implements AutoCloseable {

    static final String GROUP = "metrics.k8s.io";
    static final String VERSION = "v1beta1";
    private static final String BASE = "/apis/" + GROUP + "/" + VERSION;
    private static final String NODES = BASE + "/nodes";
    private static final String API_SERVICE = VERSION + "." + GROUP;
    private static final String SERVICE = "metrics-server";
    private static final char[] PASSWORD = "e2e-metrics".toCharArray();
    private static final ResourceDefinitionContext API_SERVICES = new ResourceDefinitionContext.Builder()
            .withGroup("apiregistration.k8s.io").withVersion("v1").withKind("APIService").withPlural("apiservices")
            .withNamespaced(false).build();

    private record Usage(String cpu, String memory) {
    }

    private final KubernetesClient client;
    private final String namespace;
    private final Clock clock;
    private final Map<String, Usage> usage = new ConcurrentHashMap<>();
    private final HttpsServer server;
    private final ExecutorService executor;

    private AggregatedMetricsServer(KubernetesClient client, String namespace, Clock clock, SSLContext tls)
            throws IOException {
        this.client = client;
        this.namespace = namespace;
        this.clock = clock;
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/", this::handle);
        executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "aggregated-metrics-server");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
    }

    /**
     * Starts serving and registers the APIService (and the Service it names, in {@code namespace}). The caller waits
     * for {@link #available()} before relying on it.
     */
    static AggregatedMetricsServer start(KubernetesClient client, String namespace, Path workDir, Clock clock) {
        try {
            AggregatedMetricsServer s = new AggregatedMetricsServer(client, namespace, clock, selfSigned(workDir));
            s.server.start();
            try {
                s.register();
            } catch (RuntimeException e) {
                s.close();
                throw e;
            }
            return s;
        } catch (IOException | GeneralSecurityException | InterruptedException e) {
            throw new IllegalStateException("cannot start the metrics server: " + e, e);
        }
    }

    /** From now on, {@code node} is reported using this much CPU ("150m") and memory ("200Mi"). */
    AggregatedMetricsServer use(String node, String cpu, String memory) {
        usage.put(node, new Usage(cpu, memory));
        return this;
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** The APIService's Available condition, as the API server's availability controller last set it. */
    String available() {
        return condition("status");
    }

    /** Why the API server thinks the APIService is (un)available: its Available condition's message. */
    String availabilityMessage() {
        return condition("message");
    }

    @SuppressWarnings("unchecked")
    private String condition(String field) {
        GenericKubernetesResource a = client.genericKubernetesResources(API_SERVICES).withName(API_SERVICE).get();
        Object status = a == null ? null : a.getAdditionalProperties().get("status");
        Object conditions = status instanceof Map<?, ?> m ? m.get("conditions") : null;
        if (!(conditions instanceof List<?> list)) {
            return null;
        }
        for (Object c : list) {
            Map<String, Object> condition = (Map<String, Object>) c;
            if ("Available".equals(condition.get("type"))) {
                return String.valueOf(condition.get(field));
            }
        }
        return null;
    }

    private void register() {
        client.services().inNamespace(namespace).resource(new ServiceBuilder().withNewMetadata().withName(SERVICE)
                .endMetadata().withNewSpec().withType("ExternalName").withExternalName("localhost").endSpec()
                .build()).create();
        GenericKubernetesResource apiService = new GenericKubernetesResourceBuilder()
                .withApiVersion("apiregistration.k8s.io/v1").withKind("APIService")
                .withNewMetadata().withName(API_SERVICE).endMetadata().build();
        apiService.setAdditionalProperty("spec", Map.of("group", GROUP, "version", VERSION,
                "service", Map.of("namespace", namespace, "name", SERVICE, "port", port()),
                "insecureSkipTLSVerify", true, "groupPriorityMinimum", 100, "versionPriority", 100));
        client.genericKubernetesResources(API_SERVICES).resource(apiService).create();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!"GET".equals(exchange.getRequestMethod())) {
                respond(exchange, 405, status(405, "MethodNotAllowed", "read-only"));
            } else if (path.equals(BASE) || path.equals(BASE + "/")) {
                respond(exchange, 200, Serialization.asJson(new APIResourceListBuilder()
                        .withGroupVersion(GROUP + "/" + VERSION).addNewResource().withName("nodes")
                        .withKind("NodeMetrics").withNamespaced(false).withVerbs("get", "list").endResource()
                        .build()));
            } else if (path.equals(NODES)) {
                Instant at = clock.instant();
                respond(exchange, 200, Serialization.asJson(new NodeMetricsListBuilder()
                        .withItems(usage.entrySet().stream().map(e -> metrics(e.getKey(), e.getValue(), at))
                                .toList()).build()));
            } else if (path.startsWith(NODES + "/") && usage.containsKey(path.substring(NODES.length() + 1))) {
                String node = path.substring(NODES.length() + 1);
                respond(exchange, 200, Serialization.asJson(metrics(node, usage.get(node), clock.instant())));
            } else {
                // also /apis (aggregated discovery) and /openapi/*: the API server falls back or does without
                respond(exchange, 404, status(404, "NotFound", path + " is not served"));
            }
        }
    }

    private static NodeMetrics metrics(String node, Usage u, Instant at) {
        return new NodeMetricsBuilder().withNewMetadata().withName(node).endMetadata()
                .withTimestamp(at.toString())
                .withWindow(new io.fabric8.kubernetes.api.model.Duration(Duration.ofSeconds(30)))
                .withUsage(Map.of("cpu", new Quantity(u.cpu()), "memory", new Quantity(u.memory()))).build();
    }

    private static String status(int code, String reason, String message) {
        return Serialization.asJson(Map.of("kind", "Status", "apiVersion", "v1", "status", "Failure",
                "code", code, "reason", reason, "message", message));
    }

    private static void respond(HttpExchange exchange, int code, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(code, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** A fresh self-signed key pair for localhost, made with the JDK's keytool (no extra dependency). */
    private static SSLContext selfSigned(Path workDir) throws IOException, GeneralSecurityException,
            InterruptedException {
        Path store = Files.createTempFile(workDir, "metrics-server-", ".p12");
        Files.delete(store); // keytool refuses to write into an existing empty file
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "metrics", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "san=dns:localhost,ip:127.0.0.1",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("keytool failed: " + output);
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, PASSWORD);
        } finally {
            Files.deleteIfExists(store);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        return tls;
    }

    /**
     * Unregisters the APIService first: one left pointing at a stopped server would make discovery of the whole
     * shared plane report metrics.k8s.io as unavailable to the scenarios after this one.
     */
    @Override
    public void close() {
        try {
            client.genericKubernetesResources(API_SERVICES).withName(API_SERVICE).delete();
            client.services().inNamespace(namespace).withName(SERVICE).delete();
        } finally {
            server.stop(0);
            executor.shutdownNow();
        }
    }
}
