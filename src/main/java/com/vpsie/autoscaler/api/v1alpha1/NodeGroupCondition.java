package com.vpsie.autoscaler.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/** One entry of {@code status.conditions}; it has lastUpdateTime, which metav1.Condition lacks, hence its own type. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class NodeGroupCondition {

    public static final String TYPE_READY = "Ready";
    public static final String TYPE_SCALING = "Scaling";
    public static final String TYPE_ERROR = "Error";
    public static final String TYPE_AT_MIN_CAPACITY = "AtMinCapacity";
    public static final String TYPE_AT_MAX_CAPACITY = "AtMaxCapacity";
    /** True while VPSie refuses one of the group's offerings in its datacenter for lack of capacity. */
    public static final String TYPE_OFFERING_UNAVAILABLE = "OfferingUnavailable";
    /**
     * Only for groups that judge by usage: True when every node has fresh measured usage; False when some are
     * judged by requests instead (no metrics API, or no sample younger than five minutes). Written by the
     * autoscaling pass, not the reconciler.
     */
    public static final String TYPE_USAGE_MEASURED = "UsageMeasured";
    /** Present while the NodeGroup is being deleted: its nodes draining, its servers going, or what blocks them. */
    public static final String TYPE_DELETING = "Deleting";

    public static final String STATUS_TRUE = "True";
    public static final String STATUS_FALSE = "False";
    public static final String STATUS_UNKNOWN = "Unknown";

    @JsonProperty("type")
    private String type;
    @JsonProperty("status")
    private String status;
    @JsonProperty("lastTransitionTime")
    private String lastTransitionTime;
    @JsonProperty("lastUpdateTime")
    private String lastUpdateTime;
    @JsonProperty("reason")
    private String reason;
    @JsonProperty("message")
    private String message;

    public NodeGroupCondition() {
    }

    public NodeGroupCondition(String type, String status, String reason, String message) {
        this.type = type;
        this.status = status;
        this.reason = reason;
        this.message = message;
    }

    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }

    public String getStatus() {
        return status;
    }

    public void setStatus(String status) {
        this.status = status;
    }

    public String getLastTransitionTime() {
        return lastTransitionTime;
    }

    public void setLastTransitionTime(String lastTransitionTime) {
        this.lastTransitionTime = lastTransitionTime;
    }

    public String getLastUpdateTime() {
        return lastUpdateTime;
    }

    public void setLastUpdateTime(String lastUpdateTime) {
        this.lastUpdateTime = lastUpdateTime;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof NodeGroupCondition)) {
            return false;
        }
        NodeGroupCondition that = (NodeGroupCondition) o;
        return Objects.equals(type, that.type)
                && Objects.equals(status, that.status)
                && Objects.equals(lastTransitionTime, that.lastTransitionTime)
                && Objects.equals(lastUpdateTime, that.lastUpdateTime)
                && Objects.equals(reason, that.reason)
                && Objects.equals(message, that.message);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, status, lastTransitionTime, lastUpdateTime, reason, message);
    }
}
