package com.vpsie.autoscaler.provider;

import java.util.List;
import java.util.Map;

/**
 * What the provider needs to know about a NodeGroup.
 *
 * @param clusterId the VPSie Kubernetes cluster (spec.resourceIdentifier, or the configured default)
 * @param providerGroupId the VPSie node group id (status.vpsieGroupID), null before it is known
 * @param offeringGroupIds the VPSie node group id of each offering recorded so far (status.vpsieGroups)
 */
public record ProviderGroup(String namespace, String name, String datacenterId, String clusterId,
                            Long providerGroupId, List<String> offeringIds, Integer kubeSizeId,
                            Map<String, Long> offeringGroupIds) {

    public ProviderGroup {
        offeringIds = offeringIds == null ? List.of() : List.copyOf(offeringIds);
        offeringGroupIds = offeringGroupIds == null ? Map.of() : Map.copyOf(offeringGroupIds);
    }

    /** A group with no per-offering VPSie groups recorded. */
    public ProviderGroup(String namespace, String name, String datacenterId, String clusterId, Long providerGroupId,
                         List<String> offeringIds, Integer kubeSizeId) {
        this(namespace, name, datacenterId, clusterId, providerGroupId, offeringIds, kubeSizeId, Map.of());
    }

    public String key() {
        return namespace + "/" + name;
    }
}
