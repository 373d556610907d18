package com.vpsie.autoscaler.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/** One entry of {@code status.nodes}: a server of the group and the node it became. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class NodeGroupNodeStatus {

    @JsonProperty("nodeName")
    private String nodeName;
    @JsonProperty("vpsID")
    private Long vpsID;
    @JsonProperty("instanceType")
    private String instanceType;
    /**
     * Provisioning, Ready, Terminating, ... as the Go autoscaler names them; Creating and Requested for a server
     * asked for whose server is not listed yet (see {@link #requestID}), Deleting for one being removed.
     */
    @JsonProperty("status")
    private String status;
    @JsonProperty("createdAt")
    private String createdAt;
    @JsonProperty("readyAt")
    private String readyAt;
    @JsonProperty("ipAddress")
    private String ipAddress;
    /**
     * The create request of an entry in state Creating or Requested: recorded before the add call, so whoever
     * reconciles next (this process or a new leader) adopts the server it made rather than asking for another.
     */
    @JsonProperty("requestID")
    private String requestID;

    public String getNodeName() {
        return nodeName;
    }

    public void setNodeName(String nodeName) {
        this.nodeName = nodeName;
    }

    public Long getVpsID() {
        return vpsID;
    }

    public void setVpsID(Long vpsID) {
        this.vpsID = vpsID;
    }

    public String getInstanceType() {
        return instanceType;
    }

    public void setInstanceType(String instanceType) {
        this.instanceType = instanceType;
    }

    public String getStatus() {
        return status;
    }

    public void setStatus(String status) {
        this.status = status;
    }

    public String getCreatedAt() {
        return createdAt;
    }

    public void setCreatedAt(String createdAt) {
        this.createdAt = createdAt;
    }

    public String getReadyAt() {
        return readyAt;
    }

    public void setReadyAt(String readyAt) {
        this.readyAt = readyAt;
    }

    public String getIpAddress() {
        return ipAddress;
    }

    public void setIpAddress(String ipAddress) {
        this.ipAddress = ipAddress;
    }

    public String getRequestID() {
        return requestID;
    }

    public void setRequestID(String requestID) {
        this.requestID = requestID;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof NodeGroupNodeStatus)) {
            return false;
        }
        NodeGroupNodeStatus that = (NodeGroupNodeStatus) o;
        return Objects.equals(nodeName, that.nodeName)
                && Objects.equals(vpsID, that.vpsID)
                && Objects.equals(instanceType, that.instanceType)
                && Objects.equals(status, that.status)
                && Objects.equals(createdAt, that.createdAt)
                && Objects.equals(readyAt, that.readyAt)
                && Objects.equals(ipAddress, that.ipAddress)
                && Objects.equals(requestID, that.requestID);
    }

    @Override
    public int hashCode() {
        return Objects.hash(nodeName, vpsID, instanceType, status, createdAt, readyAt, ipAddress, requestID);
    }
}
