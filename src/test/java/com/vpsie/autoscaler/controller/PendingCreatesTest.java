package com.vpsie.autoscaler.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroupNodeStatus;
import com.vpsie.autoscaler.provider.ProviderServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PendingCreatesTest {

    private static final Instant NOW = Instant.parse("2026-12-05T07:00:00Z");
    private static final Duration SETTLE = Duration.ofSeconds(60);
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private static NodeGroupNodeStatus request(String id, String status, Instant at) {
        NodeGroupNodeStatus e = new NodeGroupNodeStatus();
        e.setRequestID(id);
        e.setStatus(status);
        e.setCreatedAt(StatusMerge.format(at));
        return e;
    }

    private static NodeGroupNodeStatus known(String name) {
        NodeGroupNodeStatus e = new NodeGroupNodeStatus();
        e.setNodeName(name);
        e.setStatus("Ready");
        return e;
    }

    private static ProviderServer server(String id, String host, Instant created) {
        return new ProviderServer(id, host, "vpsie://" + id, "1", ProviderServer.State.PROVISIONING, created, null);
    }

    private static PendingCreates.Settled settle(List<NodeGroupNodeStatus> entries, List<ProviderServer> listed) {
        return PendingCreates.settle(entries, listed, ProviderServer::hostname, List.of(), NOW, SETTLE, TIMEOUT);
    }

    @Test
    void newServersGoToTheOldestOpenRequestsAndKnownOnesToNone() {
        List<NodeGroupNodeStatus> entries = List.of(known("w-1"),
                request("r2", PendingCreates.REQUESTED, NOW.minusSeconds(5)),
                request("r1", PendingCreates.REQUESTED, NOW.minusSeconds(8)),
                request("r3", PendingCreates.CREATING, NOW.minusSeconds(1)));
        PendingCreates.Settled settled = settle(entries, List.of(server("a", "w-1", NOW.minusSeconds(100)),
                server("c", "w-3", NOW.minusSeconds(4)), server("b", "w-2", NOW.minusSeconds(7))));

        assertThat(settled.matched()).containsOnlyKeys("r1", "r2");
        assertThat(settled.matched().get("r1").id()).isEqualTo("b");
        assertThat(settled.matched().get("r2").id()).isEqualTo("c");
        assertThat(settled.open()).extracting(NodeGroupNodeStatus::getRequestID).containsExactly("r3");
    }

    @Test
    void aCreateOfUnknownOutcomeIsGivenUpAfterTheSettleTimeAnAcceptedOneOnlyAfterTheTimeout() {
        List<NodeGroupNodeStatus> entries = List.of(
                request("creating-old", PendingCreates.CREATING, NOW.minus(SETTLE)),
                request("creating-new", PendingCreates.CREATING, NOW.minus(SETTLE).plusSeconds(1)),
                request("requested-old", PendingCreates.REQUESTED, NOW.minus(TIMEOUT)),
                request("requested-new", PendingCreates.REQUESTED, NOW.minus(SETTLE)));
        PendingCreates.Settled settled = settle(entries, List.of());

        assertThat(settled.unconfirmed()).extracting(NodeGroupNodeStatus::getRequestID).containsExactly("creating-old");
        assertThat(settled.timedOut()).extracting(NodeGroupNodeStatus::getRequestID).containsExactly("requested-old");
        assertThat(settled.open()).extracting(NodeGroupNodeStatus::getRequestID)
                .containsExactlyInAnyOrder("creating-new", "requested-new");
    }

    @Test
    void aLateServerStillSettlesARequestBeforeItWouldExpire() {
        List<NodeGroupNodeStatus> entries = List.of(request("r1", PendingCreates.CREATING, NOW.minus(SETTLE)));
        PendingCreates.Settled settled = settle(entries, List.of(server("a", "w-1", NOW.minusSeconds(61))));
        assertThat(settled.matched()).containsOnlyKeys("r1");
        assertThat(settled.unconfirmed()).isEmpty();
    }

    @Test
    void acceptedRequestsGetServersBeforeOnesOfUnknownOutcome() {
        // r1's add call answered 503: with seven servers for eight requests, r1 is the one left waiting
        List<NodeGroupNodeStatus> entries = List.of(request("r1", PendingCreates.CREATING, NOW.minusSeconds(10)),
                request("r2", PendingCreates.REQUESTED, NOW.minusSeconds(10)));
        PendingCreates.Settled settled = settle(entries, List.of(server("a", "w-1", NOW.minusSeconds(9))));
        assertThat(settled.matched()).containsOnlyKeys("r2");
        assertThat(settled.open()).extracting(NodeGroupNodeStatus::getRequestID).containsExactly("r1");
    }

    @Test
    void aSuccessorGivesAnInheritedRequestUpOnlyAfterWatchingTheListingForTheSettleTimeItself() {
        // Written by the old leader 70 s ago; this process (the new leader) first saw it 5 s ago. Its server may have
        // been asked for just before the crash and still be inside VPSie's listing lag.
        List<NodeGroupNodeStatus> entries = List.of(request("inherited", PendingCreates.CREATING, NOW.minusSeconds(70)));
        PendingCreates.Settled fresh = PendingCreates.settle(entries, List.of(), ProviderServer::hostname, List.of(),
                java.util.Map.of("inherited", NOW.minusSeconds(5)), NOW, SETTLE, TIMEOUT);
        assertThat(fresh.open()).extracting(NodeGroupNodeStatus::getRequestID).containsExactly("inherited");
        assertThat(fresh.unconfirmed()).isEmpty();

        PendingCreates.Settled watchedLongEnough = PendingCreates.settle(entries, List.of(), ProviderServer::hostname,
                List.of(), java.util.Map.of("inherited", NOW.minus(SETTLE)), NOW, SETTLE, TIMEOUT);
        assertThat(watchedLongEnough.unconfirmed()).extracting(NodeGroupNodeStatus::getRequestID)
                .containsExactly("inherited");
    }

    /** A Deleting entry written when the node was released before VPSie listed its server: nothing of the server. */
    private static NodeGroupNodeStatus releasedBeforeListed(String name) {
        NodeGroupNodeStatus e = new NodeGroupNodeStatus();
        e.setNodeName(name);
        e.setStatus(NodeGroupReconciler.DELETING);
        return e;
    }

    @Test
    void aServerReleasedBeforeItWasListedStillSettlesItsRequest() {
        // The Node registered and was drained (a NodeGroup being deleted) within VPSie's listing lag: when the server
        // is listed at last, it is the one the open request asked for, not a stranger to count again.
        List<NodeGroupNodeStatus> entries = List.of(releasedBeforeListed("w-2"),
                request("r2", PendingCreates.REQUESTED, NOW.minusSeconds(5)));
        PendingCreates.Settled settled = settle(entries, List.of(server("b", "w-2", NOW.minusSeconds(4))));

        assertThat(settled.matched()).containsOnlyKeys("r2");
        assertThat(settled.open()).isEmpty();
    }

    @Test
    void aReleasedServerOnceRecordedSettlesNoFurtherRequest() {
        NodeGroupNodeStatus released = releasedBeforeListed("w-2");
        released.setVpsID(7L);
        released.setInstanceType("1");
        List<NodeGroupNodeStatus> entries = List.of(released,
                request("r3", PendingCreates.REQUESTED, NOW.minusSeconds(5)));
        PendingCreates.Settled settled = settle(entries, List.of(server("7", "w-2", NOW.minusSeconds(40))));

        assertThat(settled.matched()).isEmpty();
        assertThat(settled.open()).extracting(NodeGroupNodeStatus::getRequestID).containsExactly("r3");
    }
}
