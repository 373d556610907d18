package com.vpsie.autoscaler.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupNodeStatus;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupStatus;
import com.vpsie.autoscaler.model.ClusterSnapshot;
import com.vpsie.autoscaler.model.NodeInfo;
import com.vpsie.autoscaler.model.WellKnown;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotFactoryTest {

    private static Node node(String name) {
        return new NodeBuilder().withNewMetadata().withName(name).addToLabels(WellKnown.NODEGROUP_LABEL, "general")
                .endMetadata().withNewStatus().addToAllocatable("cpu", new io.fabric8.kubernetes.api.model.Quantity("2"))
                .endStatus().build();
    }

    @Test
    void aNodeReleasedFromTheDesiredSizeIsBeingDeletedForThePlanner() {
        NodeGroup group = ControllerFixtures.group("general", 0, 5);
        NodeGroupStatus status = new NodeGroupStatus();
        status.setDesiredNodes(1);
        NodeGroupNodeStatus released = new NodeGroupNodeStatus();
        released.setNodeName("n2");
        released.setStatus(NodeGroupReconciler.DELETING);
        status.setNodes(List.of(released));
        group.setStatus(status);

        ClusterSnapshot snapshot = SnapshotFactory.assemble(List.of(group), List.of(node("n1"), node("n2")),
                List.of(), List.of(), List.of(), List.of(), name -> false, warning -> { });

        assertThat(snapshot.nodesOf("general")).hasSize(2);
        assertThat(snapshot.nodesOf("general")).filteredOn(NodeInfo::deleting).extracting(NodeInfo::name)
                .containsExactly("n2");
        assertThat(snapshot.sizedNodesOf("general")).isEqualTo(1);
    }

    @Test
    void aGroupIsHeldFromScalingUpByItsNamespaceAndName() {
        NodeGroup group = ControllerFixtures.group("general", 0, 5);

        ClusterSnapshot heldElsewhere = SnapshotFactory.assemble(List.of(group), List.of(), List.of(), List.of(),
                List.of(), List.of(), "other/general"::equals, warning -> { });
        ClusterSnapshot heldHere = SnapshotFactory.assemble(List.of(group), List.of(), List.of(), List.of(),
                List.of(), List.of(), "test/general"::equals, warning -> { });

        assertThat(heldElsewhere.nodeGroups().get("general").scaleUpEnabled()).isTrue();
        assertThat(heldHere.nodeGroups().get("general").scaleUpEnabled()).isFalse();
    }
}
