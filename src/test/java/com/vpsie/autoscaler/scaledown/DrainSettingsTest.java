package com.vpsie.autoscaler.scaledown;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vpsie.autoscaler.config.ControllerConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DrainSettingsTest {

    @Test
    void theOperatorsLimitsComeFromTheControllerConfig() {
        ControllerConfig d = ControllerConfig.defaults();
        ControllerConfig c = new ControllerConfig(d.kubeconfig(), d.namespaces(), d.scanInterval(), d.leaderElect(),
                d.leaseName(), d.leaseNamespace(), d.identity(), d.leaseDuration(), d.renewDeadline(), d.retryPeriod(),
                d.metricsPort(), d.workers(), d.provider(), d.vpsieSecretName(), d.vpsieSecretNamespace(),
                d.vpsieBaseUrl(), d.vpsieTokenAuth(), d.defaultClusterId(), d.provisioningTimeout(),
                Duration.ofSeconds(120),
                Duration.ofMinutes(4), 3, 2, Duration.ofMinutes(7), d.shutdownGracePeriod(), d.logFormat(), d.planner(),
                d.plannerConfigFile());

        DrainSettings s = DrainSettings.from(c);

        assertThat(s.maxGracefulTermination()).isEqualTo(Duration.ofSeconds(120));
        assertThat(s.maxPodEvictionTime()).isEqualTo(Duration.ofMinutes(4));
        assertThat(s.maxEmptyBulkDelete()).isEqualTo(3);
        assertThat(s.maxDrainParallelism()).isEqualTo(2);
        assertThat(s.failureCooldown()).isEqualTo(Duration.ofMinutes(7));
        assertThat(s.recheckDelay()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void defaultsAreClusterAutoscalers() {
        DrainSettings s = DrainSettings.from(ControllerConfig.defaults());

        assertThat(s.recheckDelay()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.evictionRetryMin()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.evictionRetryMax()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.maxPodEvictionTime()).isEqualTo(Duration.ofMinutes(2));
        assertThat(s.maxGracefulTermination()).isEqualTo(Duration.ofSeconds(600));
        assertThat(s.podsGoneSlack()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.maxEmptyBulkDelete()).isEqualTo(10);
        assertThat(s.maxDrainParallelism()).isEqualTo(1);
        assertThat(s.failureCooldown()).isEqualTo(Duration.ofMinutes(3));
    }

    @Test
    void theDrainDeadlineOutlastsTheLongestDrain() {
        DrainSettings s = DrainSettings.defaults();
        Duration longestPhase = s.maxPodEvictionTime().plus(s.evictionRetryMax()).plus(s.maxGracefulTermination())
                .plus(s.podsGoneSlack());

        assertThat(s.drainDeadline()).isGreaterThan(s.recheckDelay().plus(longestPhase.multipliedBy(2)));
        assertThat(s.drainDeadline()).isLessThan(Duration.ofMinutes(30));
    }

    @Test
    void impossibleLimitsAreRefused() {
        DrainSettings d = DrainSettings.defaults();
        assertThatThrownBy(() -> new DrainSettings(d.recheckDelay(), Duration.ofSeconds(10), Duration.ofSeconds(5),
                d.maxPodEvictionTime(), d.maxGracefulTermination(), d.podsGoneSlack(), d.pollInterval(), 10, 1,
                d.failureCooldown(), d.requestTimeout(), d.cleanupDeadline(), d.cleanupRetry(), d.sweepInterval()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DrainSettings(d.recheckDelay(), d.evictionRetryMin(), d.evictionRetryMax(),
                d.maxPodEvictionTime(), d.maxGracefulTermination(), d.podsGoneSlack(), d.pollInterval(), 0, 1,
                d.failureCooldown(), d.requestTimeout(), d.cleanupDeadline(), d.cleanupRetry(), d.sweepInterval()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
