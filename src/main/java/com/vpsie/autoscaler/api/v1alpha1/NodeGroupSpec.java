package com.vpsie.autoscaler.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Taint;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code NodeGroup.spec}, field for field the Go VPSie autoscaler's. Numbers are boxed so that "absent" stays
 * visible to {@link NodeGroupValidation}. resourceIdentifier, project and kubernetesVersion are optional here:
 * a cluster-wide default from the configuration fills them in.
 *
 * <p>Unknown fields are ignored rather than rejected, so a CRD installed by a newer (or the Go) autoscaler
 * cannot stop the informer from reading the groups.
 */
@ValidationRule(value = "self.minNodes <= self.maxNodes", message = "minNodes must be less than or equal to maxNodes")
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class NodeGroupSpec {

    public static final boolean DEFAULT_ALLOW_MIXED_INSTANCES = true;

    @Required
    @Min(0)
    @JsonProperty("minNodes")
    private Integer minNodes;
    @Required
    @Min(1)
    @JsonProperty("maxNodes")
    private Integer maxNodes;
    @Required
    @Size(min = 1)
    @JsonProperty("datacenterID")
    private String datacenterID;
    @Required
    @Size(min = 1)
    @JsonProperty("offeringIDs")
    private List<String> offeringIDs;
    @JsonProperty("resourceIdentifier")
    private String resourceIdentifier;
    @JsonProperty("project")
    private String project;
    @JsonProperty("kubernetesVersion")
    private String kubernetesVersion;
    @JsonProperty("osImageID")
    private String osImageID;
    @JsonProperty("preferredInstanceType")
    private String preferredInstanceType;
    @Default("true")
    @JsonProperty("allowMixedInstances")
    private Boolean allowMixedInstances = DEFAULT_ALLOW_MIXED_INSTANCES;
    @JsonProperty("labels")
    private Map<String, String> labels;
    @JsonProperty("taints")
    private List<Taint> taints;
    @JsonProperty("scaleUpPolicy")
    private ScaleUpPolicySpec scaleUpPolicy;
    @JsonProperty("scaleDownPolicy")
    private ScaleDownPolicySpec scaleDownPolicy;
    @JsonProperty("sshKeyIDs")
    private List<String> sshKeyIDs;
    @JsonProperty("tags")
    private List<String> tags;
    @JsonProperty("notes")
    private String notes;
    @JsonProperty("userData")
    private String userData;
    @Min(1)
    @JsonProperty("kubeSizeID")
    private Integer kubeSizeID;
    // Present in the Go CRD and not implemented here; kept verbatim so a round trip loses nothing.
    // SchemaFrom(ObjectNode) makes the schema a free-form object: from the Map type alone the generator would
    // demand that every value be an object, which rejects `spotConfig: {enabled: false}`.
    @PreserveUnknownFields
    @SchemaFrom(type = ObjectNode.class)
    @JsonProperty("spotConfig")
    private Map<String, Object> spotConfig;
    @PreserveUnknownFields
    @SchemaFrom(type = ObjectNode.class)
    @JsonProperty("multiRegion")
    private Map<String, Object> multiRegion;
    @PreserveUnknownFields
    @SchemaFrom(type = ObjectNode.class)
    @JsonProperty("costOptimization")
    private Map<String, Object> costOptimization;

    public Integer getMinNodes() {
        return minNodes;
    }

    public void setMinNodes(Integer minNodes) {
        this.minNodes = minNodes;
    }

    public Integer getMaxNodes() {
        return maxNodes;
    }

    public void setMaxNodes(Integer maxNodes) {
        this.maxNodes = maxNodes;
    }

    public String getDatacenterID() {
        return datacenterID;
    }

    public void setDatacenterID(String datacenterID) {
        this.datacenterID = datacenterID;
    }

    public List<String> getOfferingIDs() {
        return offeringIDs;
    }

    public void setOfferingIDs(List<String> offeringIDs) {
        this.offeringIDs = offeringIDs;
    }

    public String getResourceIdentifier() {
        return resourceIdentifier;
    }

    public void setResourceIdentifier(String resourceIdentifier) {
        this.resourceIdentifier = resourceIdentifier;
    }

    public String getProject() {
        return project;
    }

    public void setProject(String project) {
        this.project = project;
    }

    public String getKubernetesVersion() {
        return kubernetesVersion;
    }

    public void setKubernetesVersion(String kubernetesVersion) {
        this.kubernetesVersion = kubernetesVersion;
    }

    public String getOsImageID() {
        return osImageID;
    }

    public void setOsImageID(String osImageID) {
        this.osImageID = osImageID;
    }

    public String getPreferredInstanceType() {
        return preferredInstanceType;
    }

    public void setPreferredInstanceType(String preferredInstanceType) {
        this.preferredInstanceType = preferredInstanceType;
    }

    public Boolean getAllowMixedInstances() {
        return allowMixedInstances;
    }

    public void setAllowMixedInstances(Boolean allowMixedInstances) {
        this.allowMixedInstances = allowMixedInstances;
    }

    public Map<String, String> getLabels() {
        return labels;
    }

    public void setLabels(Map<String, String> labels) {
        this.labels = labels;
    }

    public List<Taint> getTaints() {
        return taints;
    }

    public void setTaints(List<Taint> taints) {
        this.taints = taints;
    }

    public ScaleUpPolicySpec getScaleUpPolicy() {
        return scaleUpPolicy;
    }

    public void setScaleUpPolicy(ScaleUpPolicySpec scaleUpPolicy) {
        this.scaleUpPolicy = scaleUpPolicy;
    }

    public ScaleDownPolicySpec getScaleDownPolicy() {
        return scaleDownPolicy;
    }

    public void setScaleDownPolicy(ScaleDownPolicySpec scaleDownPolicy) {
        this.scaleDownPolicy = scaleDownPolicy;
    }

    public List<String> getSshKeyIDs() {
        return sshKeyIDs;
    }

    public void setSshKeyIDs(List<String> sshKeyIDs) {
        this.sshKeyIDs = sshKeyIDs;
    }

    public List<String> getTags() {
        return tags;
    }

    public void setTags(List<String> tags) {
        this.tags = tags;
    }

    public String getNotes() {
        return notes;
    }

    public void setNotes(String notes) {
        this.notes = notes;
    }

    public String getUserData() {
        return userData;
    }

    public void setUserData(String userData) {
        this.userData = userData;
    }

    public Integer getKubeSizeID() {
        return kubeSizeID;
    }

    public void setKubeSizeID(Integer kubeSizeID) {
        this.kubeSizeID = kubeSizeID;
    }

    public Map<String, Object> getSpotConfig() {
        return spotConfig;
    }

    public void setSpotConfig(Map<String, Object> spotConfig) {
        this.spotConfig = spotConfig;
    }

    public Map<String, Object> getMultiRegion() {
        return multiRegion;
    }

    public void setMultiRegion(Map<String, Object> multiRegion) {
        this.multiRegion = multiRegion;
    }

    public Map<String, Object> getCostOptimization() {
        return costOptimization;
    }

    public void setCostOptimization(Map<String, Object> costOptimization) {
        this.costOptimization = costOptimization;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof NodeGroupSpec)) {
            return false;
        }
        NodeGroupSpec that = (NodeGroupSpec) o;
        return Objects.equals(minNodes, that.minNodes)
                && Objects.equals(maxNodes, that.maxNodes)
                && Objects.equals(datacenterID, that.datacenterID)
                && Objects.equals(offeringIDs, that.offeringIDs)
                && Objects.equals(resourceIdentifier, that.resourceIdentifier)
                && Objects.equals(project, that.project)
                && Objects.equals(kubernetesVersion, that.kubernetesVersion)
                && Objects.equals(osImageID, that.osImageID)
                && Objects.equals(preferredInstanceType, that.preferredInstanceType)
                && Objects.equals(allowMixedInstances, that.allowMixedInstances)
                && Objects.equals(labels, that.labels)
                && Objects.equals(taints, that.taints)
                && Objects.equals(scaleUpPolicy, that.scaleUpPolicy)
                && Objects.equals(scaleDownPolicy, that.scaleDownPolicy)
                && Objects.equals(sshKeyIDs, that.sshKeyIDs)
                && Objects.equals(tags, that.tags)
                && Objects.equals(notes, that.notes)
                && Objects.equals(userData, that.userData)
                && Objects.equals(kubeSizeID, that.kubeSizeID)
                && Objects.equals(spotConfig, that.spotConfig)
                && Objects.equals(multiRegion, that.multiRegion)
                && Objects.equals(costOptimization, that.costOptimization);
    }

    @Override
    public int hashCode() {
        return Objects.hash(minNodes, maxNodes, datacenterID, offeringIDs, resourceIdentifier, project,
                kubernetesVersion, osImageID, preferredInstanceType, allowMixedInstances, labels, taints,
                scaleUpPolicy, scaleDownPolicy, sshKeyIDs, tags, notes, userData, kubeSizeID, spotConfig,
                multiRegion, costOptimization);
    }
}
