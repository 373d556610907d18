package com.vpsie.autoscaler.provider.vpsie;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.vpsie.autoscaler.provider.ProviderException;
import com.vpsie.autoscaler.sim.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Sharing, invalidation and clean-up of cluster listings, with a fetcher the test holds up at will. */
class ClusterListingsTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final AtomicInteger fetches = new AtomicInteger();
    private final ExecutorService pool = Executors.newFixedThreadPool(4);
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private volatile CountDownLatch entered = new CountDownLatch(0);
    private volatile ProviderException failWith;

    private final ClusterListings listings = new ClusterListings(Duration.ofSeconds(10), clock, this::fetch,
            Duration.ofSeconds(5));

    @AfterEach
    void tearDown() {
        pool.shutdownNow();
    }

    private VpsieWire.ClusterDto fetch(String cluster) throws ProviderException {
        int n = fetches.incrementAndGet();
        entered.countDown();
        try {
            gate.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failWith != null) {
            throw failWith;
        }
        return new VpsieWire.ClusterDto(cluster, "listing-" + n, List.of());
    }

    @Test
    void aListingIsReusedUntilItsTtlEnds() throws Exception {
        assertThat(listings.get("c1").clusterName()).isEqualTo("listing-1");
        clock.advance(Duration.ofMillis(9_999));
        assertThat(listings.get("c1").clusterName()).isEqualTo("listing-1");
        clock.advance(Duration.ofMillis(1));
        assertThat(listings.get("c1").clusterName()).isEqualTo("listing-2");
        assertThat(listings.get("c2").clusterName()).as("each cluster has its own").isEqualTo("listing-3");
    }

    @Test
    void callersDuringAListingWaitForItInsteadOfSendingTheirOwn() throws Exception {
        gate = new CountDownLatch(1);
        entered = new CountDownLatch(1);
        Future<VpsieWire.ClusterDto> first = pool.submit(() -> listings.get("c1"));
        assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
        Future<VpsieWire.ClusterDto> second = pool.submit(() -> listings.get("c1"));
        Future<VpsieWire.ClusterDto> third = pool.submit(() -> listings.get("c1"));
        Thread.sleep(100);

        gate.countDown();

        assertThat(first.get(5, TimeUnit.SECONDS).clusterName()).isEqualTo("listing-1");
        assertThat(second.get(5, TimeUnit.SECONDS).clusterName()).isEqualTo("listing-1");
        assertThat(third.get(5, TimeUnit.SECONDS).clusterName()).isEqualTo("listing-1");
        assertThat(fetches).hasValue(1);
    }

    @Test
    void aListingStartedBeforeOurCreateIsNotKeptNorJoinedAfterIt() throws Exception {
        gate = new CountDownLatch(1);
        entered = new CountDownLatch(1);
        Future<VpsieWire.ClusterDto> before = pool.submit(() -> listings.get("c1"));
        assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();

        listings.invalidate("c1");
        Future<VpsieWire.ClusterDto> after = pool.submit(() -> listings.get("c1"));
        await().atMost(Duration.ofSeconds(5)).until(() -> fetches.get() == 2);
        gate.countDown();

        assertThat(before.get(5, TimeUnit.SECONDS).clusterName()).isEqualTo("listing-1");
        assertThat(after.get(5, TimeUnit.SECONDS).clusterName()).as("its own listing, started after the create")
                .isEqualTo("listing-2");
        assertThat(listings.get("c1").clusterName()).as("the later listing is the one kept").isEqualTo("listing-2");
        assertThat(fetches).hasValue(2);
    }

    @Test
    void freshAlwaysListsAgain() throws Exception {
        listings.get("c1");
        assertThat(listings.fresh("c1").clusterName()).isEqualTo("listing-2");
        assertThat(listings.get("c1").clusterName()).isEqualTo("listing-2");
    }

    @Test
    void aFailedListingIsNotCachedAndReachesItsWaiters() throws Exception {
        failWith = new ProviderException.Transient("VPSie GET cluster: HTTP 503");
        gate = new CountDownLatch(1);
        entered = new CountDownLatch(1);
        Future<VpsieWire.ClusterDto> first = pool.submit(() -> listings.get("c1"));
        assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
        Future<VpsieWire.ClusterDto> waiter = pool.submit(() -> listings.get("c1"));
        Thread.sleep(100);
        gate.countDown();

        assertThatThrownBy(() -> first.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(ProviderException.Transient.class);
        assertThatThrownBy(() -> waiter.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(ProviderException.Transient.class)
                .hasMessageContaining("HTTP 503");

        failWith = null;
        assertThat(listings.get("c1").clusterName()).as("the next caller tries again").startsWith("listing-");
    }

    @Test
    void aWaiterGivesUpAfterItsDeadline() throws Exception {
        ClusterListings impatient = new ClusterListings(Duration.ofSeconds(10), clock, this::fetch,
                Duration.ofMillis(100));
        gate = new CountDownLatch(1);
        entered = new CountDownLatch(1);
        Future<VpsieWire.ClusterDto> slow = pool.submit(() -> impatient.get("c1"));
        assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();

        assertThatThrownBy(() -> impatient.get("c1")).isInstanceOf(ProviderException.Transient.class)
                .hasMessageContaining("did not finish within");
        gate.countDown();
        assertThat(slow.get(5, TimeUnit.SECONDS).clusterName()).isEqualTo("listing-1");
    }

    @Test
    void listingsOfClustersNobodyAsksForAreDropped() throws Exception {
        listings.get("c1");
        listings.get("c2");
        assertThat(listings.size()).isEqualTo(2);

        clock.advance(Duration.ofSeconds(10));
        listings.get("c2");

        assertThat(listings.size()).as("c1 expired and was dropped").isEqualTo(1);
    }

    @Test
    void aZeroTtlSharesOnlyListingsInFlight() throws Exception {
        ClusterListings unshared = new ClusterListings(Duration.ZERO, clock, this::fetch, Duration.ofSeconds(5));
        unshared.get("c1");
        unshared.get("c1");
        assertThat(fetches).hasValue(2);
    }
}
