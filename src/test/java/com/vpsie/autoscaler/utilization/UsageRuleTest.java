package com.vpsie.autoscaler.utilization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.vpsie.autoscaler.model.NodeUsage;
import com.vpsie.autoscaler.model.ScaleDownPolicy;
import com.vpsie.autoscaler.model.UtilizationSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UsageRuleTest {

    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    /** 50 % thresholds, a ten-minute window. */
    private static final ScaleDownPolicy POLICY = new ScaleDownPolicy(true, 50, 50, 600, 600, UtilizationSource.USAGE);

    /** One sample a minute, the newest a minute old, {@code busy} of them (the oldest) at 90 % CPU, the rest idle. */
    private static NodeUsage minutely(int count, int busy) {
        List<NodeUsage.Sample> samples = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Instant at = NOW.minusSeconds(60L * (count - i));
            samples.add(i < busy ? new NodeUsage.Sample(at, 0.9, 0.1) : new NodeUsage.Sample(at, 0.1, 0.1));
        }
        return new NodeUsage(samples);
    }

    @Test
    void eightyPercentOfTheWindowsSamplesBelowBothThresholdsIsUnderutilized() {
        UsageRule.Verdict v = UsageRule.judge(minutely(10, 2), POLICY, NOW);
        assertThat(v.state()).isEqualTo(UsageRule.State.UNDERUTILIZED);
        assertThat(v.samples()).isEqualTo(10);
        assertThat(v.samplesBelow()).isEqualTo(8);
        assertThat(v.cpuFraction()).isCloseTo((2 * 0.9 + 8 * 0.1) / 10, within(1e-9));
    }

    @Test
    void lessThanEightyPercentBelowIsBusy() {
        UsageRule.Verdict v = UsageRule.judge(minutely(10, 3), POLICY, NOW);
        assertThat(v.state()).isEqualTo(UsageRule.State.BUSY);
        assertThat(v.samplesBelow()).isEqualTo(7);
    }

    @Test
    void oneResourceAboveItsThresholdMakesTheSampleBusy() {
        NodeUsage memoryHeavy = new NodeUsage(List.of(new NodeUsage.Sample(NOW.minusSeconds(30), 0.05, 0.6)));
        assertThat(UsageRule.judge(memoryHeavy, POLICY, NOW).state()).isEqualTo(UsageRule.State.BUSY);
    }

    @Test
    void samplesOlderThanTheWindowAreNotCounted() {
        // 20 samples, the 10 oldest busy: only the last ten minutes count, and they are idle
        UsageRule.Verdict v = UsageRule.judge(minutely(20, 10), POLICY, NOW);
        assertThat(v.samples()).isEqualTo(10);
        assertThat(v.state()).isEqualTo(UsageRule.State.UNDERUTILIZED);
    }

    @Test
    void withoutASampleYoungerThanFiveMinutesTheUsageIsStale() {
        NodeUsage old = new NodeUsage(List.of(new NodeUsage.Sample(NOW.minusSeconds(301), 0.0, 0.0)));
        assertThat(UsageRule.judge(old, POLICY, NOW).state()).isEqualTo(UsageRule.State.STALE);
        NodeUsage recent = new NodeUsage(List.of(new NodeUsage.Sample(NOW.minusSeconds(299), 0.0, 0.0)));
        assertThat(UsageRule.judge(recent, POLICY, NOW).state()).isEqualTo(UsageRule.State.UNDERUTILIZED);
    }

    @Test
    void noSamplesGiveNoVerdict() {
        UsageRule.Verdict v = UsageRule.judge(new NodeUsage(List.of()), POLICY, NOW);
        assertThat(v.state()).isEqualTo(UsageRule.State.NO_SAMPLES);
        assertThat(v.state().fresh()).isFalse();
        assertThat(v.newest()).isNull();
    }

    @Test
    void aWindowShorterThanTheSampleIntervalIsJudgedByTheNewestSample() {
        ScaleDownPolicy noWindow = new ScaleDownPolicy(true, 50, 50, 0, 600, UtilizationSource.USAGE);
        assertThat(UsageRule.judge(minutely(3, 0), noWindow, NOW).state()).isEqualTo(UsageRule.State.UNDERUTILIZED);
        assertThat(UsageRule.judge(minutely(3, 3), noWindow, NOW).state()).isEqualTo(UsageRule.State.BUSY);
    }
}
