package com.vpsie.autoscaler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupStatus;
import com.vpsie.autoscaler.controller.StatusMerge;
import com.vpsie.autoscaler.controller.StatusWriter;
import com.vpsie.autoscaler.testing.realkube.ChartRelease;
import com.vpsie.autoscaler.testing.realkube.KubeControlPlane;
import com.vpsie.autoscaler.testing.realkube.RealKubernetes;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The status writer against a real kube-apiserver, which (unlike fabric8's mock) refuses a status write locked
 * on a stale resourceVersion with 409 Conflict. Several writers, each with its own client as separate
 * processes would have, raise the same group's desired size at once. The writers act as the chart's ServiceAccount,
 * as the controller does; the test's own reads and its deliberately stale write are admin's.
 */
@RealKubernetes
class StatusConflictE2E {

    private static final int WRITERS = 6;
    private static final int UPDATES_PER_WRITER = 15;
    private static final Instant BASE = Instant.parse("2026-11-22T12:00:00Z");

    @Test
    void concurrentWritersGetRealConflictsAndLoseNoUpdate(KubeControlPlane kube) throws Exception {
        KubernetesClient client = kube.client();
        String ns = kube.createNamespace("status-conflict");
        client.resources(NodeGroup.class).inNamespace(ns).resource(E2eGroups.group(ns, "contended", 0, 500)).create();

        // The watch shows every stored version in order, so "no update lost" and "time never goes back" are
        // checked on each intermediate state, not only on the last one.
        List<NodeGroupStatus> stored = Collections.synchronizedList(new ArrayList<>());
        Watch watch = client.resources(NodeGroup.class).inNamespace(ns).withName("contended")
                .watch(new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, NodeGroup group) {
                        if (action == Action.MODIFIED && group.getStatus() != null) {
                            stored.add(group.getStatus());
                        }
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                    }
                });

        ChartRelease release = ChartRelease.install(kube, ns, Map.of(), UnaryOperator.identity());
        List<KubernetesClient> clients = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<List<Sample>>> futures = new ArrayList<>();
        long began;
        try {
            for (int w = 0; w < WRITERS; w++) {
                KubernetesClient own = release.newClient();
                clients.add(own);
                StatusWriter writer = new StatusWriter(own, Clock.systemUTC(), 50);
                int writerId = w;
                futures.add(pool.submit(() -> {
                    go.await();
                    List<Sample> samples = new ArrayList<>();
                    for (int i = 0; i < UPDATES_PER_WRITER; i++) {
                        // Each writer proposes its own scale time, often older than the one stored.
                        Instant proposed = proposedTime(writerId, i);
                        long t0 = System.nanoTime();
                        StatusWriter.Outcome outcome = writer.update(ns, "contended", null, s -> {
                            s.setDesiredNodes((s.getDesiredNodes() == null ? 0 : s.getDesiredNodes()) + 1);
                            s.setLastScaleUpTime(StatusMerge.format(proposed));
                            return s;
                        });
                        samples.add(new Sample(outcome.written(), outcome.attempts(), System.nanoTime() - t0));
                    }
                    return samples;
                }));
            }
            began = System.nanoTime();
            go.countDown();
        } finally {
            pool.shutdown();
        }
        List<Sample> samples = new ArrayList<>();
        for (Future<List<Sample>> f : futures) {
            samples.addAll(f.get(2, TimeUnit.MINUTES));
        }
        long wallMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
        clients.forEach(KubernetesClient::close);
        release.close();

        int total = WRITERS * UPDATES_PER_WRITER;
        int attempts = samples.stream().mapToInt(Sample::attempts).sum();
        int conflicts = attempts - samples.size();
        long contended = samples.stream().filter(s -> s.attempts() > 1).count();
        int maxAttempts = samples.stream().mapToInt(Sample::attempts).max().orElse(0);
        List<Long> latencies = samples.stream().map(Sample::nanos).sorted().toList();
        System.out.printf(Locale.ROOT, "[e2e] status writers: %d writers x %d updates, %d attempts, %d conflicts "
                        + "(409), %d updates retried, at most %d attempts for one; wall %d ms; update latency p50 %.1f ms, "
                        + "p95 %.1f ms, max %.1f ms%n", WRITERS, UPDATES_PER_WRITER, attempts, conflicts, contended,
                maxAttempts, wallMs, ms(percentile(latencies, 50)), ms(percentile(latencies, 95)),
                ms(latencies.get(latencies.size() - 1)));

        assertThat(samples).hasSize(total).allMatch(Sample::written, "every update was written");
        assertThat(conflicts).as("the real API server answered 409 to writers that collided").isPositive();

        NodeGroupStatus last = client.resources(NodeGroup.class).inNamespace(ns).withName("contended").get()
                .getStatus();
        assertThat(last.getDesiredNodes()).as("no update lost, none applied twice").isEqualTo(total);
        assertThat(last.getLastScaleUpTime()).isEqualTo(StatusMerge.format(latestProposedTime()));

        Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> !stored.isEmpty() && stored.get(stored.size() - 1).getDesiredNodes() == total);
        watch.close();
        List<NodeGroupStatus> versions = List.copyOf(stored);
        assertThat(versions).extracting(NodeGroupStatus::getDesiredNodes)
                .as("each stored version is exactly one increment on the one before")
                .containsExactlyElementsOf(IntStream.rangeClosed(1, total).boxed().toList());
        for (int i = 1; i < versions.size(); i++) {
            assertThat(Instant.parse(versions.get(i).getLastScaleUpTime()))
                    .as("lastScaleUpTime of version %d", i)
                    .isAfterOrEqualTo(Instant.parse(versions.get(i - 1).getLastScaleUpTime()));
        }
    }

    @Test
    void aStatusWriteOnAStaleResourceVersionIsA409Conflict(KubeControlPlane kube) {
        KubernetesClient client = kube.client();
        String ns = kube.createNamespace("status-stale");
        NodeGroup stale = client.resources(NodeGroup.class).inNamespace(ns)
                .resource(E2eGroups.group(ns, "g", 0, 5)).create();
        try (ChartRelease release = ChartRelease.install(kube, ns, Map.of(), UnaryOperator.identity());
             KubernetesClient asServiceAccount = release.newClient()) {
            StatusWriter writer = new StatusWriter(asServiceAccount, Clock.systemUTC(), 50);
            writer.update(ns, "g", null, s -> {
                s.setDesiredNodes(2);
                return s;
            });

            // fabric8's mock accepts this write silently; the API server must not.
            NodeGroupStatus status = new NodeGroupStatus();
            status.setDesiredNodes(1);
            stale.setStatus(status);
            assertThatThrownBy(() -> client.resources(NodeGroup.class).inNamespace(ns).resource(stale).updateStatus())
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                        assertThat(e.getCode()).isEqualTo(409);
                        assertThat(e.getStatus().getReason()).isEqualTo("Conflict");
                    });

            // And the writer, handed that stale copy, re-reads and re-applies its change on top of the stored one.
            StatusWriter.Outcome outcome = writer.update(ns, "g", stale, s -> {
                s.setDesiredNodes(s.getDesiredNodes() + 1);
                return s;
            });
            assertThat(outcome.attempts()).isEqualTo(2);
            assertThat(outcome.group().getStatus().getDesiredNodes()).isEqualTo(3);
        }
    }

    private static Instant proposedTime(int writerId, int update) {
        return BASE.plusSeconds((writerId * 37L + update * 11L) % 120);
    }

    private static Instant latestProposedTime() {
        Instant latest = BASE;
        for (int w = 0; w < WRITERS; w++) {
            for (int i = 0; i < UPDATES_PER_WRITER; i++) {
                Instant t = proposedTime(w, i);
                latest = t.isAfter(latest) ? t : latest;
            }
        }
        return latest;
    }

    private static long percentile(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private static double ms(long nanos) {
        return nanos / 1_000_000.0;
    }

    private record Sample(boolean written, int attempts, long nanos) {
    }
}
