package com.vpsie.autoscaler.controller;

import com.vpsie.autoscaler.provider.ProviderServer;
import io.fabric8.kubernetes.api.model.Node;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which Node belongs to which server: by {@code spec.providerID} first, hostname second. Nodes whose
 * providerID belongs to another provider are never linked to our servers.
 */
final class ServerLinks {

    private final Map<String, Node> nodeByServerId = new HashMap<>();
    private final Map<String, ProviderServer> serverByNodeName = new HashMap<>();

    ServerLinks(List<ProviderServer> servers, List<Node> nodes, String providerIdPrefix) {
        Map<String, Node> byProviderId = new HashMap<>();
        Map<String, Node> byName = new HashMap<>();
        for (Node n : nodes) {
            String pid = n.getSpec() == null ? null : n.getSpec().getProviderID();
            if (pid != null && !pid.isEmpty()) {
                if (!pid.startsWith(providerIdPrefix)) {
                    continue; // someone else's machine: never ours to touch
                }
                byProviderId.put(pid, n);
            }
            byName.put(n.getMetadata().getName(), n);
        }
        for (ProviderServer s : servers) {
            Node node = s.providerId() == null ? null : byProviderId.get(s.providerId());
            if (node == null && s.hostname() != null) {
                Node candidate = byName.get(s.hostname());
                String pid = candidate == null || candidate.getSpec() == null ? null : candidate.getSpec().getProviderID();
                // a hostname match only counts when the node does not name a different server of ours
                if (candidate != null && (pid == null || pid.isEmpty() || pid.equals(s.providerId()))) {
                    node = candidate;
                }
            }
            if (node != null) {
                nodeByServerId.put(s.id(), node);
                serverByNodeName.put(node.getMetadata().getName(), s);
            }
        }
    }

    Node nodeOf(ProviderServer server) {
        return nodeByServerId.get(server.id());
    }

    ProviderServer serverOf(Node node) {
        return serverByNodeName.get(node.getMetadata().getName());
    }
}
