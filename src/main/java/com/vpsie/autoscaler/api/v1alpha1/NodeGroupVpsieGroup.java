package com.vpsie.autoscaler.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * One entry of {@code status.vpsieGroups}: the VPSie node group that makes this NodeGroup's servers of one offering.
 * VPSie sizes a server by its node group, so a NodeGroup with several offerings has one VPSie group per offering.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class NodeGroupVpsieGroup {

    @JsonProperty("offeringID")
    private String offeringID;
    @JsonProperty("groupID")
    private Long groupID;

    public NodeGroupVpsieGroup() {
    }

    public NodeGroupVpsieGroup(String offeringID, Long groupID) {
        this.offeringID = offeringID;
        this.groupID = groupID;
    }

    public String getOfferingID() {
        return offeringID;
    }

    public void setOfferingID(String offeringID) {
        this.offeringID = offeringID;
    }

    public Long getGroupID() {
        return groupID;
    }

    public void setGroupID(Long groupID) {
        this.groupID = groupID;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeGroupVpsieGroup that && Objects.equals(offeringID, that.offeringID)
                && Objects.equals(groupID, that.groupID);
    }

    @Override
    public int hashCode() {
        return Objects.hash(offeringID, groupID);
    }

    @Override
    public String toString() {
        return offeringID + "=" + groupID;
    }
}
