package com.vpsie.autoscaler.scaleup;

import com.vpsie.autoscaler.model.NodeGroupInfo;
import com.vpsie.autoscaler.model.PodInfo;
import com.vpsie.autoscaler.model.Resources;
import java.util.List;

/**
 * What adding {@code nodeCount} nodes of one offering to one group would achieve.
 *
 * @param nodeAllocatable what one new node offers (from the template)
 * @param podRequests the summed requests of {@code pods}
 * @param pricePerHour price of one node, NaN when unknown
 */
public record ScaleUpOption(NodeGroupInfo nodeGroup, String offeringId, int nodeCount, List<PodInfo> pods,
                            Resources nodeAllocatable, Resources podRequests, double pricePerHour) {

    public ScaleUpOption {
        pods = List.copyOf(pods);
    }

    public String groupName() {
        return nodeGroup.name();
    }
}
