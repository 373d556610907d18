package com.vpsie.autoscaler.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vpsie.autoscaler.testing.vpsie.GoClientShapes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The simulator answers in the shapes VPSie's own Go autoscaler decodes (see {@link GoClientShapes}): what it
 * serves must decode with the Go client's field types, over plain HTTP with the headers that client sends.
 */
class GoClientShapesTest {

    private static final String CLUSTER = "c-1";
    private static final String DC = "dc-1";
    private static final String TOKEN = "tok-1";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final VpsieSimulator sim = new VpsieSimulator(clock);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private long group;
    private SimNode worker;

    @BeforeEach
    void start() throws Exception {
        sim.acceptClientCredentials("id-1", "secret-1").acceptStaticToken(TOKEN);
        sim.cloud().readyAfter(Duration.ZERO).addStandardOffers(DC).addCluster(CLUSTER, "demo", DC);
        group = sim.cloud().addGroup(CLUSTER, "workers", "2");
        worker = sim.cloud().addExistingWorker(CLUSTER, group);
        sim.start(0);
    }

    @AfterEach
    void stop() {
        sim.stop();
    }

    /** As the Go client sends a static token: {@code Authorization: Bearer}. */
    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + path)).timeout(Duration.ofSeconds(3))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String ok(HttpResponse<String> reply) {
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
        return reply.body();
    }

    @Test
    void listingsDecodeWithIntegerSizesAndOfferIds() throws Exception {
        var groups = GoClientShapes.decode(ok(send("GET", "/k8s/node/groups/byClusterId/" + CLUSTER, null)),
                GoClientShapes.NodeGroupsReply.class);
        assertThat(groups.error()).isFalse();
        assertThat(groups.data()).singleElement().satisfies(g -> {
            assertThat(g.id()).isEqualTo((int) group);
            assertThat(g.boxsizeId()).isEqualTo(2);
            assertThat(g.nodesCount()).isEqualTo(1);
        });

        var offers = GoClientShapes.decode(ok(send("POST", "/k8s/offers", "{\"dcIdentifier\":\"" + DC + "\"}")),
                GoClientShapes.OffersReply.class);
        assertThat(offers.data()).extracting(GoClientShapes.Offer::id).containsExactly(1, 2, 3, 4);
    }

    @Test
    void clusterNodesCarryIpRoleAndSize() throws Exception {
        var cluster = GoClientShapes.decode(ok(send("GET", "/k8s/cluster/byId/" + CLUSTER, null)),
                GoClientShapes.ClusterReply.class);

        assertThat(cluster.data().nodes()).hasSize(2);
        assertThat(cluster.data().nodes().get(0).role()).isEqualTo("master");
        assertThat(cluster.data().nodes().get(1)).satisfies(n -> {
            assertThat(n.hostname()).isEqualTo(worker.hostname());
            assertThat(n.identifier()).isEqualTo(worker.identifier());
            assertThat(n.ip()).isEqualTo(worker.ip()).isNotBlank();
            assertThat(n.role()).isEqualTo("slave");
            // size 2 of the standard offers: 4 cores, 8 GB, 160 GB
            assertThat(n.cpu()).isEqualTo(4);
            assertThat(n.ram()).isEqualTo(8192);
            assertThat(n.disk()).isEqualTo(160);
            assertThat(n.boxsizeId()).isEqualTo(2);
        });
    }

    @Test
    void aVmIsServedBareAndTheListInData() throws Exception {
        var vm = GoClientShapes.decode(ok(send("GET", "/vm/" + worker.id(), null)), GoClientShapes.Vps.class);
        assertThat(vm.id()).isEqualTo((int) worker.id());
        assertThat(vm.hostname()).isEqualTo(worker.hostname());
        assertThat(vm.status()).isEqualTo("running");
        assertThat(vm.defaultIp()).isEqualTo(worker.ip());
        assertThat(vm.boxsizeId()).isEqualTo(2);

        var vms = GoClientShapes.decode(ok(send("GET", "/vm", null)), GoClientShapes.VpsList.class);
        assertThat(vms.data()).extracting(GoClientShapes.Vps::hostname).contains(worker.hostname());
    }

    @Test
    void errorRepliesCarryTheirMessageAsTheErrorString() throws Exception {
        HttpResponse<String> missing = send("GET", "/vm/999", null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(GoClientShapes.decode(missing.body(), GoClientShapes.ErrorResponse.class))
                .isEqualTo(new GoClientShapes.ErrorResponse("VM not found", "VM not found", 404));

        HttpResponse<String> unauthorized = http.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/vm"))
                .header("Authorization", "Bearer not-a-token").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unauthorized.statusCode()).isEqualTo(401);
        assertThat(GoClientShapes.decode(unauthorized.body(), GoClientShapes.ErrorResponse.class).error())
                .isEqualTo("Unauthorized");

        // Faults take the same shape, whatever status they answer with.
        sim.injectFault(SimEndpoint.LIST_VMS, Fault.status(503));
        HttpResponse<String> unavailable = send("GET", "/vm", null);
        assertThat(unavailable.statusCode()).isEqualTo(503);
        assertThat(GoClientShapes.decode(unavailable.body(), GoClientShapes.ErrorResponse.class).error()).isNotBlank();
    }

    @Test
    void refusalsInAnHttp200EnvelopeKeepABooleanError() throws Exception {
        sim.cloud().maxWorkersPerCluster(1);
        var refused = GoClientShapes.decode(ok(send("POST", "/k8s/cluster/byId/" + CLUSTER + "/add/slave/group/"
                + group, null)), GoClientShapes.AddWorkerReply.class);
        assertThat(refused.error()).isTrue();
        assertThat(refused.message()).contains("exceeds the allowed limit");
    }

    @Test
    void theTokenEndpointKeepsABooleanErrorWhateverItsStatus() throws Exception {
        HttpRequest.Builder form = HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/auth/from/api"))
                .header("Content-Type", "application/x-www-form-urlencoded");
        var refused = http.send(form.POST(HttpRequest.BodyPublishers.ofString("clientId=id-1&clientSecret=no"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(GoClientShapes.decode(refused.body(), GoClientShapes.TokenResponse.class).error()).isTrue();

        var granted = GoClientShapes.decode(ok(http.send(form.POST(HttpRequest.BodyPublishers.ofString(
                "clientId=id-1&clientSecret=secret-1")).build(), HttpResponse.BodyHandlers.ofString())),
                GoClientShapes.TokenResponse.class);
        assertThat(granted.error()).isFalse();
        GoClientShapes.requireRfc3339(granted.accessToken().expires());
    }

    @Test
    void theRecordedGoShapesDecodeAndTheSimulatorsFormerShapesDoNot() {
        // The strict reader must be able to fail, or the tests above prove nothing.
        assertThat(GoClientShapes.decode(fixture("go-client", "node-groups"), GoClientShapes.NodeGroupsReply.class)
                .data()).hasSize(1);
        assertThat(GoClientShapes.decode(fixture("go-client", "offers"), GoClientShapes.OffersReply.class)
                .data()).hasSize(2);
        assertThat(GoClientShapes.decode(fixture("go-client", "cluster"), GoClientShapes.ClusterReply.class)
                .data().nodes()).hasSize(2);
        assertThat(GoClientShapes.decode(fixture("go-client", "vm"), GoClientShapes.Vps.class).id()).isEqualTo(12);
        assertThat(GoClientShapes.decode(fixture("go-client", "vms"), GoClientShapes.VpsList.class).data()).hasSize(2);
        assertThat(GoClientShapes.decode(fixture("go-client", "vm-not-found"), GoClientShapes.ErrorResponse.class)
                .code()).isEqualTo(404);
        assertThat(GoClientShapes.decode(fixture("go-client", "add-worker-refused"),
                GoClientShapes.ErrorResponse.class).error()).contains("allowed limit");

        assertThatThrownBy(() -> GoClientShapes.decode(fixture("simulator-v1", "node-groups"),
                GoClientShapes.NodeGroupsReply.class)).hasMessageContaining("could not decode");
        assertThatThrownBy(() -> GoClientShapes.decode(fixture("simulator-v1", "offers"),
                GoClientShapes.OffersReply.class)).hasMessageContaining("could not decode");
        assertThatThrownBy(() -> GoClientShapes.decode(fixture("simulator-v1", "vm-not-found"),
                GoClientShapes.ErrorResponse.class)).hasMessageContaining("could not decode");
        // The enveloped VM decodes, but as an empty VM: the Go client would see id 0.
        assertThat(GoClientShapes.decode(fixture("simulator-v1", "vm"), GoClientShapes.Vps.class).id()).isZero();
    }

    private static String fixture(String shape, String name) {
        return GoClientShapes.recorded(shape, name);
    }
}
