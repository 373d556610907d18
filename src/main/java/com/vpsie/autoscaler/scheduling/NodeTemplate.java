package com.vpsie.autoscaler.scheduling;

import com.vpsie.autoscaler.model.Resources;
import com.vpsie.autoscaler.model.Taint;
import com.vpsie.autoscaler.model.WellKnown;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The shape of a node a group would add: labels (without any one node's identity), taints and
 * allocatable. Each node made from it gets its own name and hostname.
 */
public record NodeTemplate(String group, String offeringId, Map<String, String> labels, List<Taint> taints,
                           Resources allocatable, double pricePerHour) {

    public NodeTemplate {
        labels = Map.copyOf(labels);
        taints = List.copyOf(taints);
    }

    /** Labels of the {@code index}-th new node: the template's plus its own hostname. */
    Map<String, String> labelsFor(String nodeName) {
        Map<String, String> own = new HashMap<>(labels);
        own.put(WellKnown.HOSTNAME_LABEL, nodeName);
        return own;
    }

    /** A node of this shape outside any cluster, for checks that only need the shape. */
    SimNode probe() {
        return new SimNode("(template " + group + "/" + offeringId + ")", group, labelsFor("(template)"), taints,
                allocatable, NodeRole.ESTIMATED, false, false, null);
    }

    /** Adds a node of this shape named {@code nodeName} to the cluster. */
    public SimNode addTo(SimulatedCluster cluster, String nodeName, NodeRole role) {
        return cluster.addNewNode(nodeName, group, labelsFor(nodeName), taints, allocatable, role);
    }
}
