package com.vpsie.autoscaler.sim;

import com.vpsie.autoscaler.controller.SnapshotFactory;
import com.vpsie.autoscaler.model.ClusterSnapshot;
import com.vpsie.autoscaler.model.PodInfo;
import com.vpsie.autoscaler.plan.AutoscalingPlanner;
import com.vpsie.autoscaler.plan.PlannerSettings;
import com.vpsie.autoscaler.scheduling.FirstFit;
import com.vpsie.autoscaler.scheduling.NodeRole;
import com.vpsie.autoscaler.scheduling.SimNode;
import com.vpsie.autoscaler.scheduling.SimulatedCluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A stand-in for kube-scheduler where there is none (the embedded demo): binds each pending pod to the
 * first Ready node that fits by the project's own predicates, and marks the rest Unschedulable as the
 * scheduler would, which is what makes the autoscaler act.
 */
public final class SchedulerStandIn {

    private final KubernetesClient client;
    private final Clock clock;

    public SchedulerStandIn(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    /** One scheduling round; returns how many pods were bound. */
    public int scheduleOnce() {
        List<Pod> pods = client.pods().inAnyNamespace().list().getItems();
        ClusterSnapshot snapshot = SnapshotFactory.assemble(List.of(), client.nodes().list().getItems(), pods,
                List.of(), List.of(), List.of(), g -> false, w -> { });
        SimulatedCluster cluster = AutoscalingPlanner.simulate(snapshot, clock.instant(), PlannerSettings.defaults());
        List<SimNode> ready = new ArrayList<>();
        for (SimNode n : cluster.nodes()) {
            if (n.role() == NodeRole.READY) {
                ready.add(n);
            }
        }
        Map<String, Pod> byKey = new HashMap<>();
        pods.forEach(p -> byKey.put(p.getMetadata().getNamespace() + "/" + p.getMetadata().getName(), p));
        List<PodInfo> pending = new ArrayList<>();
        for (PodInfo p : snapshot.pods()) {
            if (p.nodeName() == null && !p.deleting() && !p.isTerminal()) {
                pending.add(p);
            }
        }
        pending.sort(Comparator.comparing(PodInfo::creationTimestamp, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(PodInfo::key));
        FirstFit firstFit = new FirstFit(cluster);
        int bound = 0;
        for (PodInfo pod : pending) {
            SimNode node = firstFit.find(pod, ready);
            if (node != null && bind(pod, node.name())) {
                cluster.place(pod, node);
                bound++;
            } else if (!pod.unschedulable()) {
                markUnschedulable(byKey.get(pod.key()), ready.size());
            }
        }
        return bound;
    }

    private boolean bind(PodInfo pod, String node) {
        try {
            // the embedded API has no binding subresource; setting nodeName is what a binding does
            client.pods().inNamespace(pod.namespace()).withName(pod.name()).edit(p -> {
                p.getSpec().setNodeName(node);
                return p;
            });
            return true;
        } catch (KubernetesClientException e) {
            return false; // deleted meanwhile
        }
    }

    private void markUnschedulable(Pod pod, int nodes) {
        if (pod == null) {
            return;
        }
        PodCondition condition = new PodConditionBuilder().withType("PodScheduled").withStatus("False")
                .withReason("Unschedulable").withMessage("0/" + nodes + " nodes are available: no node fits")
                .withLastTransitionTime(clock.instant().truncatedTo(ChronoUnit.SECONDS).toString()).build();
        try {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                    .editStatus(p -> {
                        p.getStatus().setPhase("Pending");
                        p.getStatus().setConditions(List.of(condition));
                        return p;
                    });
        } catch (KubernetesClientException e) {
            // gone meanwhile
        }
    }
}
