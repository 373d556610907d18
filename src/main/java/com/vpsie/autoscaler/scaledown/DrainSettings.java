package com.vpsie.autoscaler.scaledown;

import com.vpsie.autoscaler.config.ControllerConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * Limits and timings of scale-down actuation. Defaults are cluster-autoscaler's; every delay is a parameter so
 * tests run in milliseconds.
 *
 * @param recheckDelay wait between marking a node and re-checking it (pods scheduled in the race window show up)
 * @param evictionRetryMin shortest wait before retrying an eviction a PDB refused (429)
 * @param evictionRetryMax longest such wait; each retry waits a random time in between
 * @param maxPodEvictionTime how long refused evictions of one phase (non-critical, then critical) are retried
 * @param maxGracefulTermination cap on a pod's termination grace period
 * @param podsGoneSlack added to the longest grace period when waiting for evicted pods to disappear
 * @param pollInterval how often the drainer looks whether evicted pods are gone
 * @param maxEmptyBulkDelete empty nodes drained at the same time at most
 * @param maxDrainParallelism non-empty nodes drained at the same time at most
 * @param failureCooldown no scale-down of a group for this long after one of its drains failed
 * @param requestTimeout deadline of each API call the drainer makes for evictions
 * @param cleanupDeadline how long an undo may keep retrying before the next sweep has to pick it up
 * @param cleanupRetry wait between attempts of an undo
 * @param sweepInterval how often nodes are searched for marks that no drain of this process owns
 */
public record DrainSettings(
        Duration recheckDelay,
        Duration evictionRetryMin,
        Duration evictionRetryMax,
        Duration maxPodEvictionTime,
        Duration maxGracefulTermination,
        Duration podsGoneSlack,
        Duration pollInterval,
        int maxEmptyBulkDelete,
        int maxDrainParallelism,
        Duration failureCooldown,
        Duration requestTimeout,
        Duration cleanupDeadline,
        Duration cleanupRetry,
        Duration sweepInterval) {

    public DrainSettings {
        Objects.requireNonNull(recheckDelay, "recheckDelay");
        Objects.requireNonNull(evictionRetryMin, "evictionRetryMin");
        Objects.requireNonNull(evictionRetryMax, "evictionRetryMax");
        Objects.requireNonNull(maxPodEvictionTime, "maxPodEvictionTime");
        Objects.requireNonNull(maxGracefulTermination, "maxGracefulTermination");
        Objects.requireNonNull(podsGoneSlack, "podsGoneSlack");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(failureCooldown, "failureCooldown");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(cleanupDeadline, "cleanupDeadline");
        Objects.requireNonNull(cleanupRetry, "cleanupRetry");
        Objects.requireNonNull(sweepInterval, "sweepInterval");
        if (evictionRetryMax.compareTo(evictionRetryMin) < 0) {
            throw new IllegalArgumentException("evictionRetryMax " + evictionRetryMax + " < evictionRetryMin "
                    + evictionRetryMin);
        }
        if (maxEmptyBulkDelete < 1 || maxDrainParallelism < 1) {
            throw new IllegalArgumentException("maxEmptyBulkDelete and maxDrainParallelism must be at least 1");
        }
    }

    /** cluster-autoscaler's values: 5 s re-check, 429 retried every 5–10 s for 2 min, grace capped at 600 s. */
    public static DrainSettings defaults() {
        return new DrainSettings(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(10),
                Duration.ofMinutes(2), Duration.ofSeconds(600), Duration.ofSeconds(30), Duration.ofSeconds(2), 10, 1,
                Duration.ofMinutes(3), Duration.ofSeconds(15), Duration.ofMinutes(1), Duration.ofSeconds(2),
                Duration.ofMinutes(2));
    }

    /** The defaults with the limits and timings the operator configured. */
    public static DrainSettings from(ControllerConfig config) {
        DrainSettings d = defaults();
        return new DrainSettings(d.recheckDelay(), d.evictionRetryMin(), d.evictionRetryMax(),
                config.maxPodEvictionTime(), config.maxGracefulTermination(), d.podsGoneSlack(), d.pollInterval(),
                config.maxEmptyBulkDelete(), config.maxDrainParallelism(), config.scaleDownFailureCooldown(),
                d.requestTimeout(), d.cleanupDeadline(), d.cleanupRetry(), d.sweepInterval());
    }

    /**
     * The longest a drain of this process can take: re-check, then for each of the two eviction phases the
     * eviction retries and the wait for the pods to go. A {@code draining} mark older than this belongs to no
     * live drain any more.
     */
    public Duration drainDeadline() {
        Duration phase = maxPodEvictionTime.plus(maxGracefulTermination).plus(podsGoneSlack)
                .plus(evictionRetryMax).plus(requestTimeout);
        return recheckDelay.plus(phase.multipliedBy(2)).plus(requestTimeout.multipliedBy(4));
    }
}
