package com.vpsie.autoscaler.provider.vpsie;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.vpsie.autoscaler.model.Offering;
import com.vpsie.autoscaler.provider.ProviderException;
import com.vpsie.autoscaler.provider.ProviderGroup;
import com.vpsie.autoscaler.provider.ProviderServer;
import com.vpsie.autoscaler.sim.Fault;
import com.vpsie.autoscaler.sim.SimEndpoint;
import com.vpsie.autoscaler.sim.SimNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The provider against the simulator: listing, idempotent creation under every fault, deletion, offerings. */
class VpsieCloudProviderTest {

    private final SimFixture fx = new SimFixture();

    @AfterEach
    void tearDown() {
        fx.close();
    }

    // ---- listing and group resolution ----

    @Test
    void listsTheGroupsServersWithProviderIdsAndStatesThatFollowTheClock() throws Exception {
        SimNode existing = fx.sim.cloud().addExistingWorker(SimFixture.CLUSTER, fx.groupId);
        long otherGroup = fx.sim.cloud().addGroup(SimFixture.CLUSTER, "other", "1");
        fx.sim.cloud().addExistingWorker(SimFixture.CLUSTER, otherGroup);
        VpsieCloudProvider provider = fx.provider();
        ProviderServer created = provider.createServer(SimFixture.group(), "2", "req-1");

        List<ProviderServer> servers = provider.listServers(SimFixture.group());

        assertThat(servers).extracting(ProviderServer::id).containsExactly(existing.identifier(), created.id());
        ProviderServer first = servers.get(0);
        assertThat(first.providerId()).isEqualTo("vpsie://" + existing.identifier());
        assertThat(first.hostname()).isEqualTo(existing.hostname());
        assertThat(first.offeringId()).isEqualTo("2");
        assertThat(first.ipAddress()).isEqualTo(existing.ip());
        assertThat(first.createdAt()).isEqualTo(fx.clock.instant());
        assertThat(first.state()).isEqualTo(ProviderServer.State.RUNNING);
        assertThat(servers.get(1).state()).isEqualTo(ProviderServer.State.PROVISIONING);

        fx.clock.advance(Duration.ofSeconds(31));
        assertThat(provider.listServers(SimFixture.group())).extracting(ProviderServer::state)
                .containsOnly(ProviderServer.State.RUNNING);
    }

    @Test
    void theGroupIdIsResolvedByNameOnceAndExposed() throws Exception {
        fx.sim.cloud().addExistingWorker(SimFixture.CLUSTER, fx.groupId);
        VpsieCloudProvider provider = fx.provider();

        assertThat(provider.resolveGroupId(SimFixture.group())).isEqualTo(fx.groupId);
        provider.listServers(SimFixture.group());
        provider.listServers(SimFixture.group());

        assertThat(fx.sim.requestCount(SimEndpoint.LIST_GROUPS)).isEqualTo(1);
    }

    @Test
    void aKnownGroupIdIsUsedWithoutListingGroups() throws Exception {
        fx.sim.cloud().addExistingWorker(SimFixture.CLUSTER, fx.groupId);
        VpsieCloudProvider provider = fx.provider();

        provider.listServers(fx.groupWithId());

        assertThat(fx.sim.requestCount(SimEndpoint.LIST_GROUPS)).isZero();
    }

    @Test
    void aGroupWithoutClusterIsTerminal() {
        VpsieCloudProvider provider = fx.provider();
        ProviderGroup noCluster = new ProviderGroup("default", "workers", SimFixture.DC, null, null, List.of(), null);

        assertThatThrownBy(() -> provider.listServers(noCluster))
                .isInstanceOf(ProviderException.Terminal.class)
                .hasMessageContaining("names no VPSie cluster");
        assertThat(fx.sim.requests()).isEmpty();
    }

    @Test
    void oneListingPerTtlAndNothingWhenIdle() throws Exception {
        VpsieCloudProvider provider = fx.provider(b -> b.clusterListingTtl(Duration.ofSeconds(10)));
        // The first listing of this still empty group also confirms its emptiness against the group's count.
        provider.listServers(SimFixture.group());
        assertThat(fx.sim.requests()).extracting(r -> r.endpoint())
                .containsExactly(SimEndpoint.AUTH, SimEndpoint.LIST_GROUPS, SimEndpoint.GET_CLUSTER,
                        SimEndpoint.LIST_GROUPS);
        fx.sim.clearRequests();

        fx.clock.advance(Duration.ofSeconds(9));
        provider.listServers(SimFixture.group());
        assertThat(fx.sim.requests()).as("within the TTL the listing is shared").isEmpty();

        fx.clock.advance(Duration.ofSeconds(1));
        provider.listServers(SimFixture.group());
        assertThat(fx.sim.requests()).extracting(r -> r.endpoint()).containsExactly(SimEndpoint.GET_CLUSTER);

        // The provider has no background activity: time passing calls nothing.
        fx.sim.clearRequests();
        fx.clock.advance(Duration.ofHours(2));
        assertThat(fx.sim.requests()).isEmpty();
    }

    @Test
    void theNodeGroupsOfAClusterShareOneListing() throws Exception {
        long otherId = fx.sim.cloud().addGroup(SimFixture.CLUSTER, "other", "1");
        long thirdId = fx.sim.cloud().addGroup(SimFixture.CLUSTER, "third", "1");
        SimNode mine = fx.sim.cloud().addExistingWorker(SimFixture.CLUSTER, fx.groupId);
        SimNode other = fx.sim.cloud().addExistingWorker(SimFixture.CLUSTER, otherId);
        VpsieCloudProvider provider = fx.provider(b -> b.clusterListingTtl(Duration.ofSeconds(10)));
        ProviderGroup second = new ProviderGroup("default", "other", SimFixture.DC, SimFixture.CLUSTER, otherId,
                List.of("1"), null);
        ProviderGroup third = new ProviderGroup("default", "third", SimFixture.DC, SimFixture.CLUSTER, thirdId,
                List.of("1"), null);

        assertThat(provider.listServers(fx.groupWithId())).extracting(ProviderServer::id)
                .containsExactly(mine.identifier());
        assertThat(provider.listServers(second)).extracting(ProviderServer::id).containsExactly(other.identifier());
        assertThat(provider.listServers(third)).isEmpty();

        assertThat(fx.sim.requestCount(SimEndpoint.GET_CLUSTER)).isEqualTo(1);
    }

    @Test
    void ourCreateAndDeleteEndTheSharedListing() throws Exception {
        VpsieCloudProvider provider = fx.provider(b -> b.clusterListingTtl(Duration.ofMinutes(10)));
        assertThat(provider.listServers(fx.groupWithId())).isEmpty();

        ProviderServer created = provider.createServer(fx.groupWithId(), "2", "req-1");
        assertThat(provider.listServers(fx.groupWithId())).as("the listing after the create shows its server")
                .extracting(ProviderServer::id).containsExactly(created.id());

        provider.deleteServer(fx.groupWithId(), created.id());
        int before = fx.sim.requestCount(SimEndpoint.GET_CLUSTER);
        assertThat(provider.listServers(fx.groupWithId())).as("the listing after the delete").isEmpty();
        assertThat(fx.sim.requestCount(SimEndpoint.GET_CLUSTER)).isEqualTo(before + 1);
    }

    @Test
    void aChangeByAnyoneElseIsSeenOnceTheTtlEnds() throws Exception {
        VpsieCloudProvider provider = fx.provider(b -> b.clusterListingTtl(Duration.ofSeconds(10)));
        assertThat(provider.listServers(fx.groupWithId())).isEmpty();
        SimNode added = fx.sim.cloud().addExistingWorker(SimFixture.CLUSTER, fx.groupId);

        assertThat(provider.listServers(fx.groupWithId())).as("still the shared listing").isEmpty();
        fx.clock.advance(Duration.ofSeconds(10));
        assertThat(provider.listServers(fx.groupWithId())).extracting(ProviderServer::id)
                .containsExactly(added.identifier());
    }

    @Test
    void refusesToReportAnEmptyGroupWhenNodesCarryNoGroup() throws Exception {
        fx.sim.cloud().addExistingWorker(SimFixture.CLUSTER, fx.groupId);
        fx.sim.cloud().nodesCarryGroupId(false);
        VpsieCloudProvider provider = fx.provider();

        assertThatThrownBy(() -> provider.listServers(SimFixture.group()))
                .isInstanceOf(ProviderException.Terminal.class)
                .hasMessageContaining("names no node group");
    }

    // ---- creation ----

    @Test
    void createRecoversTheServerAVpsieReplyDoesNotName() throws Exception {
        VpsieCloudProvider provider = fx.provider();

        ProviderServer server = provider.createServer(SimFixture.group(), "2", "req-1");

        List<SimNode> workers = fx.sim.cloud().workers(SimFixture.CLUSTER, fx.groupId);
        assertThat(workers).hasSize(1);
        assertThat(server.id()).isEqualTo(workers.get(0).identifier());
        assertThat(server.hostname()).isEqualTo(workers.get(0).hostname());
        assertThat(server.state()).isEqualTo(ProviderServer.State.PROVISIONING);
    }

    @Test
    void createUsesTheServerAReplyNamesWithoutListingAfterwards() throws Exception {
        fx.sim.addWorkerNamesServer(true);
        VpsieCloudProvider provider = fx.provider();
        provider.listServers(SimFixture.group());
        fx.sim.clearRequests();

        ProviderServer server = provider.createServer(SimFixture.group(), "2", "req-1");

        assertThat(server.id()).isEqualTo(fx.sim.cloud().workers(SimFixture.CLUSTER, fx.groupId).get(0).identifier());
        assertThat(fx.sim.requests()).extracting(r -> r.endpoint()).containsExactly(SimEndpoint.ADD_WORKER);
    }

    @Test
    void aRetryWithTheSameRequestIdReturnsTheSameServerWithoutAddingAnother() throws Exception {
        VpsieCloudProvider provider = fx.provider();
        ProviderServer first = provider.createServer(SimFixture.group(), "2", "req-1");

        ProviderServer again = provider.createServer(SimFixture.group(), "2", "req-1");

        assertThat(again).isEqualTo(first);
        assertThat(fx.sim.requestCount(SimEndpoint.ADD_WORKER)).isEqualTo(1);
        ProviderServer other = provider.createServer(SimFixture.group(), "2", "req-2");
        assertThat(other.id()).isNotEqualTo(first.id());
        assertThat(fx.sim.cloud().workers(SimFixture.CLUSTER, fx.groupId)).hasSize(2);
    }

    @Test
    void aLostReplyAfterTheServerWasCreatedNeverCreatesASecondOne() throws Exception {
        VpsieCloudProvider provider = fx.provider();
        fx.sim.injectFault(SimEndpoint.ADD_WORKER, Fault.lostResponse());

        ProviderServer server = provider.createServer(SimFixture.group(), "2", "req-1");
        ProviderServer retried = provider.createServer(SimFixture.group(), "2", "req-1");

        assertThat(fx.sim.cloud().workers(SimFixture.CLUSTER, fx.groupId)).extracting(SimNode::identifier)
                .containsExactly(server.id());
        assertThat(retried).isEqualTo(server);
        assertThat(fx.sim.requestCount(SimEndpoint.ADD_WORKER)).isEqualTo(1);
    }

    @Test
    void aTimeoutAfterTheServerWasCreatedNeverCreatesASecondOne() throws Exception {
        VpsieCloudProvider provider = fx.provider();
        fx.sim.injectFault(SimEndpoint.ADD_WORKER, Fault.slowAfterAction(Duration.ofMillis(1500)));

        ProviderServer server = provider.createServer(SimFixture.group(), "2", "req-1");

        assertThat(fx.sim.cloud().workers(SimFixture.CLUSTER, fx.groupId)).extracting(SimNode::identifier)
                .containsExactly(server.id());
        assertThat(fx.sim.requestCount(SimEndpoint.ADD_WORKER)).isZero();
    }

    @Test
    void aServerThatAppearsOnlyAfterTheTimeoutIsFoundByTheRetry() throws Exception {
        // The simulator acts only after its delay, so right after the timeout the server is not listed yet.
        VpsieCloudProvider provider = fx.provider(b -> b.createSettleTime(Duration.ofMinutes(5)));
        fx.sim.injectFault(SimEndpoint.ADD_WORKER, Fault.delay(Duration.ofMillis(1200)));

        assertThatThrownBy(() -> provider.createServer(SimFixture.group(), "2", "req-1"))
                .isInstanceOf(ProviderException.Transient.class)
                .hasMessageContaining("add_worker").hasMessageContaining("req-1");
        await().atMost(Duration.ofSeconds(3))
                .until(() -> fx.sim.cloud().workers(SimFixture.CLUSTER, fx.groupId).size() == 1);

        ProviderServer server = provider.createServer(SimFixture.group(), "2", "req-1");

        assertThat(fx.sim.cloud().workers(SimFixture.CLUSTER, fx.groupId)).extracting(SimNode::identifier)
                .containsExactly(server.id());
        assertThat(fx.sim.requests()).filteredOn(r -> r.endpoint() == SimEndpoint.ADD_WORKER).hasSize(1);
    }

    @Test
    void anUnknownOutcomeIsNotResentBeforeTheSettleTime() throws Exception {
        VpsieCloudProvider provider = fx.provider(b -> b.createSettleTime(Duration.ofSeconds(60)));
        fx.sim.injectFault(SimEndpoint.ADD_WORKER, Fault.status(503));

        assertThatThrownBy(() -> provider.createServer(SimFixture.group(), "2", "req-1"))
                .isInstanceOf(ProviderException.Transient.class).hasMessageContaining("HTTP 503");
        assertThatThrownBy(() -> provider.createServer(SimFixture.group(), "2", "req-1"))
                .isInstanceOf(ProviderException.Transient.class).hasMessageContaining("unknown outcome");
        assertThat(fx.sim.requestCount(SimEndpoint.ADD_WORKER)).isEqualTo(1);

        fx.clock.advance(Duration.ofSeconds(61));
        ProviderServer server = provider.createServer(SimFixture.group(), "2", "req-1");

        assertThat(fx.sim.cloud().workers(SimFixture.CLUSTER, fx.groupId)).extracting(SimNode::identifier)
                .containsExactly(server.id());
        assertThat(fx.sim.requestCount(SimEndpoint.ADD_WORKER)).isEqualTo(2);
    }

    @Test
    void a5xxAfterTheServerWasCreatedIsResolvedByListing() throws Exception {
        VpsieCloudProvider provider = fx.provider();
        fx.sim.injectFault(SimEndpoint.ADD_WORKER, Fault.status(502).actionFirst());

        ProviderServer server = provider.createServer(SimFixture.group(), "2", "req-1");

        assertThat(fx.sim.cloud().workers(SimFixture.CLUSTER, fx.groupId)).extracting(SimNode::identifier)
                .containsExactly(server.id());
    }

    @Test
    void malformedJsonAfterTheServerWasCreatedIsResolvedByListing() throws Exception {
        VpsieCloudProvider provider = fx.provider();
        fx.sim.injectFault(SimEndpoint.ADD_WORKER, Fault.malformedJson().actionFirst());

        ProviderServer server = provider.createServer(SimFixture.group(), "2", "req-1");

        assertThat(fx.sim.cloud().workers(SimFixture.CLUSTER, fx.groupId)).extracting(SimNode::identifier)
                .containsExactly(server.id());
        assertThat(fx.sim.requestCount(SimEndpoint.ADD_WORKER)).isEqualTo(1);
    }

    @Test
    void aQuotaErrorIsTerminalAndTheNextAttemptStartsOver() throws Exception {
        VpsieCloudProvider provider = fx.provider();
        fx.sim.injectFault(SimEndpoint.ADD_WORKER, Fault.quotaExceeded());

        assertThatThrownBy(() -> provider.createServer(SimFixture.group(), "2", "req-1"))
                .isInstanceOf(ProviderException.Terminal.class)
                .hasMessageContaining("exceeds the allowed limit");
        assertThat(fx.sim.cloud().workers(SimFixture.CLUSTER, fx.groupId)).isEmpty();

        ProviderServer server = provider.createServer(SimFixture.group(), "2", "req-1");
        assertThat(fx.sim.cloud().workers(SimFixture.CLUSTER, fx.groupId)).extracting(SimNode::identifier)
                .containsExactly(server.id());
    }

    @Test
    void aSoldOutSizeIsOutOfCapacityNotRetriedAndNothingIsMade() throws Exception {
        VpsieCloudProvider provider = fx.provider();
        fx.sim.cloud().outOfStock(SimFixture.DC, "2", true);

        assertThatThrownBy(() -> provider.requestServer(SimFixture.group(), "2", "req-1"))
                .isInstanceOf(ProviderException.OutOfCapacity.class)
                .hasMessageContaining("Insufficient resources");
        assertThat(fx.sim.requestCount(SimEndpoint.ADD_WORKER)).as("a refusal for capacity is not retried at once")
                .isEqualTo(1);
        assertThat(fx.sim.cloud().workers(SimFixture.CLUSTER, fx.groupId)).isEmpty();

        fx.sim.cloud().outOfStock(SimFixture.DC, "2", false);
        assertThat(provider.requestServer(SimFixture.group(), "2", "req-2")).isNotNull();
        assertThat(fx.sim.cloud().workers(SimFixture.CLUSTER, fx.groupId)).hasSize(1);
    }

    @Test
    void concurrentCreatesWithDifferentRequestIdsGetDistinctServers() throws Exception {
        VpsieCloudProvider provider = fx.provider();
        fx.sim.latency(Duration.ofMillis(20));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<ProviderServer>> futures = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String requestId = "req-" + i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return provider.createServer(SimFixture.group(), "2", requestId);
                }));
            }
            start.countDown();
            List<String> ids = new ArrayList<>();
            for (Future<ProviderServer> f : futures) {
                ids.add(f.get(10, TimeUnit.SECONDS).id());
            }
            assertThat(ids).doesNotHaveDuplicates();
            assertThat(fx.sim.cloud().workers(SimFixture.CLUSTER, fx.groupId)).extracting(SimNode::identifier)
                    .containsExactlyInAnyOrderElementsOf(ids);
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- deletion ----

    @Test
    void deletesExactlyTheNamedServer() throws Exception {
        SimNode keep = fx.sim.cloud().addExistingWorker(SimFixture.CLUSTER, fx.groupId);
        SimNode drop = fx.sim.cloud().addExistingWorker(SimFixture.CLUSTER, fx.groupId);
        VpsieCloudProvider provider = fx.provider();

        provider.deleteServer(SimFixture.group(), drop.identifier());
        provider.deleteServer(SimFixture.group(), drop.identifier());

        assertThat(fx.sim.cloud().workers(SimFixture.CLUSTER, fx.groupId)).containsExactly(keep);
    }

    @Test
    void aDeletedServerIsNotReturnedForItsRequestAgain() throws Exception {
        VpsieCloudProvider provider = fx.provider();
        ProviderServer first = provider.createServer(SimFixture.group(), "2", "req-1");
        provider.deleteServer(SimFixture.group(), first.id());

        ProviderServer second = provider.createServer(SimFixture.group(), "2", "req-1");

        assertThat(second.id()).isNotEqualTo(first.id());
    }

    // ---- offerings ----

    @Test
    void offeringsAreMappedAndCachedForTheirTtl() throws Exception {
        VpsieCloudProvider provider = fx.provider(b -> b.offeringsTtl(Duration.ofMinutes(10)).podsPerNode(58));

        List<Offering> offerings = provider.listOfferings(SimFixture.DC);
        provider.listOfferings(SimFixture.DC);

        assertThat(offerings).extracting(Offering::id).containsExactly("1", "2", "3", "4");
        Offering small = offerings.get(0);
        assertThat(small.resources().cpuMillis()).isEqualTo(2000);
        assertThat(small.resources().memoryBytes()).isEqualTo(4L * 1024 * 1024 * 1024);
        assertThat(small.resources().ephemeralStorageBytes()).isEqualTo(80L * 1024 * 1024 * 1024);
        assertThat(small.resources().pods()).isEqualTo(58);
        assertThat(small.pricePerHour()).isEqualTo(0.03);
        assertThat(fx.sim.requestCount(SimEndpoint.OFFERS)).isEqualTo(1);

        fx.clock.advance(Duration.ofMinutes(11));
        provider.listOfferings(SimFixture.DC);
        assertThat(fx.sim.requestCount(SimEndpoint.OFFERS)).isEqualTo(2);
    }

    @Test
    void staleOfferingsAreServedWhenARefreshFails() throws Exception {
        VpsieCloudProvider provider = fx.provider(b -> b.offeringsTtl(Duration.ofMinutes(10)).maxAttempts(1));
        provider.listOfferings(SimFixture.DC);
        fx.clock.advance(Duration.ofMinutes(11));
        fx.sim.setFault(SimEndpoint.OFFERS, Fault.status(503));

        assertThat(provider.listOfferings(SimFixture.DC)).hasSize(4);
    }

    @Test
    void anUnknownDatacenterIsTerminal() {
        VpsieCloudProvider provider = fx.provider();

        assertThatThrownBy(() -> provider.listOfferings("dc-nowhere"))
                .isInstanceOf(ProviderException.Terminal.class)
                .hasMessageContaining("offers");
    }

    @Test
    void reportsItsProviderIdPrefix() {
        assertThat(fx.provider(b -> b.providerIdPrefix("vpsie:///")).providerIdPrefix()).isEqualTo("vpsie:///");
    }
}
