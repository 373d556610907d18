package com.vpsie.autoscaler.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import java.util.Objects;

/**
 * {@code spec.scaleDownPolicy}. Field initialisers are the CRD defaults (enabled, 600 s window, 50 %, 50 %,
 * 600 s cooldown after a scale-up, judged by requests).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class ScaleDownPolicySpec {

    public static final boolean DEFAULT_ENABLED = true;
    public static final int DEFAULT_STABILIZATION_WINDOW_SECONDS = 600;
    public static final int DEFAULT_CPU_THRESHOLD = 50;
    public static final int DEFAULT_MEMORY_THRESHOLD = 50;
    public static final int DEFAULT_COOLDOWN_SECONDS = 600;
    public static final String DEFAULT_UTILIZATION_SOURCE = "requests";
    /** The words {@code utilizationSource} accepts. */
    public static final String UTILIZATION_SOURCES = "requests|usage|both";

    @Default("true")
    @JsonProperty("enabled")
    private Boolean enabled = DEFAULT_ENABLED;
    @Default("600")
    @Min(0)
    @JsonProperty("stabilizationWindowSeconds")
    private Integer stabilizationWindowSeconds = DEFAULT_STABILIZATION_WINDOW_SECONDS;
    @Default("50")
    @Min(0)
    @Max(100)
    @JsonProperty("cpuThreshold")
    private Integer cpuThreshold = DEFAULT_CPU_THRESHOLD;
    @Default("50")
    @Min(0)
    @Max(100)
    @JsonProperty("memoryThreshold")
    private Integer memoryThreshold = DEFAULT_MEMORY_THRESHOLD;
    @Default("600")
    @Min(0)
    @JsonProperty("cooldownSeconds")
    private Integer cooldownSeconds = DEFAULT_COOLDOWN_SECONDS;
    // a String rather than an enum: an unknown word must make the group invalid, not its whole list unreadable
    @Default("requests")
    @Pattern("^(" + UTILIZATION_SOURCES + ")$")
    @JsonProperty("utilizationSource")
    private String utilizationSource = DEFAULT_UTILIZATION_SOURCE;

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

    public Integer getCooldownSeconds() {
        return cooldownSeconds;
    }

    public void setCooldownSeconds(Integer cooldownSeconds) {
        this.cooldownSeconds = cooldownSeconds;
    }

    public String getUtilizationSource() {
        return utilizationSource;
    }

    public void setUtilizationSource(String utilizationSource) {
        this.utilizationSource = utilizationSource;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ScaleDownPolicySpec)) {
            return false;
        }
        ScaleDownPolicySpec that = (ScaleDownPolicySpec) o;
        return Objects.equals(enabled, that.enabled)
                && Objects.equals(stabilizationWindowSeconds, that.stabilizationWindowSeconds)
                && Objects.equals(cpuThreshold, that.cpuThreshold)
                && Objects.equals(memoryThreshold, that.memoryThreshold)
                && Objects.equals(cooldownSeconds, that.cooldownSeconds)
                && Objects.equals(utilizationSource, that.utilizationSource);
    }

    @Override
    public int hashCode() {
        return Objects.hash(enabled, stabilizationWindowSeconds, cpuThreshold, memoryThreshold, cooldownSeconds,
                utilizationSource);
    }
}
