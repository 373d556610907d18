package com.vpsie.autoscaler.sim.kube;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.okhttp.OkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.function.UnaryOperator;

/**
 * A fabric8 mock API server for tests: {@link StrictCrudDispatcher} over plain HTTP on a random loopback port, with
 * the NodeGroup CRD created from {@code crds/} (so {@code /status} is a real subresource: status is ignored on the
 * main endpoint and spec on {@code /status}), and a {@link KubernetesClient} on okhttp that fails fast.
 *
 * <p>Mock-only, unlike a real API server: besides what {@link StrictCrudDispatcher} lists, the CRD's schema, CEL
 * rules and defaults are not applied; there is no authentication, no {@code /version} and no discovery beyond the
 * registered custom resources; {@code expect()} expectations are not consulted (CRUD only); and the clients do not
 * retry (a 429 or 5xx reaches the caller at once).
 *
 * <pre>{@code
 * try (StrictMockServer kube = StrictMockServer.start()) {
 *     kube.client().resources(NodeGroup.class).inNamespace("test").resource(group).create();
 * }
 * }</pre>
 */
public final class StrictMockServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StrictMockServer.class);

    /** The namespace clients use when none is given; fabric8's mock uses the same. */
    public static final String DEFAULT_NAMESPACE = "test";
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    // An IPv4 literal: "localhost" may resolve to ::1 first, and an IPv6 loopback would need brackets in URLs.
    private static final String LOOPBACK = "127.0.0.1";

    private final KubernetesMockServer server;
    private final StrictCrudDispatcher dispatcher;
    private final KubernetesClient client;

    private StrictMockServer(KubernetesMockServer server, StrictCrudDispatcher dispatcher) {
        this.server = server;
        this.dispatcher = dispatcher;
        this.client = newClient(UnaryOperator.identity());
    }

    public static StrictMockServer start() {
        return start(Clock.systemUTC());
    }

    /** {@code clock} stamps what the dispatcher itself writes (the disruptedPods of charged budgets). */
    public static StrictMockServer start(Clock clock) {
        StrictCrudDispatcher dispatcher = new StrictCrudDispatcher(clock);
        KubernetesMockServer server = new KubernetesMockServer(new Context(Serialization.jsonMapper()),
                new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(loopback(), 0);
        StrictMockServer started = new StrictMockServer(server, dispatcher);
        try {
            started.registerNodeGroupCrd();
        } catch (RuntimeException e) {
            started.close();
            throw e;
        }
        return started;
    }

    /** The CRD the build generates from the model; it is in the jar, and a test keeps crds/ equal to it. */
    static final String CRD_RESOURCE = "META-INF/fabric8/nodegroups.autoscaler.vpsie.com-v1.yml";

    private void registerNodeGroupCrd() {
        try (InputStream in = StrictMockServer.class.getClassLoader().getResourceAsStream(CRD_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(CRD_RESOURCE + " is not on the classpath; build with mvn package");
            }
            CustomResourceDefinition crd = Serialization.unmarshal(in, CustomResourceDefinition.class);
            client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + CRD_RESOURCE, e);
        }
    }

    /** Writes a kubeconfig for this server with {@code namespace} as default, for code that starts from a file. */
    public Path writeKubeconfig(Path file, String namespace) throws IOException {
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters: [{name: embedded, cluster: {server: "%s"}}]
                contexts: [{name: embedded, context: {cluster: embedded, user: embedded, namespace: %s}}]
                current-context: embedded
                users: [{name: embedded, user: {token: the-embedded-api-checks-none}}]
                """.formatted(url(), namespace));
        return file;
    }

    /** The shared client; closed with the server. */
    public KubernetesClient client() {
        return client;
    }

    /** A further client (the caller closes it), e.g. with a different timeout or retry budget. */
    public KubernetesClient newClient(UnaryOperator<ConfigBuilder> customize) {
        Config config = customize.apply(new ConfigBuilder(baseConfig())).build();
        return new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(new OkHttpClientFactory())
                .build();
    }

    private Config baseConfig() {
        // Config.empty() ignores ~/.kube/config and KUBERNETES_* variables of the machine running the tests.
        return new ConfigBuilder(Config.empty())
                .withMasterUrl(url())
                .withNamespace(DEFAULT_NAMESPACE)
                .withHttp2Disable(true)
                .withConnectionTimeout((int) CONNECT_TIMEOUT.toMillis())
                .withRequestTimeout((int) REQUEST_TIMEOUT.toMillis())
                // Tests assert on the first answer (429 from an eviction, 409 from a stale write), and code that
                // retries does so itself; fabric8's own retries would multiply requests and stretch the test.
                .withRequestRetryBackoffLimit(0)
                .withRequestRetryBackoffInterval(50)
                .withWatchReconnectInterval(200)
                .build();
    }

    /** {@code http://127.0.0.1:<port>/}. */
    public String url() {
        return "http://" + LOOPBACK + ":" + server.getPort() + "/";
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByName(LOOPBACK);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an IP literal always resolves", e);
        }
    }

    public StrictCrudDispatcher dispatcher() {
        return dispatcher;
    }

    /** fabric8's server, e.g. for {@code getRequestCount()} or {@code takeRequest()}. */
    public KubernetesMockServer server() {
        return server;
    }

    @Override
    public void close() {
        try {
            client.close();
        } finally {
            try {
                server.destroy();
            } catch (IllegalStateException e) {
                // fabric8's mock gives up waiting 10 s for its HTTP server to close (seen on a loaded 2-core machine,
                // after every assertion of the test had passed); the server's port and threads go with the JVM, and
                // a teardown that throws would turn a passing test into an error
                LOG.warn("{}; left to close on its own", e.getMessage());
            }
        }
    }
}
