package com.vpsie.autoscaler.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The simulator over plain HTTP (the JDK client, not ours), so its wire behaviour is checked on its own. */
class VpsieSimulatorTest {

    private static final String CLUSTER = "c-1";
    private static final String DC = "dc-1";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final VpsieSimulator sim = new VpsieSimulator(clock);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper mapper = new ObjectMapper();
    private long group;

    @BeforeEach
    void start() throws IOException {
        sim.acceptClientCredentials("id-1", "secret-1").acceptStaticToken("tok-1");
        sim.cloud().readyAfter(Duration.ofSeconds(30)).addStandardOffers(DC).addCluster(CLUSTER, "demo", DC);
        group = sim.cloud().addGroup(CLUSTER, "workers", "2");
        sim.start(0);
    }

    @AfterEach
    void stop() {
        sim.stop();
    }

    private HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(sim.baseUrl() + path))
                .timeout(Duration.ofSeconds(3))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode ok(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = mapper.readTree(response.body());
        assertThat(body.path("error").asBoolean()).as(response.body()).isFalse();
        return body.path("data");
    }

    private JsonNode get(String path) throws Exception {
        return ok(send("GET", path, null, "Vpsie-Auth", "tok-1"));
    }

    @Test
    void servesUnderV2OnLoopback() {
        assertThat(sim.baseUrl()).isEqualTo("http://127.0.0.1:" + sim.port() + "/v2");
    }

    @Test
    void exchangesClientCredentialsForExpiringBearerTokens() throws Exception {
        HttpResponse<String> reply = send("POST", "/auth/from/api", "clientId=id-1&clientSecret=secret-1",
                "Content-Type", "application/x-www-form-urlencoded");
        JsonNode body = mapper.readTree(reply.body());
        String token = body.path("accessToken").path("token").asText();
        assertThat(body.path("accessToken").path("expires").asText()).isEqualTo("2026-03-01T11:00:00Z");

        assertThat(send("GET", "/k8s/cluster/all", null, "Authorization", "Bearer " + token).statusCode())
                .isEqualTo(200);
        clock.advance(Duration.ofMinutes(61));
        assertThat(send("GET", "/k8s/cluster/all", null, "Authorization", "Bearer " + token).statusCode())
                .isEqualTo(401);
        assertThat(sim.requests()).extracting(SimRequest::principal).containsExactly("id-1", "id-1", null);
    }

    @Test
    void rejectsWrongOrMissingCredentials() throws Exception {
        assertThat(send("POST", "/auth/from/api", "clientId=id-1&clientSecret=nope", "Content-Type",
                "application/x-www-form-urlencoded").statusCode()).isEqualTo(401);
        assertThat(send("GET", "/k8s/cluster/all", null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/k8s/cluster/all", null, "Vpsie-Auth", "other").statusCode()).isEqualTo(401);
        assertThat(send("GET", "/k8s/cluster/all", null, "Authorization", "Bearer made-up").statusCode())
                .isEqualTo(401);
    }

    @Test
    void acceptsAStaticTokenInEitherHeaderAsVpsiesTwoGoClientsSendIt() throws Exception {
        // Vpsie-Auth as the Go SDK sends it, Authorization: Bearer as the Go autoscaler does, or both at once.
        assertThat(send("GET", "/k8s/cluster/all", null, "Authorization", "Bearer tok-1").statusCode()).isEqualTo(200);
        assertThat(send("GET", "/k8s/cluster/all", null, "Vpsie-Auth", "tok-1", "Authorization", "Bearer tok-1")
                .statusCode()).isEqualTo(200);
        assertThat(sim.requests()).extracting(SimRequest::principal).containsExactly("static-token", "static-token");
    }

    @Test
    void listsGroupsOffersAndClusters() throws Exception {
        JsonNode groups = get("/k8s/node/groups/byClusterId/" + CLUSTER);
        assertThat(groups).hasSize(1);
        assertThat(groups.get(0).path("id").asLong()).isEqualTo(group);
        assertThat(groups.get(0).path("group_name").asText()).isEqualTo("workers");
        assertThat(groups.get(0).path("boxsize_id").asText()).isEqualTo("2");
        assertThat(groups.get(0).path("cpu").asInt()).isEqualTo(4);
        assertThat(groups.get(0).path("nodes_count").asInt()).isZero();

        JsonNode offers = ok(send("POST", "/k8s/offers", "{\"dcIdentifier\":\"" + DC + "\"}", "Vpsie-Auth", "tok-1"));
        assertThat(offers).hasSize(4);
        assertThat(offers.get(0).path("hourly_price").asDouble()).isEqualTo(0.03);

        assertThat(get("/k8s/cluster/all").get(0).path("identifier").asText()).isEqualTo(CLUSTER);
        JsonNode nodes = get("/k8s/cluster/byId/" + CLUSTER).path("nodes");
        assertThat(nodes).hasSize(1);
        assertThat(nodes.get(0).has("group_id")).isFalse();
    }

    @Test
    void addedWorkersProvisionThenRunAndCanBeDeletedByName() throws Exception {
        JsonNode added = ok(send("POST", "/k8s/cluster/byId/" + CLUSTER + "/add/slave/group/" + group, null,
                "Vpsie-Auth", "tok-1"));
        assertThat(added.asBoolean()).isTrue();
        SimNode node = sim.cloud().workers(CLUSTER, group).get(0);

        JsonNode listed = get("/k8s/cluster/byId/" + CLUSTER).path("nodes").get(1);
        assertThat(listed.path("identifier").asText()).isEqualTo(node.identifier());
        assertThat(listed.path("group_id").asLong()).isEqualTo(group);
        assertThat(listed.path("status").asText()).isEqualTo("provisioning");
        clock.advance(Duration.ofSeconds(30));
        assertThat(get("/k8s/cluster/byId/" + CLUSTER).path("nodes").get(1).path("status").asText())
                .isEqualTo("running");

        ok(send("DELETE", "/k8s/cluster/byId/" + CLUSTER + "/delete/slave",
                "{\"identifier\":\"" + node.identifier() + "\"}", "Vpsie-Auth", "tok-1"));
        assertThat(sim.cloud().workers(CLUSTER, group)).isEmpty();
        assertThat(send("DELETE", "/k8s/cluster/byId/" + CLUSTER + "/delete/slave",
                "{\"identifier\":\"" + node.identifier() + "\"}", "Vpsie-Auth", "tok-1").statusCode()).isEqualTo(404);
    }

    @Test
    void addWorkerCanNameTheServer() throws Exception {
        sim.addWorkerNamesServer(true);
        JsonNode added = ok(send("POST", "/k8s/cluster/byId/" + CLUSTER + "/add/slave/group/" + group, null,
                "Vpsie-Auth", "tok-1"));
        assertThat(added.path("identifier").asText()).isEqualTo(sim.cloud().workers(CLUSTER, group).get(0).identifier());
    }

    @Test
    void servesVms() throws Exception {
        SimNode worker = sim.cloud().addExistingWorker(CLUSTER, group);
        assertThat(get("/vm")).hasSize(2);
        // The one reply VPSie's Go client reads bare, not in the envelope.
        HttpResponse<String> vm = send("GET", "/vm/" + worker.id(), null, "Vpsie-Auth", "tok-1");
        assertThat(vm.statusCode()).isEqualTo(200);
        JsonNode bare = mapper.readTree(vm.body());
        assertThat(bare.path("hostname").asText()).isEqualTo(worker.hostname());
        assertThat(bare.path("id").asLong()).isEqualTo(worker.id());
        assertThat(bare.has("data")).as(vm.body()).isFalse();
        assertThat(bare.has("error")).as(vm.body()).isFalse();
        ok(send("DELETE", "/vm/" + worker.id(), null, "Vpsie-Auth", "tok-1"));
        assertThat(send("GET", "/vm/" + worker.id(), null, "Vpsie-Auth", "tok-1").statusCode()).isEqualTo(404);
    }

    @Test
    void refusesBeyondThePlanLimitWithAnErrorEnvelope() throws Exception {
        sim.cloud().maxWorkersPerCluster(1);
        ok(send("POST", "/k8s/cluster/byId/" + CLUSTER + "/add/slave/group/" + group, null, "Vpsie-Auth", "tok-1"));

        HttpResponse<String> second = send("POST", "/k8s/cluster/byId/" + CLUSTER + "/add/slave/group/" + group,
                null, "Vpsie-Auth", "tok-1");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(mapper.readTree(second.body()).path("error").asBoolean()).isTrue();
        assertThat(mapper.readTree(second.body()).path("message").asText()).contains("exceeds the allowed limit");
    }

    @Test
    void unknownThingsAre404() throws Exception {
        assertThat(send("GET", "/nope", null, "Vpsie-Auth", "tok-1").statusCode()).isEqualTo(404);
        assertThat(send("GET", "/k8s/cluster/byId/other", null, "Vpsie-Auth", "tok-1").statusCode()).isEqualTo(404);
        assertThat(send("POST", "/k8s/cluster/byId/" + CLUSTER + "/add/slave/group/999", null, "Vpsie-Auth", "tok-1")
                .statusCode()).isEqualTo(404);
    }

    @Test
    void oneShotAndStandingFaults() throws Exception {
        sim.injectFault(SimEndpoint.LIST_CLUSTERS, Fault.tooManyRequests(Duration.ofMillis(1500)), 2);
        HttpResponse<String> limited = send("GET", "/k8s/cluster/all", null, "Vpsie-Auth", "tok-1");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).contains("2");
        assertThat(send("GET", "/k8s/cluster/all", null, "Vpsie-Auth", "tok-1").statusCode()).isEqualTo(429);
        assertThat(send("GET", "/k8s/cluster/all", null, "Vpsie-Auth", "tok-1").statusCode()).isEqualTo(200);

        sim.setFault(SimEndpoint.LIST_CLUSTERS, Fault.status(503));
        for (int i = 0; i < 3; i++) {
            assertThat(send("GET", "/k8s/cluster/all", null, "Vpsie-Auth", "tok-1").statusCode()).isEqualTo(503);
        }
        sim.clearFaults();
        assertThat(send("GET", "/k8s/cluster/all", null, "Vpsie-Auth", "tok-1").statusCode()).isEqualTo(200);
    }

    @Test
    void errorEnvelopesAndMalformedJsonComeWithHttp200() throws Exception {
        sim.injectFault(SimEndpoint.LIST_CLUSTERS, Fault.errorEnvelope("nope"));
        HttpResponse<String> envelope = send("GET", "/k8s/cluster/all", null, "Vpsie-Auth", "tok-1");
        assertThat(envelope.statusCode()).isEqualTo(200);
        assertThat(mapper.readTree(envelope.body()).path("error").asBoolean()).isTrue();

        sim.injectFault(SimEndpoint.LIST_CLUSTERS, Fault.malformedJson());
        HttpResponse<String> malformed = send("GET", "/k8s/cluster/all", null, "Vpsie-Auth", "tok-1");
        assertThat(malformed.statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> mapper.readTree(malformed.body())).isInstanceOf(IOException.class);
    }

    @Test
    void aLostResponseHappensAfterTheServerIsMade() {
        sim.injectFault(SimEndpoint.ADD_WORKER, Fault.lostResponse());

        assertThatThrownBy(() -> send("POST", "/k8s/cluster/byId/" + CLUSTER + "/add/slave/group/" + group, null,
                "Vpsie-Auth", "tok-1")).isInstanceOf(IOException.class);
        assertThat(sim.cloud().workers(CLUSTER, group)).hasSize(1);
        assertThat(sim.requests()).extracting(SimRequest::status).containsExactly(0);
    }

    @Test
    void errorsCanFollowTheAction() throws Exception {
        sim.injectFault(SimEndpoint.ADD_WORKER, Fault.status(500).actionFirst());

        assertThat(send("POST", "/k8s/cluster/byId/" + CLUSTER + "/add/slave/group/" + group, null,
                "Vpsie-Auth", "tok-1").statusCode()).isEqualTo(500);
        assertThat(sim.cloud().workers(CLUSTER, group)).hasSize(1);
    }

    @Test
    void latencyAndDelaysHoldRequests() throws Exception {
        sim.injectFault(SimEndpoint.LIST_CLUSTERS, Fault.delay(Duration.ofMillis(300)));
        HttpRequest request = HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/k8s/cluster/all"))
                .header("Vpsie-Auth", "tok-1").timeout(Duration.ofMillis(100)).build();

        assertThatThrownBy(() -> http.send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(java.net.http.HttpTimeoutException.class);
    }

    @Test
    void revokingMakesIssuedTokensInvalid() throws Exception {
        String token = mapper.readTree(send("POST", "/auth/from/api", "clientId=id-1&clientSecret=secret-1",
                "Content-Type", "application/x-www-form-urlencoded").body()).path("accessToken").path("token").asText();
        sim.revokeIssuedTokens();

        assertThat(send("GET", "/vm", null, "Authorization", "Bearer " + token).statusCode()).isEqualTo(401);
        assertThat(sim.requestCount(SimEndpoint.LIST_VMS)).isEqualTo(1);
        assertThat(List.of(sim.activeRequests(SimEndpoint.LIST_VMS))).containsExactly(0);
    }

    // ---- production behaviour ----

    private HttpResponse<String> addWorker() throws Exception {
        return send("POST", "/k8s/cluster/byId/" + CLUSTER + "/add/slave/group/" + group, null, "Vpsie-Auth", "tok-1");
    }

    private int listedWorkers() throws Exception {
        return get("/k8s/cluster/byId/" + CLUSTER).path("nodes").size() - 1; // minus the control plane
    }

    private int groupCount() throws Exception {
        for (JsonNode g : get("/k8s/node/groups/byClusterId/" + CLUSTER)) {
            if (g.path("id").asLong() == group) {
                return g.path("nodes_count").asInt();
            }
        }
        throw new AssertionError("group not listed");
    }

    @Test
    void withAListingLagANewServerListsOnlyLaterAndTheAddCallNamesNone() throws Exception {
        sim.addWorkerNamesServer(true).listingLag(Duration.ofSeconds(10));

        JsonNode added = ok(addWorker());

        assertThat(added.isBoolean() && added.asBoolean()).as("data: true, no server named").isTrue();
        assertThat(sim.cloud().workers(CLUSTER, group)).as("the server exists").hasSize(1);
        assertThat(listedWorkers()).isZero();
        assertThat(groupCount()).isZero();
        clock.advance(Duration.ofSeconds(9));
        assertThat(listedWorkers()).isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(listedWorkers()).isEqualTo(1);
        assertThat(groupCount()).isEqualTo(1);
    }

    @Test
    void withADeleteLagADeletedServerListsAsDeletingThenGoes() throws Exception {
        sim.deleteLag(Duration.ofSeconds(10));
        SimNode node = sim.cloud().addExistingWorker(CLUSTER, group);

        ok(send("DELETE", "/k8s/cluster/byId/" + CLUSTER + "/delete/slave",
                "{\"identifier\":\"" + node.identifier() + "\"}", "Vpsie-Auth", "tok-1"));

        assertThat(sim.cloud().workers(CLUSTER, group)).as("the machine is stopped").isEmpty();
        assertThat(sim.cloud().runningWorkers()).isEmpty();
        JsonNode listed = get("/k8s/cluster/byId/" + CLUSTER).path("nodes").get(1);
        assertThat(listed.path("identifier").asText()).isEqualTo(node.identifier());
        assertThat(listed.path("status").asText()).isEqualTo("deleting");
        assertThat(groupCount()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(10));
        assertThat(listedWorkers()).isZero();
        assertThat(groupCount()).isZero();
    }

    @Test
    void slowAddCallsHoldTheAnswer() throws Exception {
        sim.addWorkerDelay(Duration.ofMillis(400));
        long started = System.nanoTime();
        ok(addWorker());
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
    }

    @Test
    void aSeededFractionOfEveryEndpointAnswers503AndTheSameSeedRepeatsIt() throws Exception {
        List<Integer> first = statuses(0.3, 42);
        List<Integer> again = statuses(0.3, 42);
        assertThat(first).isEqualTo(again);
        long failed = first.stream().filter(s -> s == 503).count();
        assertThat(failed).as("about 30 %% of 100 requests: %s", first).isBetween(12L, 50L);
        assertThat(first).containsOnly(200, 503);
        sim.serverErrors(0, 1);
        assertThat(statuses(0, 1)).containsOnly(200);
    }

    private List<Integer> statuses(double fraction, long seed) throws Exception {
        sim.serverErrors(fraction, seed);
        List<Integer> out = new java.util.ArrayList<>();
        for (int i = 0; i < 25; i++) {
            out.add(send("GET", "/k8s/cluster/byId/" + CLUSTER, null, "Vpsie-Auth", "tok-1").statusCode());
            out.add(send("GET", "/k8s/node/groups/byClusterId/" + CLUSTER, null, "Vpsie-Auth", "tok-1").statusCode());
            out.add(send("POST", "/auth/from/api", "clientId=id-1&clientSecret=secret-1",
                    "Content-Type", "application/x-www-form-urlencoded").statusCode());
            out.add(send("GET", "/vm", null, "Vpsie-Auth", "tok-1").statusCode());
        }
        return out;
    }

    @Test
    void burstsAnswerEverything503ForTheirLength() throws Exception {
        sim.serverErrorBursts(Duration.ofSeconds(60), Duration.ofSeconds(5));
        assertThat(send("GET", "/k8s/cluster/byId/" + CLUSTER, null, "Vpsie-Auth", "tok-1").statusCode())
                .isEqualTo(503);
        assertThat(addWorker().statusCode()).isEqualTo(503);
        assertThat(sim.cloud().workers(CLUSTER, group)).as("refused before anything was done").isEmpty();
        clock.advance(Duration.ofSeconds(5));
        assertThat(addWorker().statusCode()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(55));
        assertThat(addWorker().statusCode()).isEqualTo(503);
    }

    @Test
    void theTokenEndpointIsDownForItsOutageAfterTheStart() throws Exception {
        sim.tokenEndpointDownFor(Duration.ofSeconds(20));
        String form = "clientId=id-1&clientSecret=secret-1";
        assertThat(send("POST", "/auth/from/api", form, "Content-Type", "application/x-www-form-urlencoded")
                .statusCode()).isEqualTo(503);
        assertThat(get("/k8s/cluster/byId/" + CLUSTER).path("identifier").asText()).as("static tokens still work")
                .isEqualTo(CLUSTER);
        clock.advance(Duration.ofSeconds(20));
        assertThat(send("POST", "/auth/from/api", form, "Content-Type", "application/x-www-form-urlencoded")
                .statusCode()).isEqualTo(200);
    }

    @Test
    void createsNodeGroupsThatListAfterTheLagSizeTheirServersAndAllowDuplicateNames() throws Exception {
        sim.listingLag(Duration.ofSeconds(5));
        String body = "{\"clusterIdentifier\": \"" + CLUSTER + "\", \"groupName\": \"big\", \"KubeSizeID\": 4}";
        ok(send("POST", "/k8s/cluster/add/group", body, "Vpsie-Auth", "tok-1"));
        ok(send("POST", "/k8s/cluster/add/group", body, "Vpsie-Auth", "tok-1"));

        assertThat(sim.cloud().groupsNamed(CLUSTER, "big")).as("VPSie does not refuse a second name").hasSize(2);
        assertThat(get("/k8s/node/groups/byClusterId/" + CLUSTER)).extracting(g -> g.path("group_name").asText())
                .as("new groups are not listed yet").containsExactly("workers");
        clock.advance(Duration.ofSeconds(5));
        assertThat(get("/k8s/node/groups/byClusterId/" + CLUSTER)).extracting(g -> g.path("group_name").asText())
                .containsExactly("workers", "big", "big");

        long big = sim.cloud().groupsNamed(CLUSTER, "big").get(0);
        ok(send("POST", "/k8s/cluster/byId/" + CLUSTER + "/add/slave/group/" + big, null, "Vpsie-Auth", "tok-1"));
        assertThat(sim.cloud().workers(CLUSTER, big)).extracting(SimNode::boxsizeId).containsExactly("4");
    }

    @Test
    void refusesAGroupOfASizeNotOfferedAndDeletesOnlyEmptyGroups() throws Exception {
        HttpResponse<String> unknownSize = send("POST", "/k8s/cluster/add/group", "{\"clusterIdentifier\": \""
                + CLUSTER + "\", \"groupName\": \"odd\", \"KubeSizeID\": 99}", "Vpsie-Auth", "tok-1");
        assertThat(unknownSize.statusCode()).isEqualTo(400);
        assertThat(sim.cloud().groupsNamed(CLUSTER, "odd")).isEmpty();

        sim.cloud().addExistingWorker(CLUSTER, group);
        HttpResponse<String> busy = send("DELETE", "/k8s/node/group/" + group, null, "Vpsie-Auth", "tok-1");
        assertThat(busy.statusCode()).isEqualTo(400);
        assertThat(busy.body()).contains("still has nodes");

        long spare = sim.cloud().addGroup(CLUSTER, "spare", "1");
        ok(send("DELETE", "/k8s/node/group/" + spare, null, "Vpsie-Auth", "tok-1"));
        assertThat(sim.cloud().groupSize(spare)).isNull();
        assertThat(send("DELETE", "/k8s/node/group/" + spare, null, "Vpsie-Auth", "tok-1").statusCode())
                .isEqualTo(404);
    }

    @Test
    void groupEndpointsTakeInjectedFaultsLikeTheRest() throws Exception {
        sim.injectFault(SimEndpoint.ADD_GROUP, Fault.status(503).actionFirst());
        HttpResponse<String> failed = send("POST", "/k8s/cluster/add/group", "{\"clusterIdentifier\": \"" + CLUSTER
                + "\", \"groupName\": \"made-anyway\", \"KubeSizeID\": 1}", "Vpsie-Auth", "tok-1");
        assertThat(failed.statusCode()).isEqualTo(503);
        assertThat(sim.cloud().groupsNamed(CLUSTER, "made-anyway")).as("the effect happened before the 503")
                .hasSize(1);
        sim.setFault(SimEndpoint.DELETE_GROUP, Fault.status(500));
        assertThat(send("DELETE", "/k8s/node/group/" + group, null, "Vpsie-Auth", "tok-1").statusCode())
                .isEqualTo(500);
    }
}
