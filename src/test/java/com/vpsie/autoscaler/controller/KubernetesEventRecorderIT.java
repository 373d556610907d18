package com.vpsie.autoscaler.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.metrics.AutoscalerMetrics;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class KubernetesEventRecorderIT {

    private static final Duration FLUSH = Duration.ofSeconds(10);
    private static final InvolvedObject POD = new InvolvedObject("Pod", "v1", "team-a", "web-1", "pod-uid-1");

    KubernetesClient client;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T12:00:00Z"));
    private final AutoscalerMetrics metrics = new AutoscalerMetrics();
    private KubernetesEventRecorder recorder;

    @BeforeEach
    void createRecorder() {
        recorder = new KubernetesEventRecorder(client, clock, "vpsie-autoscaler-7d9f-abcde", metrics);
    }

    @AfterEach
    void closeRecorder() {
        recorder.close();
    }

    private List<Event> events(String namespace) throws InterruptedException {
        assertThat(recorder.flush(FLUSH)).isTrue();
        List<Event> events = new ArrayList<>(client.v1().events().inNamespace(namespace).list().getItems());
        events.sort(Comparator.comparing(e -> e.getMetadata().getName()));
        return events;
    }

    private double count(String result) {
        var counter = metrics.registry().find("vpsie.autoscaler.kubernetes.events").tag("result", result).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aPodEventLandsWithEveryField() throws Exception {
        recorder.normal(POD, "TriggeredScaleUp", "pod triggered scale-up: [{team-a/workers 1->2 (max: 5)}]");

        List<Event> events = events("team-a");
        assertThat(events).hasSize(1);
        Event e = events.get(0);
        assertThat(e.getMetadata().getName()).startsWith("web-1.");
        assertThat(e.getMetadata().getNamespace()).isEqualTo("team-a");
        assertThat(e.getType()).isEqualTo("Normal");
        assertThat(e.getReason()).isEqualTo("TriggeredScaleUp");
        assertThat(e.getMessage()).isEqualTo("pod triggered scale-up: [{team-a/workers 1->2 (max: 5)}]");
        assertThat(e.getInvolvedObject().getKind()).isEqualTo("Pod");
        assertThat(e.getInvolvedObject().getApiVersion()).isEqualTo("v1");
        assertThat(e.getInvolvedObject().getNamespace()).isEqualTo("team-a");
        assertThat(e.getInvolvedObject().getName()).isEqualTo("web-1");
        assertThat(e.getInvolvedObject().getUid()).isEqualTo("pod-uid-1");
        assertThat(e.getSource().getComponent()).isEqualTo("vpsie-autoscaler");
        assertThat(e.getReportingComponent()).isEqualTo("vpsie-autoscaler");
        assertThat(e.getReportingInstance()).isEqualTo("vpsie-autoscaler-7d9f-abcde");
        assertThat(e.getFirstTimestamp()).isEqualTo("2026-11-22T12:00:00Z");
        assertThat(e.getLastTimestamp()).isEqualTo("2026-11-22T12:00:00Z");
        assertThat(e.getCount()).isEqualTo(1);
        assertThat(count("sent")).isEqualTo(1);
    }

    @Test
    void nodeEventsGoToTheDefaultNamespaceAsKubeletsDo() throws Exception {
        InvolvedObject node = InvolvedObject.of(new NodeBuilder()
                .withMetadata(new ObjectMetaBuilder().withName("node-1").withUid("node-uid").build()).build());
        recorder.warning(node, "ScaleDownFailed", "eviction of team-a/web-1 timed out");

        List<Event> events = events("default");
        assertThat(events).hasSize(1);
        Event e = events.get(0);
        assertThat(e.getType()).isEqualTo("Warning");
        assertThat(e.getInvolvedObject().getKind()).isEqualTo("Node");
        assertThat(e.getInvolvedObject().getApiVersion()).isEqualTo("v1");
        assertThat(e.getInvolvedObject().getNamespace()).isNull();
        assertThat(e.getInvolvedObject().getUid()).isEqualTo("node-uid");
    }

    @Test
    void nodeGroupEventsNameTheCustomResource() throws Exception {
        NodeGroup group = new NodeGroup();
        group.setMetadata(new ObjectMetaBuilder().withName("workers").withNamespace("team-a").withUid("ng-uid").build());
        recorder.warning(InvolvedObject.of(group), "ScaleUpTimedOut", "x".repeat(5000));

        Event e = events("team-a").get(0);
        assertThat(e.getInvolvedObject().getKind()).isEqualTo("NodeGroup");
        assertThat(e.getInvolvedObject().getApiVersion()).isEqualTo("autoscaler.vpsie.com/v1alpha1");
        assertThat(e.getMessage()).hasSize(1024).endsWith("...");
    }

    @Test
    void anIdenticalEventWithinFiveMinutesIsSuppressedAndSentAgainAfter() throws Exception {
        recorder.normal(POD, "NotTriggerScaleUp", "pod didn't trigger scale-up: 1 max node group size reached");
        recorder.normal(POD, "NotTriggerScaleUp", "pod didn't trigger scale-up: 1 max node group size reached");
        clock.advance(Duration.ofMinutes(4).plusSeconds(59));
        recorder.normal(POD, "NotTriggerScaleUp", "pod didn't trigger scale-up: 1 max node group size reached");
        assertThat(events("team-a")).hasSize(1);
        assertThat(count("suppressed")).isEqualTo(2);

        // A different message, type or object is a different Event.
        recorder.normal(POD, "NotTriggerScaleUp", "pod didn't trigger scale-up: no matching node group");
        recorder.warning(POD, "NotTriggerScaleUp", "pod didn't trigger scale-up: 1 max node group size reached");
        recorder.normal(new InvolvedObject("Pod", "v1", "team-a", "web-2", "pod-uid-2"), "NotTriggerScaleUp",
                "pod didn't trigger scale-up: 1 max node group size reached");
        assertThat(events("team-a")).hasSize(4);

        clock.advance(Duration.ofSeconds(1)); // five minutes after the first
        recorder.normal(POD, "NotTriggerScaleUp", "pod didn't trigger scale-up: 1 max node group size reached");
        List<Event> events = events("team-a");
        assertThat(events).hasSize(5);
        assertThat(events).extracting(Event::getFirstTimestamp).contains("2026-11-22T12:05:00Z");
    }

    @Test
    void rememberedEventsAreDroppedAfterFiveMinutesAndWhenTheObjectGoes() throws Exception {
        recorder.normal(POD, "TriggeredScaleUp", "one");
        recorder.normal(POD, "TriggeredScaleUp", "two");
        InvolvedObject other = new InvolvedObject("Pod", "v1", "team-a", "web-2", null);
        recorder.normal(other, "TriggeredScaleUp", "one");
        assertThat(recorder.trackedEvents()).isEqualTo(3);

        recorder.forget(POD);
        assertThat(recorder.trackedEvents()).isEqualTo(1);
        recorder.normal(POD, "TriggeredScaleUp", "one"); // forgotten, so sent again at once
        assertThat(events("team-a")).hasSize(4);

        clock.advance(Duration.ofMinutes(6));
        recorder.normal(POD, "ScaleDown", "three");
        assertThat(recorder.trackedEvents()).isEqualTo(1);
    }

    @Test
    void theMemoryIsBoundedLeastRecentlySentFirst() throws Exception {
        recorder.close();
        recorder = new KubernetesEventRecorder(client, clock, "me", metrics, 3);
        for (int i = 0; i < 5; i++) {
            recorder.normal(POD, "TriggeredScaleUp", "message " + i);
        }
        assertThat(recorder.trackedEvents()).isEqualTo(3);
        recorder.normal(POD, "TriggeredScaleUp", "message 4"); // still remembered
        recorder.normal(POD, "TriggeredScaleUp", "message 0"); // pushed out, so sent again
        assertThat(events("team-a")).hasSize(6);
    }

    @Test
    void aBadCallIsLoggedNotThrown() throws Exception {
        recorder.record(null, EventRecorder.Type.NORMAL, "TriggeredScaleUp", "x");
        recorder.normal(POD, null, "x");
        recorder.record(POD, null, "TriggeredScaleUp", "x");
        assertThat(recorder.trackedEvents()).isZero();
        assertThat(events("team-a")).isEmpty();
    }

    @Test
    void anUnreachableApiServerNeitherThrowsNorBlocks() throws Exception {
        try (KubernetesClient unreachable = clientFor("http://127.0.0.1:" + closedPort(), 2_000)) {
            KubernetesEventRecorder failing = new KubernetesEventRecorder(unreachable, clock, "me", metrics);
            try {
                failing.warning(POD, "ScaleDownFailed", "drain failed");
                assertThat(failing.flush(FLUSH)).isTrue();
                assertThat(count("failed")).isEqualTo(1);
            } finally {
                failing.close();
            }
        }
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfBlocking() throws Exception {
        // A server that accepts connections and never answers holds the one sender thread.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                KubernetesClient stuck = clientFor("http://127.0.0.1:" + silent.getLocalPort(), 3_000)) {
            Thread acceptor = acceptForever(silent);
            KubernetesEventRecorder blocked = new KubernetesEventRecorder(stuck, clock, "me", metrics);
            int total = KubernetesEventRecorder.QUEUE_CAPACITY + 50;
            long started = System.nanoTime();
            for (int i = 0; i < total; i++) {
                blocked.normal(POD, "TriggeredScaleUp", "message " + i);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(took).isLessThan(Duration.ofSeconds(1));
            assertThat(count("dropped")).isGreaterThanOrEqualTo(49);
            // Dropped Events are not remembered, so they can be tried again.
            assertThat(blocked.trackedEvents()).isEqualTo(total - (int) count("dropped"));

            long closing = System.nanoTime();
            blocked.close();
            assertThat(Duration.ofNanos(System.nanoTime() - closing)).isLessThan(Duration.ofSeconds(3));
            acceptor.interrupt();
        }
    }

    private static KubernetesClient clientFor(String url, int requestTimeoutMillis) {
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl(url)
                .withConnectionTimeout(1_000)
                .withRequestTimeout(requestTimeoutMillis)
                .withRequestRetryBackoffLimit(0)
                .build()).build();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static Thread acceptForever(ServerSocket server) {
        List<Socket> held = new ArrayList<>();
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    held.add(server.accept());
                } catch (IOException e) {
                    return;
                }
            }
        }, "silent-api-server");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
