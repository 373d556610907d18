package com.vpsie.autoscaler.provider.vpsie;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vpsie.autoscaler.metrics.AutoscalerMetrics;
import com.vpsie.autoscaler.model.Offering;
import com.vpsie.autoscaler.provider.ProviderException;
import com.vpsie.autoscaler.provider.ProviderServer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client against recorded VPSie answers of both shapes (see {@code src/test/resources/vpsie-contract}): the
 * shapes VPSie's own Go autoscaler decodes ({@code go-client}) and those this project's simulator served before
 * ({@code simulator-v1}). Every answer must read the same either way.
 */
class VpsieContractTest {

    private static final String CLUSTER = "3f1c2d4e-5a1e-4000-8000-00000000c1a5";
    private static final String TOKEN = "static-token-value-4c3b2a";
    private static final long GROUP = 7;
    private static final long VM = 12;

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    private RecordedAnswers answers(String shape) {
        RecordedAnswers answers = new RecordedAnswers(shape)
                .answer("GET", "/k8s/node/groups/byClusterId/" + CLUSTER, 200, "node-groups")
                .answer("POST", "/k8s/offers", 200, "offers")
                .answer("GET", "/k8s/cluster/byId/" + CLUSTER, 200, "cluster")
                .answer("GET", "/vm", 200, "vms")
                .answer("GET", "/vm/" + VM, 200, "vm")
                .answer("GET", "/vm/8", 404, "vm-not-found")
                .answer("POST", "/k8s/cluster/byId/" + CLUSTER + "/add/slave/group/" + GROUP, 400,
                        "add-worker-refused");
        closeables.add(answers);
        return answers;
    }

    private VpsieApiClient client(RecordedAnswers answers, StaticTokenAuth auth) {
        VpsieConfig config = VpsieConfig.builder().baseUrl(answers.baseUrl()).allowPlainHttp(true)
                .staticTokenAuth(auth).maxAttempts(1)
                .connectTimeout(Duration.ofSeconds(2)).readTimeout(Duration.ofSeconds(2))
                .writeTimeout(Duration.ofSeconds(2)).callTimeout(Duration.ofSeconds(3))
                .operationTimeout(Duration.ofSeconds(5)).build();
        VpsieApiClient client = VpsieApiClient.create(config,
                new StaticCredentialsSource(VpsieCredentials.staticToken(TOKEN, null)), new AutoscalerMetrics(),
                Clock.systemUTC());
        closeables.add(client);
        return client;
    }

    private VpsieApiClient client(String shape) {
        return client(answers(shape), StaticTokenAuth.BOTH);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"go-client", "simulator-v1"})
    void nodeGroupsWithTheirSize(String shape) throws Exception {
        List<VpsieWire.NodeGroupDto> groups = client(shape).listNodeGroups(CLUSTER);

        assertThat(groups).singleElement().satisfies(g -> {
            assertThat(g.id()).isEqualTo(GROUP);
            assertThat(g.groupName()).isEqualTo("workers");
            assertThat(g.boxsizeId()).isEqualTo("2");
            assertThat(g.nodesCount()).isEqualTo(1);
            assertThat(g.cpu()).isEqualTo(4);
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"go-client", "simulator-v1"})
    void offersWithTextIds(String shape) throws Exception {
        List<VpsieWire.OfferDto> offers = client(shape).listOffers("dc-ams-1");

        assertThat(offers).extracting(VpsieWire.OfferDto::id).containsExactly("1", "2");
        Offering second = new VpsieMapping("vpsie://", 110).offering(offers.get(1));
        assertThat(second.id()).isEqualTo("2");
        assertThat(second.resources().cpuMillis()).isEqualTo(4000);
        assertThat(second.pricePerHour()).isEqualTo(0.06);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"go-client", "simulator-v1"})
    void clusterNodesBecomeServersWithSizeAndAddress(String shape) throws Exception {
        VpsieWire.ClusterDto cluster = client(shape).getCluster(CLUSTER);

        assertThat(cluster.nodes()).hasSize(2);
        VpsieWire.ClusterNodeDto worker = cluster.nodes().get(1);
        assertThat(worker.groupId()).isEqualTo(GROUP);
        assertThat(worker.boxsizeId()).isEqualTo("2");
        // The Go client's shape names the address "ip" only; the former simulator's "default_ip".
        assertThat(worker.address()).isEqualTo("10.0.0.14");
        ProviderServer server = new VpsieMapping("vpsie://", 110).server(worker, "1", ProviderServer.State.RUNNING);
        assertThat(server.offeringId()).isEqualTo("2");
        assertThat(server.ipAddress()).isEqualTo("10.0.0.14");
        assertThat(server.state()).isEqualTo(ProviderServer.State.RUNNING);
        assertThat(server.hostname()).isEqualTo("workers-w12");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"go-client", "simulator-v1"})
    void aVmBareOrEnvelopedAndAMissingOne(String shape) throws Exception {
        VpsieApiClient client = client(shape);

        assertThat(client.getVm(VM)).hasValueSatisfying(vm -> {
            assertThat(vm.id()).isEqualTo(VM);
            assertThat(vm.hostname()).isEqualTo("workers-w12");
            assertThat(vm.status()).isEqualTo("running");
            assertThat(vm.defaultIp()).isEqualTo("10.0.0.14");
            assertThat(vm.boxsizeId()).isEqualTo("2");
        });
        assertThat(client.getVm(8)).isEmpty();
        assertThat(client.listVms()).extracting(VpsieWire.VmDto::hostname)
                .containsExactly("demo-master4", "workers-w12");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"go-client", "simulator-v1"})
    void aRefusalCarriesItsMessageWhereverTheReplyPutsIt(String shape) {
        VpsieApiClient client = client(shape);

        // The Go client's shape has the message in "error" alone; it decides the kind and reaches the operator.
        assertThatThrownBy(() -> client.addWorker(CLUSTER, GROUP))
                .isInstanceOf(ProviderException.Terminal.class)
                .hasMessageContaining("HTTP 400")
                .hasMessageContaining("Node count exceeds the allowed limit for your plan");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(StaticTokenAuth.class)
    void aStaticTokenTravelsInTheHeadersItsSettingNames(StaticTokenAuth auth) throws Exception {
        RecordedAnswers answers = answers("go-client");

        assertThat(client(answers, auth).listOffers("dc-ams-1")).hasSize(2);

        RecordedAnswers.Received request = answers.requests().get(0);
        switch (auth) {
            case VPSIE_AUTH -> {
                assertThat(request.headers()).containsEntry("vpsie-auth", TOKEN);
                assertThat(request.headers()).doesNotContainKey("authorization");
            }
            case BEARER -> {
                assertThat(request.headers()).containsEntry("authorization", "Bearer " + TOKEN);
                assertThat(request.headers()).doesNotContainKey("vpsie-auth");
            }
            case BOTH -> assertThat(request.headers()).containsEntry("vpsie-auth", TOKEN)
                    .containsEntry("authorization", "Bearer " + TOKEN);
        }
    }
}
