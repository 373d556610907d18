package com.vpsie.autoscaler.scheduling;

import com.vpsie.autoscaler.model.HostPort;
import com.vpsie.autoscaler.model.NodeSelectorTerm;
import com.vpsie.autoscaler.model.PodInfo;
import com.vpsie.autoscaler.model.Resources;
import com.vpsie.autoscaler.model.Toleration;
import java.util.List;
import java.util.Map;

/**
 * Pods that every filter treats alike (same requests, selectors, tolerations, ports, namespace and labels),
 * like the replicas of one Deployment. Pods with their own inter-pod constraints have no key: whether they
 * fit can change as other pods land.
 */
record EquivalenceKey(Resources requests, Map<String, String> nodeSelector, List<NodeSelectorTerm> affinity,
                      List<Toleration> tolerations, List<HostPort> hostPorts, String namespace,
                      Map<String, String> labels) {

    static EquivalenceKey of(PodInfo pod) {
        if (pod.hasInterPodConstraints()) {
            return null;
        }
        return new EquivalenceKey(pod.requests(), pod.nodeSelector(), pod.requiredNodeAffinity(), pod.tolerations(),
                pod.hostPorts(), pod.namespace(), pod.labels());
    }
}
