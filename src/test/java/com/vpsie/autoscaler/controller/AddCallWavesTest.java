package com.vpsie.autoscaler.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.vpsie.autoscaler.provider.CreateOutcome;
import com.vpsie.autoscaler.provider.ProviderException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AddCallWavesTest {

    private final AddCallWaves waves = new AddCallWaves(4);

    @AfterEach
    void close() {
        waves.close();
    }

    private static List<String> ids(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> "r" + i).toList();
    }

    @Test
    void aWaveIsInFlightAtOnceAndNoMoreThanTheBound() {
        // each call of the first wave holds until all four have arrived: sent one at a time, the first never returns
        // an answer and the latch's (generous) wait runs out
        CountDownLatch firstWave = new CountDownLatch(4);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AddCallWaves.Result result = waves.send(ids(10), id -> {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                firstWave.countDown();
                if (!firstWave.await(60, TimeUnit.SECONDS)) {
                    throw new ProviderException.Transient("the first wave was not sent at once");
                }
                return new CreateOutcome.Accepted();
            } catch (InterruptedException e) {
                throw new ProviderException.Transient("interrupted");
            } finally {
                inFlight.decrementAndGet();
            }
        });

        assertThat(result.refusals()).isEmpty();
        assertThat(result.dropped()).isEmpty();
        assertThat(result.outcomes()).containsOnlyKeys(ids(10));
        assertThat(result.outcomes().keySet()).as("in request order").containsExactlyElementsOf(ids(10));
        assertThat(most.get()).isEqualTo(4);
    }

    @Test
    void aRefusalStopsTheLaterWavesAndTheirRequestsAreDroppedUnsent() {
        Set<String> called = ConcurrentHashMap.newKeySet();
        AddCallWaves.Result result = waves.send(ids(10), id -> {
            called.add(id);
            if (id.equals("r2")) {
                throw new ProviderException.OutOfCapacity("Insufficient resources");
            }
            return new CreateOutcome.Accepted();
        });

        assertThat(called).as("only the first wave was sent").containsExactlyInAnyOrder("r1", "r2", "r3", "r4");
        assertThat(result.outcomes()).containsOnlyKeys("r1", "r3", "r4");
        assertThat(result.refusals()).containsOnlyKeys("r2");
        assertThat(result.dropped()).containsExactlyInAnyOrder("r2", "r5", "r6", "r7", "r8", "r9", "r10");
    }

    @Test
    void theFirstRefusalInRequestOrderComesFirst() {
        AddCallWaves.Result result = waves.send(ids(4), id -> {
            if (id.equals("r2")) {
                throw new ProviderException.Terminal("quota exceeded");
            }
            if (id.equals("r4")) {
                throw new ProviderException.OutOfCapacity("Insufficient resources");
            }
            return new CreateOutcome.Accepted();
        });

        assertThat(result.refusals().keySet()).containsExactly("r2", "r4");
        assertThat(result.outcomes()).containsOnlyKeys("r1", "r3");
    }

    @Test
    void afterCloseNothingIsSentAndEveryRequestIsDropped() {
        waves.close();
        AtomicInteger calls = new AtomicInteger();
        AddCallWaves.Result result = waves.send(ids(6), id -> {
            calls.incrementAndGet();
            return new CreateOutcome.Accepted();
        });

        assertThat(calls).hasValue(0);
        assertThat(result.outcomes()).isEmpty();
        assertThat(result.dropped()).containsExactlyInAnyOrderElementsOf(ids(6));
    }

    @Test
    void anInterruptedCallerSendsNothingAndKeepsTheInterrupt() {
        Thread.currentThread().interrupt();
        try {
            Set<String> called = ConcurrentHashMap.newKeySet();
            AddCallWaves.Result result = waves.send(ids(6), id -> {
                called.add(id);
                return new CreateOutcome.Accepted();
            });

            // a call of the first wave a pool thread took before the caller gave it up is in flight, its outcome
            // unknown: neither answered nor dropped; the second wave is never sent
            assertThat(result.outcomes()).isEmpty();
            assertThat(result.dropped()).contains("r5", "r6").doesNotContainAnyElementsOf(called);
            assertThat(called).isSubsetOf("r1", "r2", "r3", "r4");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
