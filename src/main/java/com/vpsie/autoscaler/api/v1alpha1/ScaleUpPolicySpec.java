package com.vpsie.autoscaler.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import java.util.Objects;

/**
 * {@code spec.scaleUpPolicy}. Field initialisers are the CRD defaults (enabled, 60 s, 80 %, 80 %), so an
 * object read without the field, or built in code, behaves as the API server would have defaulted it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class ScaleUpPolicySpec {

    public static final boolean DEFAULT_ENABLED = true;
    public static final int DEFAULT_STABILIZATION_WINDOW_SECONDS = 60;
    public static final int DEFAULT_CPU_THRESHOLD = 80;
    public static final int DEFAULT_MEMORY_THRESHOLD = 80;

    @Default("true")
    @JsonProperty("enabled")
    private Boolean enabled = DEFAULT_ENABLED;
    @Default("60")
    @Min(0)
    @JsonProperty("stabilizationWindowSeconds")
    private Integer stabilizationWindowSeconds = DEFAULT_STABILIZATION_WINDOW_SECONDS;
    @Default("80")
    @Min(0)
    @Max(100)
    @JsonProperty("cpuThreshold")
    private Integer cpuThreshold = DEFAULT_CPU_THRESHOLD;
    @Default("80")
    @Min(0)
    @Max(100)
    @JsonProperty("memoryThreshold")
    private Integer memoryThreshold = DEFAULT_MEMORY_THRESHOLD;

    public Boolean getEnabled() {
        return enabled;
    }

    public void setEnabled(Boolean enabled) {
        this.enabled = enabled;
    }

    public Integer getStabilizationWindowSeconds() {
        return stabilizationWindowSeconds;
    }

    public void setStabilizationWindowSeconds(Integer stabilizationWindowSeconds) {
        this.stabilizationWindowSeconds = stabilizationWindowSeconds;
    }

    public Integer getCpuThreshold() {
        return cpuThreshold;
    }

    public void setCpuThreshold(Integer cpuThreshold) {
        this.cpuThreshold = cpuThreshold;
    }

    public Integer getMemoryThreshold() {
        return memoryThreshold;
    }

    public void setMemoryThreshold(Integer memoryThreshold) {
        this.memoryThreshold = memoryThreshold;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ScaleUpPolicySpec)) {
            return false;
        }
        ScaleUpPolicySpec that = (ScaleUpPolicySpec) o;
        return Objects.equals(enabled, that.enabled)
                && Objects.equals(stabilizationWindowSeconds, that.stabilizationWindowSeconds)
                && Objects.equals(cpuThreshold, that.cpuThreshold)
                && Objects.equals(memoryThreshold, that.memoryThreshold);
    }

    @Override
    public int hashCode() {
        return Objects.hash(enabled, stabilizationWindowSeconds, cpuThreshold, memoryThreshold);
    }
}
