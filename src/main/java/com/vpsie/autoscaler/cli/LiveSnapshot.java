package com.vpsie.autoscaler.cli;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.controller.KubernetesClients;
import com.vpsie.autoscaler.controller.SnapshotFactory;
import com.vpsie.autoscaler.model.ClusterSnapshot;
import com.vpsie.autoscaler.model.Offering;
import com.vpsie.autoscaler.snapshot.LoadedSnapshot;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads Nodes, Pods, PDBs and NodeGroups from a live cluster, once, changing nothing. */
final class LiveSnapshot {

    private LiveSnapshot() {
    }

    static LoadedSnapshot read(Path kubeconfig, List<Offering> offerings) {
        // a one-shot read should fail in seconds, not sit out fabric8's ten retries
        try (KubernetesClient client = KubernetesClients.create(kubeconfig, 1)) {
            return read(client, offerings);
        }
    }

    static LoadedSnapshot read(KubernetesClient client, List<Offering> offerings) {
        List<String> warnings = new ArrayList<>();
        ClusterSnapshot snapshot = SnapshotFactory.assemble(
                client.resources(NodeGroup.class).inAnyNamespace().list().getItems(),
                client.nodes().list().getItems(),
                client.pods().inAnyNamespace().list().getItems(),
                client.policy().v1().podDisruptionBudget().inAnyNamespace().list().getItems(),
                client.apps().daemonSets().inAnyNamespace().list().getItems(),
                offerings, group -> false, warnings::add);
        return new LoadedSnapshot(snapshot, warnings);
    }
}
