package com.vpsie.autoscaler.controller;

import com.vpsie.autoscaler.metrics.AutoscalerMetrics;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.RequestConfig;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends core/v1 Events through the Kubernetes API from one background thread. An identical Event (same
 * object, type, reason and message) is sent at most once per five minutes, so a loop that re-decides the same
 * thing every scan interval does not flood {@code kubectl describe}.
 */
public final class KubernetesEventRecorder implements EventRecorder {

    public static final String COMPONENT = "vpsie-autoscaler";
    /** Where Events about cluster-scoped objects go, as kubelet's Node Events do. */
    static final String CLUSTER_SCOPED_EVENT_NAMESPACE = "default";
    static final Duration DEDUPE_WINDOW = Duration.ofMinutes(5);
    static final int MAX_MESSAGE_CHARS = 1024;
    // API server validation limits for Events.
    static final int MAX_REASON_CHARS = 128;
    static final int MAX_REPORTING_INSTANCE_CHARS = 128;
    private static final int MAX_NAME_CHARS = 253;
    /** Remembered Events at most; the least recently sent go first when a storm exceeds it. */
    static final int MAX_TRACKED = 4096;
    static final int QUEUE_CAPACITY = 256;
    private static final Duration SWEEP_EVERY = Duration.ofMinutes(1);
    private static final Duration WARN_EVERY = Duration.ofMinutes(1);
    private static final int FALLBACK_REQUEST_TIMEOUT_MILLIS = 10_000;
    private static final long CLOSE_WAIT_MILLIS = 1_000;
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ISO_INSTANT;
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesEventRecorder.class);

    private final KubernetesClient client;
    private final Clock clock;
    private final String reportingInstance;
    private final AutoscalerMetrics metrics;
    private final ThreadPoolExecutor sender;
    private final AtomicInteger sequence = new AtomicInteger();

    private final Object lock = new Object();
    /** When each Event was last handed to the sender; guarded by {@code lock}, iteration order oldest first. */
    private final Map<DedupeKey, Instant> lastSent;
    private Instant nextSweep = Instant.MIN;
    /** Only the sender thread touches it. */
    private Instant nextWarning = Instant.MIN;

    /**
     * @param client the controller's client; Events use it with fabric8's retries off and its request timeout
     *     as the whole deadline, since a lost Event is cheaper than a sender stuck behind retries
     * @param reportingInstance this replica's identity (the pod name)
     */
    public KubernetesEventRecorder(KubernetesClient client, Clock clock, String reportingInstance,
            AutoscalerMetrics metrics) {
        this(client, clock, reportingInstance, metrics, MAX_TRACKED);
    }

    /** {@code maxTracked} lets tests reach the bound without sending thousands of Events. */
    KubernetesEventRecorder(KubernetesClient client, Clock clock, String reportingInstance, AutoscalerMetrics metrics,
            int maxTracked) {
        this.lastSent = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<DedupeKey, Instant> eldest) {
                return size() > maxTracked;
            }
        };
        this.client = withDeadline(Objects.requireNonNull(client, "client"));
        this.clock = Objects.requireNonNull(clock, "clock");
        this.reportingInstance = truncate(Objects.requireNonNull(reportingInstance, "reportingInstance"),
                MAX_REPORTING_INSTANCE_CHARS);
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE_CAPACITY),
                r -> {
                    Thread t = new Thread(r, "event-recorder");
                    t.setDaemon(true);
                    return t;
                });
    }

    @Override
    public void record(InvolvedObject object, Type type, String reason, String message) {
        try {
            Objects.requireNonNull(object, "object");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(reason, "reason");
            Instant now = clock.instant();
            String text = truncate(message == null ? "" : message, MAX_MESSAGE_CHARS);
            DedupeKey key = new DedupeKey(object.key(), object.uid(), type, reason, text);
            if (!claim(key, now)) {
                metrics.kubernetesEvent("suppressed");
                return;
            }
            Event event = build(object, type, reason, text, now);
            try {
                sender.execute(() -> send(event));
            } catch (RejectedExecutionException e) {
                // Not sent, so not remembered: the next identical Event may go out.
                synchronized (lock) {
                    lastSent.remove(key, now);
                }
                metrics.kubernetesEvent("dropped");
                LOG.debug("Dropped {} event {} on {}: the event queue is full or closed", type.apiName(), reason,
                        object.key());
            }
        } catch (RuntimeException e) {
            // A bad argument is a bug in the caller, but an Event is never worth failing a control loop for.
            LOG.warn("Could not record event {} on {}: {}", reason, object == null ? null : object.key(), e.toString());
        }
    }

    @Override
    public void forget(InvolvedObject object) {
        if (object == null) {
            return;
        }
        String objectKey = object.key();
        synchronized (lock) {
            lastSent.keySet().removeIf(k -> k.objectKey().equals(objectKey));
        }
    }

    @Override
    public void close() {
        sender.shutdown();
        try {
            if (!sender.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                // Interrupting the sender aborts fabric8's wait for the response.
                sender.shutdownNow();
            }
        } catch (InterruptedException e) {
            sender.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** How many Events are remembered for de-duplication. */
    int trackedEvents() {
        synchronized (lock) {
            return lastSent.size();
        }
    }

    /** Waits until everything queued so far has been sent or has failed; false if that took too long. */
    boolean flush(Duration timeout) throws InterruptedException {
        try {
            sender.submit(() -> { }).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            return false;
        }
    }

    /** True if {@code key} may be sent now; remembers it as sent. Also drops entries past the window. */
    private boolean claim(DedupeKey key, Instant now) {
        synchronized (lock) {
            if (!now.isBefore(nextSweep)) {
                lastSent.values().removeIf(sent -> !now.isBefore(sent.plus(DEDUPE_WINDOW)));
                nextSweep = now.plus(SWEEP_EVERY);
            }
            Instant last = lastSent.get(key);
            if (last != null && now.isBefore(last.plus(DEDUPE_WINDOW))) {
                return false;
            }
            // Re-inserted, so the map's order stays "least recently sent first" for the size bound.
            lastSent.remove(key);
            lastSent.put(key, now);
            return true;
        }
    }

    private Event build(InvolvedObject object, Type type, String reason, String message, Instant now) {
        String namespace = object.clusterScoped() ? CLUSTER_SCOPED_EVENT_NAMESPACE : object.namespace();
        String timestamp = RFC3339.format(now.truncatedTo(ChronoUnit.SECONDS));
        return new EventBuilder()
                .withNewMetadata()
                    .withName(eventName(object.name(), now))
                    .withNamespace(namespace)
                .endMetadata()
                .withNewInvolvedObject()
                    .withKind(object.kind())
                    .withApiVersion(object.apiVersion())
                    .withNamespace(object.namespace())
                    .withName(object.name())
                    .withUid(object.uid())
                .endInvolvedObject()
                .withType(type.apiName())
                .withReason(truncate(reason, MAX_REASON_CHARS))
                .withMessage(message)
                .withNewSource().withComponent(COMPONENT).endSource()
                .withFirstTimestamp(timestamp)
                .withLastTimestamp(timestamp)
                .withCount(1)
                .withReportingComponent(COMPONENT)
                .withReportingInstance(reportingInstance)
                .build();
    }

    private void send(Event event) {
        try {
            client.v1().events().inNamespace(event.getMetadata().getNamespace()).resource(event).create();
            metrics.kubernetesEvent("sent");
        } catch (RuntimeException e) {
            metrics.kubernetesEvent("failed");
            if (sender.isShutdown()) {
                // close() interrupted the send; nothing to tell the operator about.
                LOG.debug("Event {} not sent: shutting down", event.getReason());
            } else {
                logFailure(event, e);
            }
        }
    }

    /** One warning a minute is enough to notice missing RBAC or an unreachable API server; the rest at debug. */
    private void logFailure(Event event, RuntimeException e) {
        String what = event.getType() + " event " + event.getReason() + " on " + event.getInvolvedObject().getKind()
                + " " + event.getInvolvedObject().getName();
        // Only the status reason or the root cause (refused, timed out, ...) is shown: they name the URL at most,
        // never the credentials. fabric8's own wrapper without a status just says "An error has occurred".
        String why;
        if (e instanceof KubernetesClientException k && k.getCode() > 0) {
            why = "HTTP " + k.getCode() + ": "
                    + firstLine(k.getStatus() != null && k.getStatus().getMessage() != null
                            ? k.getStatus().getMessage() : k.getMessage());
        } else {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            why = root.getClass().getSimpleName() + ": " + firstLine(root.getMessage());
        }
        Instant now = clock.instant();
        if (!now.isBefore(nextWarning)) {
            nextWarning = now.plus(WARN_EVERY);
            LOG.warn("Could not record {}: {}", what, why);
        } else {
            LOG.debug("Could not record {}: {}", what, why);
        }
    }

    /** "object.hex-time" like client-go's, plus a sequence so two Events in the same nanosecond differ. */
    private String eventName(String objectName, Instant now) {
        long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        String suffix = String.format(".%x%04x", nanos, sequence.getAndIncrement() & 0xffff);
        String base = objectName.length() + suffix.length() <= MAX_NAME_CHARS ? objectName
                : objectName.substring(0, MAX_NAME_CHARS - suffix.length());
        // A cut name must still be a DNS subdomain: no '.' or '-' right before the suffix's dot.
        while (!base.isEmpty() && (base.endsWith(".") || base.endsWith("-"))) {
            base = base.substring(0, base.length() - 1);
        }
        return base + suffix;
    }

    private static KubernetesClient withDeadline(KubernetesClient client) {
        Config config = client.getConfiguration();
        Integer timeout = config.getRequestTimeout();
        RequestConfig requestConfig = new RequestConfigBuilder(config.getRequestConfig())
                .withRequestRetryBackoffLimit(0)
                .withRequestTimeout(timeout != null && timeout > 0 ? timeout : FALLBACK_REQUEST_TIMEOUT_MILLIS)
                .build();
        return client.newClient(requestConfig).adapt(KubernetesClient.class);
    }

    private static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int nl = text.indexOf('\n');
        return truncate(nl < 0 ? text : text.substring(0, nl), 300);
    }

    private record DedupeKey(String objectKey, String uid, Type type, String reason, String message) {
    }
}
