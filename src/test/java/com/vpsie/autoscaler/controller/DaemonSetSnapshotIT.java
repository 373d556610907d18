package com.vpsie.autoscaler.controller;

import static com.vpsie.autoscaler.testing.IgnoreEvents.ignoring;
import static org.assertj.core.api.Assertions.assertThat;

import com.vpsie.autoscaler.model.ClusterSnapshot;
import com.vpsie.autoscaler.model.DaemonSetInfo;
import com.vpsie.autoscaler.model.Offering;
import com.vpsie.autoscaler.model.Resources;
import com.vpsie.autoscaler.sim.kube.StrictMockServer;
import com.vpsie.autoscaler.testing.FakeCloudProvider;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The controller reads DaemonSets through an informer, so the snapshot of every pass holds them and a group
 * with no node to copy still gets the DaemonSet pods its new nodes would run. Over the mock API server (CRUD
 * mode, over HTTP); RBAC for the informer is checked by RbacLeastPrivilegeTest and the e2e tier.
 */
class DaemonSetSnapshotIT {

    private StrictMockServer kube;
    private ClusterCache cache;

    @BeforeEach
    void start() {
        kube = StrictMockServer.start();
    }

    @AfterEach
    void stop() {
        if (cache != null) {
            cache.close();
        }
        kube.close();
    }

    @Test
    void daemonSetsCreatedBeforeAndAfterTheStartReachTheSnapshot() throws Exception {
        kube.client().apps().daemonSets().inNamespace("kube-system").resource(daemonSet("agent", "250m")).create();
        cache = new ClusterCache(kube.client(), List.of());
        cache.start(ignoring(), ignoring(), ignoring());
        assertThat(cache.awaitSynced(10_000)).isTrue();
        SnapshotFactory factory = new SnapshotFactory(cache, new FakeCloudProvider(
                Clock.fixed(Instant.parse("2026-11-22T12:00:00Z"), ZoneOffset.UTC), Duration.ofMinutes(1))
                .offerings("dc1", new Offering("small", new Resources(2000, 4L << 30, 0, 110), 0.01)));

        ClusterSnapshot first = factory.build(Instant.parse("2026-11-22T12:00:00Z"), (g, t) -> false);
        assertThat(first.daemonSets()).extracting(DaemonSetInfo::key).containsExactly("kube-system/agent");
        assertThat(first.daemonSets().get(0).template().requests().cpuMillis()).isEqualTo(250);

        kube.client().apps().daemonSets().inNamespace("monitoring").resource(daemonSet("exporter", "100m")).create();
        Awaitility.await().atMost(10, TimeUnit.SECONDS).untilAsserted(() ->
                assertThat(factory.build(Instant.parse("2026-11-22T12:00:00Z"), (g, t) -> false).daemonSets())
                        .extracting(DaemonSetInfo::key)
                        .containsExactlyInAnyOrder("kube-system/agent", "monitoring/exporter"));

        kube.client().apps().daemonSets().inNamespace("kube-system").withName("agent").delete();
        Awaitility.await().atMost(10, TimeUnit.SECONDS).untilAsserted(() ->
                assertThat(factory.build(Instant.parse("2026-11-22T12:00:00Z"), (g, t) -> false).daemonSets())
                        .extracting(DaemonSetInfo::key).containsExactly("monitoring/exporter"));
    }

    private static io.fabric8.kubernetes.api.model.apps.DaemonSet daemonSet(String name, String cpu) {
        return new DaemonSetBuilder()
                .withNewMetadata().withName(name).endMetadata()
                .withNewSpec()
                .withNewSelector().withMatchLabels(Map.of("app", name)).endSelector()
                .withNewTemplate()
                .withNewMetadata().withLabels(Map.of("app", name)).endMetadata()
                .withNewSpec().addNewContainer().withName(name).withImage("busybox")
                .withNewResources().withRequests(Map.of("cpu", new Quantity(cpu))).endResources()
                .endContainer().endSpec()
                .endTemplate()
                .endSpec().build();
    }
}
