package com.vpsie.autoscaler.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.vpsie.autoscaler.provider.vpsie.VpsieWire;
import com.vpsie.autoscaler.sim.kube.StrictMockServer;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The simulated kubelets register Nodes as real kubelets do, addressed consistently with the simulated cloud. */
class SimulatedKubeletsIT {

    private static final String CLUSTER = "c-1";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final SimCloud cloud = new SimCloud(clock);
    private StrictMockServer kube;
    private SimulatedKubelets kubelets;

    @BeforeEach
    void start() {
        kube = StrictMockServer.start();
        cloud.readyAfter(Duration.ZERO).addStandardOffers("dc-1").addCluster(CLUSTER, "demo", "dc-1");
        kubelets = new SimulatedKubelets(kube.client(), new SimulatorMachines(cloud, "vpsie://"), clock);
    }

    @AfterEach
    void stop() {
        kubelets.close();
        kube.close();
    }

    @Test
    void nodesCarryTheServersInternalIpAndTheirHostname() throws Exception {
        long group = cloud.addGroup(CLUSTER, "workers", "2");
        SimNode worker = cloud.addExistingWorker(CLUSTER, group);

        kubelets.syncOnce();

        Node node = kube.client().nodes().withName(worker.hostname()).get();
        assertThat(node.getStatus().getAddresses()).extracting(NodeAddress::getType, NodeAddress::getAddress)
                .containsExactly(tuple("InternalIP", worker.ip()),
                        tuple("Hostname", worker.hostname()));

        // As VPSie's Go autoscaler joins a cluster node to its Kubernetes Node: by the node's ip.
        VpsieWire.ClusterNodeDto listed = cloud.clusterWithNodes(CLUSTER).nodes().stream()
                .filter(n -> worker.identifier().equals(n.identifier())).findFirst().orElseThrow();
        assertThat(nodeWithInternalIp(listed.ip())).map(n -> n.getMetadata().getName()).contains(worker.hostname());
    }

    @Test
    void aNodeMarkedUnknownByTheNodeLifecycleControllerIsReportedReadyAgain() throws Exception {
        long group = cloud.addGroup(CLUSTER, "workers", "2");
        SimNode worker = cloud.addExistingWorker(CLUSTER, group);
        kubelets.syncOnce();

        // What the node lifecycle controller writes when a node's lease was not renewed within its grace period.
        // (The mock API server runs no such controller; the write is made here, as it would arrive.)
        String stale = "2026-03-01T10:00:00Z";
        kube.client().nodes().withName(worker.hostname()).editStatus(n -> new NodeBuilder(n).editStatus()
                .withConditions(
                        unknown("Ready", stale), unknown("MemoryPressure", stale),
                        unknown("DiskPressure", stale), unknown("PIDPressure", stale))
                .endStatus().build());
        clock.advance(Duration.ofSeconds(90));

        kubelets.syncOnce();

        List<NodeCondition> conditions = kube.client().nodes().withName(worker.hostname()).get().getStatus()
                .getConditions();
        assertThat(conditions).extracting(NodeCondition::getType, NodeCondition::getStatus).containsExactlyInAnyOrder(
                tuple("Ready", "True"), tuple("MemoryPressure", "False"), tuple("DiskPressure", "False"),
                tuple("PIDPressure", "False"));
        assertThat(conditions).allSatisfy(c -> assertThat(c.getLastHeartbeatTime()).isEqualTo("2026-03-01T10:01:30Z"));
    }

    private static NodeCondition unknown(String type, String since) {
        return new NodeConditionBuilder().withType(type).withStatus("Unknown").withReason("NodeStatusUnknown")
                .withMessage("Kubelet stopped posting node status.").withLastHeartbeatTime(since)
                .withLastTransitionTime(since).build();
    }

    private Optional<Node> nodeWithInternalIp(String ip) {
        List<Node> nodes = kube.client().nodes().list().getItems();
        return nodes.stream().filter(n -> n.getStatus().getAddresses().stream()
                .anyMatch(a -> "InternalIP".equals(a.getType()) && ip.equals(a.getAddress()))).findFirst();
    }
}
