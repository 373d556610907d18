package com.vpsie.autoscaler.controller;

import com.vpsie.autoscaler.provider.CreateOutcome;
import com.vpsie.autoscaler.provider.ProviderException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends a group's add calls in waves of up to {@link #DEFAULT_AT_ONCE} at a time, so a burst needing dozens of
 * servers waits for a few add calls' latency rather than one per server. After a wave in which the cloud refused a
 * call, nothing more is sent: the requests after it are dropped, as they were when the calls went one at a time.
 * The threads are made when a wave needs them and end after a short idle time, so an idle controller keeps none.
 */
final class AddCallWaves implements AutoCloseable {

    /** Add calls in flight at once, across all groups; the VPSie client's create bulkhead allows as many. */
    static final int DEFAULT_AT_ONCE = 8;
    private static final long IDLE_THREAD_SECONDS = 30;

    /** One add call; throws when the cloud certainly made no server. */
    @FunctionalInterface
    interface AddCall {
        CreateOutcome send(String requestId) throws ProviderException;
    }

    /**
     * What the waves did, in request order: the outcome of every call answered, the requests certainly not made
     * (refused, or never sent), and the refusals by request id. A request in neither {@code outcomes} nor
     * {@code dropped} was sent and its answer never came (the caller was interrupted): its outcome is unknown.
     */
    record Result(Map<String, CreateOutcome> outcomes, Set<String> dropped, Map<String, ProviderException> refusals) {
    }

    private final int atOnce;
    private final ThreadPoolExecutor pool;

    AddCallWaves() {
        this(DEFAULT_AT_ONCE);
    }

    AddCallWaves(int atOnce) {
        if (atOnce < 1) {
            throw new IllegalArgumentException("add calls at once must be at least 1, got " + atOnce);
        }
        this.atOnce = atOnce;
        AtomicInteger threads = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(atOnce, atOnce, IDLE_THREAD_SECONDS, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "add-call-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
    }

    /**
     * Sends one call per request id, up to the bound at once, and waits for each wave's answers (every call has its
     * provider's deadline). Interrupted, it sends nothing more: calls not started yet are dropped, calls in flight
     * are left with an unknown outcome, and the interrupt is kept for the caller.
     */
    Result send(List<String> requestIds, AddCall call) {
        Map<String, CreateOutcome> outcomes = new LinkedHashMap<>();
        Set<String> dropped = new HashSet<>();
        Map<String, ProviderException> refusals = new LinkedHashMap<>();
        boolean stop = false;
        for (int from = 0; from < requestIds.size(); from += atOnce) {
            List<String> wave = requestIds.subList(from, Math.min(requestIds.size(), from + atOnce));
            if (stop) {
                dropped.addAll(wave); // never sent: the cloud refused one already, or the caller is stopping
                continue;
            }
            List<Sent> sent = new ArrayList<>();
            for (String id : wave) {
                sent.add(submit(id, call));
            }
            for (Sent s : sent) {
                Answer answer = s.await();
                if (answer.kind() == Answer.Kind.ANSWERED) {
                    outcomes.put(s.id(), answer.outcome());
                    continue;
                }
                stop = true;
                if (answer.kind() != Answer.Kind.IN_FLIGHT) {
                    dropped.add(s.id()); // certainly not made
                }
                if (answer.kind() == Answer.Kind.REFUSED) {
                    refusals.put(s.id(), answer.failure());
                }
            }
        }
        return new Result(Collections.unmodifiableMap(outcomes), Collections.unmodifiableSet(dropped),
                Collections.unmodifiableMap(refusals));
    }

    private Sent submit(String id, AddCall call) {
        AtomicBoolean claimed = new AtomicBoolean();
        try {
            Future<CreateOutcome> future = pool.submit(() -> {
                // whoever claims the request first decides: this thread sends it, or the waiter gave it up unsent
                if (!claimed.compareAndSet(false, true)) {
                    return null;
                }
                return call.send(id);
            });
            return new Sent(id, future, claimed);
        } catch (RejectedExecutionException e) {
            // closed: the controller is stopping
            return new Sent(id, null, claimed);
        }
    }

    /** What became of one call: answered, refused by the cloud, never sent, or sent with its answer not awaited. */
    private record Answer(Kind kind, CreateOutcome outcome, ProviderException failure) {
        enum Kind { ANSWERED, REFUSED, NOT_SENT, IN_FLIGHT }
    }

    private record Sent(String id, Future<CreateOutcome> future, AtomicBoolean claimed) {

        Answer await() {
            if (future == null || Thread.currentThread().isInterrupted()) {
                return giveUp();
            }
            try {
                return new Answer(Answer.Kind.ANSWERED, future.get(), null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return giveUp();
            } catch (CancellationException e) {
                return giveUp();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof ProviderException p) {
                    return new Answer(Answer.Kind.REFUSED, null, p);
                }
                // a bug in the call, not an answer from the cloud: whether it reached the cloud is unknown
                throw new IllegalStateException("add call for request " + id + " failed", e.getCause());
            }
        }

        /** Not sent when this thread claims it first; otherwise it is on its way and its outcome unknown. */
        private Answer giveUp() {
            return new Answer(claimed.compareAndSet(false, true) ? Answer.Kind.NOT_SENT : Answer.Kind.IN_FLIGHT, null, null);
        }
    }

    /**
     * Calls queued and not started are never sent (their waiters see them dropped); calls in flight are not
     * interrupted, and finish within their own deadlines.
     */
    @Override
    public void close() {
        pool.shutdown();
        List<Runnable> queued = new ArrayList<>();
        pool.getQueue().drainTo(queued);
        for (Runnable r : queued) {
            if (r instanceof Future<?> f) {
                f.cancel(false);
            }
        }
    }
}
