package com.vpsie.autoscaler.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;

/**
 * {@code NodeGroup.status}, as the Go VPSie autoscaler writes it. Times are RFC 3339 strings in UTC, the way
 * fabric8 models carry {@code metav1.Time}. Absent fields stay null so a merge patch never clears what it
 * does not mention.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class NodeGroupStatus {

    @JsonProperty("currentNodes")
    private Integer currentNodes;
    @JsonProperty("desiredNodes")
    private Integer desiredNodes;
    @JsonProperty("readyNodes")
    private Integer readyNodes;
    @JsonProperty("vpsieGroupID")
    private Long vpsieGroupID;
    /** The VPSie node group of each offering that has one; {@link #vpsieGroupID} stays the single-offering case's. */
    @JsonProperty("vpsieGroups")
    private List<NodeGroupVpsieGroup> vpsieGroups;
    /**
     * The offerings the planner chose for nodes the desired size already counts but no create request has taken
     * yet, oldest first: written with the raised desired size, taken by the reconciler as it asks for servers, so
     * the server that joins is the one the plan counted on.
     */
    @JsonProperty("plannedOfferings")
    private List<String> plannedOfferings;
    @JsonProperty("nodes")
    private List<NodeGroupNodeStatus> nodes;
    @JsonProperty("conditions")
    private List<NodeGroupCondition> conditions;
    @JsonProperty("lastScaleTime")
    private String lastScaleTime;
    @JsonProperty("lastScaleUpTime")
    private String lastScaleUpTime;
    @JsonProperty("lastScaleDownTime")
    private String lastScaleDownTime;
    @JsonProperty("observedGeneration")
    private Long observedGeneration;
    /**
     * The group's nodes' mean utilization in percent, the higher of CPU and memory, by the signal its
     * scale-down judges by (measured usage where fresh, else requests); what {@code kubectl get ng} shows.
     */
    @JsonProperty("utilizationPercent")
    private Integer utilizationPercent;

    public Integer getCurrentNodes() {
        return currentNodes;
    }

    public void setCurrentNodes(Integer currentNodes) {
        this.currentNodes = currentNodes;
    }

    public Integer getDesiredNodes() {
        return desiredNodes;
    }

    public void setDesiredNodes(Integer desiredNodes) {
        this.desiredNodes = desiredNodes;
    }

    public Integer getReadyNodes() {
        return readyNodes;
    }

    public void setReadyNodes(Integer readyNodes) {
        this.readyNodes = readyNodes;
    }

    public Long getVpsieGroupID() {
        return vpsieGroupID;
    }

    public void setVpsieGroupID(Long vpsieGroupID) {
        this.vpsieGroupID = vpsieGroupID;
    }

    public List<NodeGroupVpsieGroup> getVpsieGroups() {
        return vpsieGroups;
    }

    public void setVpsieGroups(List<NodeGroupVpsieGroup> vpsieGroups) {
        this.vpsieGroups = vpsieGroups;
    }

    public List<String> getPlannedOfferings() {
        return plannedOfferings;
    }

    public void setPlannedOfferings(List<String> plannedOfferings) {
        this.plannedOfferings = plannedOfferings;
    }

    public List<NodeGroupNodeStatus> getNodes() {
        return nodes;
    }

    public void setNodes(List<NodeGroupNodeStatus> nodes) {
        this.nodes = nodes;
    }

    public List<NodeGroupCondition> getConditions() {
        return conditions;
    }

    public void setConditions(List<NodeGroupCondition> conditions) {
        this.conditions = conditions;
    }

    public String getLastScaleTime() {
        return lastScaleTime;
    }

    public void setLastScaleTime(String lastScaleTime) {
        this.lastScaleTime = lastScaleTime;
    }

    public String getLastScaleUpTime() {
        return lastScaleUpTime;
    }

    public void setLastScaleUpTime(String lastScaleUpTime) {
        this.lastScaleUpTime = lastScaleUpTime;
    }

    public String getLastScaleDownTime() {
        return lastScaleDownTime;
    }

    public void setLastScaleDownTime(String lastScaleDownTime) {
        this.lastScaleDownTime = lastScaleDownTime;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public Integer getUtilizationPercent() {
        return utilizationPercent;
    }

    public void setUtilizationPercent(Integer utilizationPercent) {
        this.utilizationPercent = utilizationPercent;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof NodeGroupStatus)) {
            return false;
        }
        NodeGroupStatus that = (NodeGroupStatus) o;
        return Objects.equals(currentNodes, that.currentNodes)
                && Objects.equals(desiredNodes, that.desiredNodes)
                && Objects.equals(readyNodes, that.readyNodes)
                && Objects.equals(vpsieGroupID, that.vpsieGroupID)
                && Objects.equals(vpsieGroups, that.vpsieGroups)
                && Objects.equals(plannedOfferings, that.plannedOfferings)
                && Objects.equals(nodes, that.nodes)
                && Objects.equals(conditions, that.conditions)
                && Objects.equals(lastScaleTime, that.lastScaleTime)
                && Objects.equals(lastScaleUpTime, that.lastScaleUpTime)
                && Objects.equals(lastScaleDownTime, that.lastScaleDownTime)
                && Objects.equals(observedGeneration, that.observedGeneration)
                && Objects.equals(utilizationPercent, that.utilizationPercent);
    }

    @Override
    public int hashCode() {
        return Objects.hash(currentNodes, desiredNodes, readyNodes, vpsieGroupID, vpsieGroups, plannedOfferings, nodes,
                conditions, lastScaleTime, lastScaleUpTime, lastScaleDownTime, observedGeneration, utilizationPercent);
    }
}
