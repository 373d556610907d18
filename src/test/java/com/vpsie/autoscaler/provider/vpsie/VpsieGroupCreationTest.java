package com.vpsie.autoscaler.provider.vpsie;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vpsie.autoscaler.provider.CreateOutcome;
import com.vpsie.autoscaler.provider.ProviderException;
import com.vpsie.autoscaler.provider.ProviderGroup;
import com.vpsie.autoscaler.provider.ProviderServer;
import com.vpsie.autoscaler.sim.Fault;
import com.vpsie.autoscaler.sim.SimEndpoint;
import com.vpsie.autoscaler.sim.SimNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * VPSie node groups per (NodeGroup, offering) against the simulator over HTTP: found by id or name, made on demand
 * with {@code POST /k8s/cluster/add/group}, never twice under a lost answer or listing lag, and deleted.
 */
class VpsieGroupCreationTest {

    private static final Duration SETTLE = Duration.ofSeconds(60);

    private final SimFixture fx = new SimFixture();

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private static ProviderGroup nodeGroup(String name, String... offerings) {
        return new ProviderGroup("team-a", name, SimFixture.DC, SimFixture.CLUSTER, null, List.of(offerings), null);
    }

    private VpsieCloudProvider provider() {
        return fx.provider(b -> b.createSettleTime(SETTLE));
    }

    private List<Long> groupsNamed(ProviderGroup group, String offering) {
        return fx.sim.cloud().groupsNamed(SimFixture.CLUSTER,
                VpsieGroupDirectory.groupName(group.namespace(), group.name(), offering));
    }

    @Test
    void aNodeGroupWithoutVpsieGroupListsNoServersAndGetsItsGroupWithItsFirstServer() throws Exception {
        VpsieCloudProvider provider = provider();
        ProviderGroup group = nodeGroup("fresh", "3");

        assertThat(provider.listServers(group)).isEmpty();
        assertThat(fx.sim.requestCount(SimEndpoint.ADD_GROUP)).as("listing never creates").isZero();

        assertThat(provider.requestServer(group, "3", "req-1")).isInstanceOf(CreateOutcome.Accepted.class);

        List<Long> made = groupsNamed(group, "3");
        assertThat(made).hasSize(1);
        assertThat(fx.sim.cloud().groupSize(made.get(0))).isEqualTo("3");
        assertThat(provider.knownGroupIds(group.key())).isEqualTo(Map.of("3", made.get(0)));
        assertThat(provider.knownGroupId(group.key())).isEqualTo(made.get(0));
        assertThat(provider.listServers(group)).extracting(ProviderServer::offeringId).containsExactly("3");
    }

    @Test
    void eachOfferingGetsItsOwnGroupAndServersOfItsSizeAndAnExistingGroupNamedLikeTheNodeGroupIsKept()
            throws Exception {
        // SimFixture's group "workers" is of size 2: it serves offering 2; offering 4 needs a group of its own
        SimNode old = fx.sim.cloud().addExistingWorker(SimFixture.CLUSTER, fx.groupId);
        VpsieCloudProvider provider = provider();
        ProviderGroup group = nodeGroup(SimFixture.GROUP_NAME, "2", "4");

        provider.requestServer(group, "4", "req-big");
        provider.requestServer(group, "2", "req-small");

        assertThat(fx.sim.requestCount(SimEndpoint.ADD_GROUP)).isEqualTo(1);
        long big = groupsNamed(group, "4").get(0);
        assertThat(provider.knownGroupIds(group.key())).isEqualTo(Map.of("2", fx.groupId, "4", big));
        assertThat(provider.knownGroupId(group.key())).as("no single group for vpsieGroupID").isNull();
        assertThat(fx.sim.cloud().workers(SimFixture.CLUSTER, big)).extracting(SimNode::boxsizeId)
                .containsExactly("4");
        List<ProviderServer> servers = provider.listServers(group);
        assertThat(servers).extracting(ProviderServer::offeringId).containsExactlyInAnyOrder("2", "2", "4");
        assertThat(servers).extracting(ProviderServer::id).contains(old.identifier());
    }

    @Test
    void aCreateWhoseAnswerIsLostIsFoundByNameAndNotSentAgain() throws Exception {
        fx.sim.injectFault(SimEndpoint.ADD_GROUP, Fault.lostResponse());
        VpsieCloudProvider provider = provider();
        ProviderGroup group = nodeGroup("lost", "2");

        provider.requestServer(group, "2", "req-1");

        assertThat(groupsNamed(group, "2")).hasSize(1);
        assertThat(fx.sim.requestCount(SimEndpoint.ADD_GROUP)).isEqualTo(1);
        assertThat(fx.sim.cloud().workers(SimFixture.CLUSTER, groupsNamed(group, "2").get(0))).hasSize(1);
    }

    @Test
    void underListingLagAGroupIsAskedForOnceAndUsedOnceListed() throws Exception {
        fx.sim.listingLag(Duration.ofSeconds(10));
        VpsieCloudProvider provider = provider();
        ProviderGroup group = nodeGroup("lagging", "2");

        assertThatThrownBy(() -> provider.requestServer(group, "2", "req-1"))
                .isInstanceOf(ProviderException.Transient.class).hasMessageContaining("not listed yet");
        fx.clock.advance(Duration.ofSeconds(5));
        assertThatThrownBy(() -> provider.requestServer(group, "2", "req-1"))
                .isInstanceOf(ProviderException.Transient.class).hasMessageContaining("not asking again");
        assertThat(fx.sim.requestCount(SimEndpoint.ADD_GROUP)).isEqualTo(1);
        assertThat(fx.sim.requestCount(SimEndpoint.ADD_WORKER)).as("no server before its group is known").isZero();

        fx.clock.advance(Duration.ofSeconds(6));
        assertThat(provider.requestServer(group, "2", "req-1")).isInstanceOf(CreateOutcome.Accepted.class);
        assertThat(groupsNamed(group, "2")).hasSize(1);
        assertThat(fx.sim.requestCount(SimEndpoint.ADD_GROUP)).isEqualTo(1);
    }

    @Test
    void aNewProcessFindsTheGroupItsPredecessorMadeByName() throws Exception {
        ProviderGroup group = nodeGroup("inherited", "2");
        provider().requestServer(group, "2", "req-1");

        VpsieCloudProvider successor = provider();
        assertThat(successor.listServers(group)).hasSize(1);
        successor.requestServer(group, "2", "req-2");

        assertThat(fx.sim.requestCount(SimEndpoint.ADD_GROUP)).isEqualTo(1);
        assertThat(fx.sim.cloud().workers(SimFixture.CLUSTER, groupsNamed(group, "2").get(0))).hasSize(2);
    }

    @Test
    void aCreateRefusedBeforeActingIsRetriedAfterTheSettleTimeOnly() throws Exception {
        fx.sim.injectFault(SimEndpoint.ADD_GROUP, Fault.status(503), 3);
        VpsieCloudProvider provider = provider();
        ProviderGroup group = nodeGroup("flaky", "2");

        // a 503 to a call that is not idempotent is an unknown outcome: looked for, not sent again at once
        assertThatThrownBy(() -> provider.requestServer(group, "2", "req-1"))
                .isInstanceOf(ProviderException.Transient.class);
        assertThat(fx.sim.requestCount(SimEndpoint.ADD_GROUP)).isEqualTo(1);
        assertThatThrownBy(() -> provider.requestServer(group, "2", "req-1"))
                .isInstanceOf(ProviderException.Transient.class);
        assertThat(fx.sim.requestCount(SimEndpoint.ADD_GROUP)).isEqualTo(1);

        fx.sim.clearFaults();
        fx.clock.advance(SETTLE);
        provider.requestServer(group, "2", "req-1");
        assertThat(groupsNamed(group, "2")).hasSize(1);
    }

    @Test
    void anOfferingThatIsNotASizeIdCannotGetAGroup() {
        VpsieCloudProvider provider = provider();
        ProviderGroup group = nodeGroup("named-sizes", "k8s-large");

        assertThatThrownBy(() -> provider.requestServer(group, "k8s-large", "req-1"))
                .isInstanceOf(ProviderException.Terminal.class).hasMessageContaining("not a VPSie size id");
        assertThat(fx.sim.requestCount(SimEndpoint.ADD_GROUP)).isZero();
    }

    @Test
    void theSingleOfferingCaseSendsTheNodeGroupsKubeSizeId() throws Exception {
        VpsieCloudProvider provider = provider();
        ProviderGroup group = new ProviderGroup("team-a", "sized", SimFixture.DC, SimFixture.CLUSTER, null,
                List.of("k8s-medium"), 3);

        provider.requestServer(group, "k8s-medium", "req-1");

        assertThat(fx.sim.cloud().groupSize(groupsNamed(group, "k8s-medium").get(0))).isEqualTo("3");
    }

    @Test
    void groupNamesDifferByNamespaceAndOfferingAndAreStable() {
        assertThat(VpsieGroupDirectory.groupName("a", "general", "3"))
                .isEqualTo(VpsieGroupDirectory.groupName("a", "general", "3"))
                .startsWith("general-3-")
                .isNotEqualTo(VpsieGroupDirectory.groupName("b", "general", "3"))
                .isNotEqualTo(VpsieGroupDirectory.groupName("a", "general", "4"));
    }

    @Test
    void anEmptyGroupIsDeletedAndDeletingItAgainSucceeds() throws Exception {
        VpsieCloudProvider provider = provider();
        long empty = fx.sim.cloud().addGroup(SimFixture.CLUSTER, "spare", "2");
        ProviderGroup group = nodeGroup("spare", "2");

        provider.deleteGroup(group, empty);
        provider.deleteGroup(group, empty);

        assertThat(fx.sim.cloud().groupSize(empty)).isNull();
        assertThat(fx.sim.requestCount(SimEndpoint.DELETE_GROUP)).isEqualTo(2);
    }

    @Test
    void aGroupWithServersIsNotDeletedAndTheRefusalIsAnError() throws Exception {
        fx.sim.cloud().addExistingWorker(SimFixture.CLUSTER, fx.groupId);
        VpsieCloudProvider provider = provider();

        assertThatThrownBy(() -> provider.deleteGroup(fx.groupWithId(), fx.groupId))
                .isInstanceOf(ProviderException.class).hasMessageContaining("still has nodes");
        assertThat(fx.sim.cloud().groupSize(fx.groupId)).isEqualTo("2");
    }
}
