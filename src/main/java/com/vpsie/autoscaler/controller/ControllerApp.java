package com.vpsie.autoscaler.controller;

import com.vpsie.autoscaler.config.ControllerConfig;
import com.vpsie.autoscaler.metrics.AutoscalerMetrics;
import com.vpsie.autoscaler.metrics.HealthServer;
import com.vpsie.autoscaler.metrics.HealthStatus;
import com.vpsie.autoscaler.provider.vpsie.SecretCredentialsSource;
import com.vpsie.autoscaler.provider.vpsie.VpsieCloudProvider;
import com.vpsie.autoscaler.provider.vpsie.VpsieConfig;
import com.vpsie.autoscaler.scaledown.DrainSettings;
import com.vpsie.autoscaler.scaledown.ScaleDownManager;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The `run` process: a Kubernetes client, the VPSie provider with credentials from a Secret, the
 * controller with its drain manager, and the health server; stopped in order on SIGTERM.
 */
public final class ControllerApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControllerApp.class);

    private final ControllerConfig config;
    private final KubernetesClient client;
    private final SecretCredentialsSource credentials;
    private final VpsieCloudProvider provider;
    private final KubernetesEventRecorder events;
    private final Controller controller;
    private final HealthServer health;
    private final AutoscalerMetrics metrics;

    private ControllerApp(ControllerConfig config, Clock clock) throws IOException {
        this.config = config;
        this.metrics = new AutoscalerMetrics();
        this.client = KubernetesClients.create(config.kubeconfig());
        this.credentials = new SecretCredentialsSource(client, config.vpsieSecretNamespace(), config.vpsieSecretName())
                .start(Duration.ofSeconds(30));
        this.provider = VpsieCloudProvider.create(vpsieConfig(config), credentials, metrics, clock);
        this.events = new KubernetesEventRecorder(client, clock, config.identity(), metrics);
        this.controller = new Controller(config, client, provider, metrics, events,
                snapshots -> new ScaleDownManager(client, snapshots, config.planner(), DrainSettings.from(config), events,
                        metrics, clock, config.namespaces()), clock);
        this.health = new HealthServer(config.metricsPort(), metrics, controller::liveness, this::readiness);
    }

    /** Starts everything and returns; {@link #close()} stops it. */
    public static ControllerApp start(ControllerConfig config, Clock clock) throws IOException, InterruptedException {
        ControllerApp app = new ControllerApp(config, clock);
        app.health.start();
        LOG.info("vpsie-autoscaler {} starting as {} (leader election {}), metrics on port {}", version(),
                config.identity(), config.leaderElect() ? "on" : "off", app.health.port());
        app.controller.start();
        return app;
    }

    /** Starts everything and blocks until the JVM is asked to stop (SIGTERM); returns the exit code. */
    public static int run(ControllerConfig config) {
        CountDownLatch stopped = new CountDownLatch(1);
        try {
            ControllerApp app = start(config, Clock.systemUTC());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                LOG.info("stopping: letting work in flight finish within {}", config.shutdownGracePeriod());
                app.close();
                LOG.info("stopped cleanly");
                stopped.countDown();
                // a SIGTERM that ended in an orderly stop is a success: exit 0, not the signal's 143
                Runtime.getRuntime().halt(0);
            }, "shutdown"));
            stopped.await();
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } catch (IOException e) {
            LOG.error("cannot start: {}", e.getMessage());
            return 1;
        }
    }

    /** Ready: caches synced and the VPSie credentials readable; otherwise the answer says which is missing. */
    HealthStatus readiness() {
        HealthStatus caches = controller.readiness();
        if (!caches.ok()) {
            return caches;
        }
        return credentials.problem().map(HealthStatus::unhealthy).orElse(caches);
    }

    public Controller controller() {
        return controller;
    }

    public int metricsPort() {
        return health.port();
    }

    public AutoscalerMetrics metrics() {
        return metrics;
    }

    /** Stops taking work, lets work in flight finish within the grace period, releases the lease, closes. */
    /** What closing the health server, the Event sender and the clients, and the JVM's exit, may take at most. */
    static final Duration CLOSE_MARGIN = Duration.ofSeconds(1);

    @Override
    public void close() {
        // one budget from SIGTERM to exit: the controller gets it less what closing the rest takes
        Duration budget = config.shutdownGracePeriod();
        controller.shutdown(budget.compareTo(CLOSE_MARGIN.multipliedBy(2)) > 0 ? budget.minus(CLOSE_MARGIN)
                : budget.dividedBy(2));
        health.close();
        events.close();
        provider.close();
        credentials.close();
        client.close();
    }

    static VpsieConfig vpsieConfig(ControllerConfig config) {
        return VpsieConfig.defaults().toBuilder()
                .baseUrl(config.vpsieBaseUrl())
                .staticTokenAuth(config.vpsieTokenAuth())
                .allowPlainHttp(plainHttpToLoopback(config.vpsieBaseUrl()))
                .secret(config.vpsieSecretNamespace(), config.vpsieSecretName())
                // every NodeGroup's reconcile in a pass reads the same listing
                .clusterListingTtl(config.scanInterval())
                .build();
    }

    /** Credentials travel in clear only to this machine (the simulator); anywhere else TLS is required. */
    static boolean plainHttpToLoopback(String url) {
        URI uri = URI.create(url);
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
            return false;
        }
        String host = uri.getHost();
        if (host.equals("localhost")) {
            return true;
        }
        try {
            // a literal address is parsed, never resolved
            return host.matches("[0-9.]+|\\[?[0-9a-fA-F:]+\\]?") && InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String version() {
        String v = ControllerApp.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
