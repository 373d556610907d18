package com.vpsie.autoscaler.provider;

import java.util.List;

/**
 * What the provider needs to know about a NodeGroup.
 *
 * @param clusterId the VPSie Kubernetes cluster (spec.resourceIdentifier, or the configured default)
 * @param providerGroupId the VPSie node group id (status.vpsieGroupID), null before it is known
 */
public record ProviderGroup(String namespace, String name, String datacenterId, String clusterId,
                            Long providerGroupId, List<String> offeringIds, Integer kubeSizeId) {

    public ProviderGroup {
        offeringIds = offeringIds == null ? List.of() : List.copyOf(offeringIds);
    }

    public String key() {
        return namespace + "/" + name;
    }
}
