package com.vpsie.autoscaler.utilization;

import com.vpsie.autoscaler.model.NodeUsage;
import com.vpsie.autoscaler.model.ScaleDownPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The Go VPSie autoscaler's usage rule: a node is underutilized when its measured CPU and memory are both below
 * the group's thresholds in at least 80% of the samples of the stabilization window. Without a sample younger
 * than five minutes nothing is known about the node now, and the rule gives no verdict (the caller falls back).
 */
public final class UsageRule {

    /** The newest sample must be younger than this, or the node's usage is stale. */
    public static final Duration MAX_SAMPLE_AGE = Duration.ofMinutes(5);
    /** Share of the window's samples that must be below both thresholds. */
    public static final int PERCENT_OF_SAMPLES_BELOW = 80;

    private UsageRule() {
    }

    public enum State {
        UNDERUTILIZED, BUSY, NO_SAMPLES, STALE;

        /** A verdict by usage was reached; otherwise the caller has to judge by something else. */
        public boolean fresh() {
            return this == UNDERUTILIZED || this == BUSY;
        }
    }

    /**
     * The rule's answer, with the figures it was reached on: the samples of the window, how many were below both
     * thresholds, their mean CPU and memory fractions, and the time of the newest sample (null without samples).
     */
    public record Verdict(State state, int samples, int samplesBelow, double cpuFraction, double memoryFraction,
                          Instant newest) {
        public boolean underutilized() {
            return state == State.UNDERUTILIZED;
        }
    }

    public static Verdict judge(NodeUsage usage, ScaleDownPolicy policy, Instant now) {
        List<NodeUsage.Sample> all = usage.samples();
        if (all.isEmpty()) {
            return new Verdict(State.NO_SAMPLES, 0, 0, 0, 0, null);
        }
        NodeUsage.Sample newest = all.get(0);
        for (NodeUsage.Sample s : all) {
            if (s.time().isAfter(newest.time())) {
                newest = s;
            }
        }
        Instant from = now.minusSeconds(policy.stabilizationWindowSeconds());
        List<NodeUsage.Sample> window = new ArrayList<>();
        for (NodeUsage.Sample s : all) {
            if (!s.time().isBefore(from)) {
                window.add(s);
            }
        }
        if (window.isEmpty()) {
            window.add(newest); // a window shorter than the sample interval: the latest measurement speaks for it
        }
        int below = 0;
        double cpu = 0;
        double memory = 0;
        for (NodeUsage.Sample s : window) {
            if (policy.belowThresholds(s.cpuFraction(), s.memoryFraction())) {
                below++;
            }
            cpu += s.cpuFraction();
            memory += s.memoryFraction();
        }
        cpu /= window.size();
        memory /= window.size();
        if (newest.time().isBefore(now.minus(MAX_SAMPLE_AGE))) {
            return new Verdict(State.STALE, window.size(), below, cpu, memory, newest.time());
        }
        State state = (long) below * 100 >= (long) PERCENT_OF_SAMPLES_BELOW * window.size()
                ? State.UNDERUTILIZED : State.BUSY;
        return new Verdict(state, window.size(), below, cpu, memory, newest.time());
    }
}
