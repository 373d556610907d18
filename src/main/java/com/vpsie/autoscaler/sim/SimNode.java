package com.vpsie.autoscaler.sim;

import java.time.Instant;

/**
 * A server of the simulated cloud. Workers belong to a node group; the control-plane node of each cluster has
 * none. It reports "provisioning" until {@code readyAt}, then "running".
 */
public record SimNode(long id, String identifier, String hostname, String clusterId, Long groupId, String boxsizeId,
                      String datacenter, String ip, Instant createdAt, Instant readyAt) {

    public boolean master() {
        return groupId == null;
    }

    public String status(Instant now) {
        return now.isBefore(readyAt) ? "provisioning" : "running";
    }
}
