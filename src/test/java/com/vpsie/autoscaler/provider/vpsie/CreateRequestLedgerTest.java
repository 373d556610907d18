package com.vpsie.autoscaler.provider.vpsie;

import static org.assertj.core.api.Assertions.assertThat;

import com.vpsie.autoscaler.provider.ProviderServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CreateRequestLedgerTest {

    private static final String G = "ns/workers";
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    private final CreateRequestLedger ledger = new CreateRequestLedger(Duration.ofHours(1));

    private static ProviderServer server(String id, int secondsAfterT0) {
        return new ProviderServer(id, "host-" + id, "vpsie://" + id, "2", ProviderServer.State.PROVISIONING,
                T0.plusSeconds(secondsAfterT0), null);
    }

    @Test
    void claimsTheOldestNewUnclaimedServer() {
        ledger.begin(G, "r1", T0);
        ledger.sending(G, "r1", Set.of("a"), T0);

        assertThat(ledger.claim(G, "r1", List.of(server("a", 0), server("c", 5), server("b", 3))))
                .map(ProviderServer::id).contains("b");
        // Claimed: the same answer again.
        assertThat(ledger.claim(G, "r1", List.of(server("c", 5)))).map(ProviderServer::id).contains("b");
    }

    @Test
    void racingRequestsEachGetADistinctServer() {
        ledger.begin(G, "r1", T0);
        ledger.sending(G, "r1", Set.of(), T0);
        ledger.begin(G, "r2", T0);
        ledger.sending(G, "r2", Set.of(), T0);
        List<ProviderServer> both = List.of(server("x", 1), server("y", 2));

        assertThat(ledger.claim(G, "r2", both)).map(ProviderServer::id).contains("x");
        assertThat(ledger.claim(G, "r1", both)).map(ProviderServer::id).contains("y");
    }

    @Test
    void aNamedServerAlreadyTakenByARaceIsExchangedForTheRemainingOne() {
        ledger.begin(G, "r1", T0);
        ledger.sending(G, "r1", Set.of(), T0);
        ledger.begin(G, "r2", T0);
        ledger.sending(G, "r2", Set.of(), T0);
        ledger.claim(G, "r2", List.of(server("x", 1)));

        assertThat(ledger.resolveNamed(G, "r1", server("x", 1))).isFalse();
        assertThat(ledger.claim(G, "r1", List.of(server("x", 1), server("y", 2)))).map(ProviderServer::id)
                .contains("y");
    }

    @Test
    void aRequestCannotRunTwiceAtOnce() {
        assertThat(ledger.begin(G, "r1", T0)).isPresent();
        assertThat(ledger.begin(G, "r1", T0)).isEmpty();
        ledger.end(G, "r1");
        assertThat(ledger.begin(G, "r1", T0)).isPresent();
    }

    @Test
    void requestsThatNeverSentLeaveNoTraceAndOldOnesExpire() {
        ledger.begin(G, "never-sent", T0);
        ledger.end(G, "never-sent");
        assertThat(ledger.size(G)).isZero();

        ledger.begin(G, "r1", T0);
        ledger.sending(G, "r1", Set.of(), T0);
        ledger.claim(G, "r1", List.of(server("a", 1)));
        ledger.end(G, "r1");
        assertThat(ledger.size(G)).isEqualTo(1);

        ledger.begin(G, "other", T0.plus(Duration.ofMinutes(61)));
        assertThat(ledger.size(G)).isEqualTo(1);
    }

    @Test
    void forgettingAServerOrAGroupDropsWhatPointsAtIt() {
        ledger.begin(G, "r1", T0);
        ledger.sending(G, "r1", Set.of(), T0);
        ledger.claim(G, "r1", List.of(server("a", 1)));
        ledger.end(G, "r1");

        ledger.forgetServer(G, "a");
        assertThat(ledger.size(G)).isZero();

        ledger.recordListing(G, List.of(server("b", 1)));
        ledger.forgetGroup(G);
        assertThat(ledger.lastListing(G)).isEmpty();
    }

    @Test
    void aFailedSendStartsOver() {
        ledger.begin(G, "r1", T0);
        ledger.sending(G, "r1", Set.of(), T0);
        ledger.failed(G, "r1");
        ledger.end(G, "r1");

        assertThat(ledger.begin(G, "r1", T0)).hasValueSatisfying(e ->
                assertThat(e.stage()).isEqualTo(CreateRequestLedger.Stage.NEW));
    }
}
