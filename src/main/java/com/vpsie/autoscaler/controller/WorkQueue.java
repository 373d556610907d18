package com.vpsie.autoscaler.controller;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A de-duplicating work queue in the manner of client-go's: a key waits in the queue at most once, is
 * handled by one worker at a time (a key added while it is being handled runs again afterwards), and a
 * key whose handling failed comes back after an exponential, jittered back-off.
 */
public final class WorkQueue<K> {

    private static final Logger LOG = LoggerFactory.getLogger(WorkQueue.class);

    /** Handles one key; returns when to look at it again (null: only when something changes). */
    public interface Handler<K> {
        Duration handle(K key) throws Exception;
    }

    private final String name;
    private final Handler<K> handler;
    private final int workers;
    private final Duration baseBackoff;
    private final Duration maxBackoff;
    private final IntConsumer depthListener;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition available = lock.newCondition();
    private final LinkedHashSet<K> queued = new LinkedHashSet<>();
    private final Set<K> processing = new HashSet<>();
    private final Set<K> dirty = new HashSet<>();
    private final Map<K, Integer> failures = new HashMap<>();
    private boolean shuttingDown;

    private final ExecutorService pool;
    private final ScheduledExecutorService timer;

    public WorkQueue(String name, int workers, Handler<K> handler, Duration baseBackoff, Duration maxBackoff,
                     IntConsumer depthListener) {
        this.name = name;
        this.workers = workers;
        this.handler = handler;
        this.baseBackoff = baseBackoff;
        this.maxBackoff = maxBackoff;
        this.depthListener = depthListener;
        this.pool = Executors.newFixedThreadPool(workers, daemon(name + "-worker"));
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon(name + "-delay"));
    }

    public void start() {
        for (int i = 0; i < workers; i++) {
            pool.execute(this::work);
        }
    }

    public void add(K key) {
        lock.lock();
        try {
            if (shuttingDown) {
                return;
            }
            if (processing.contains(key)) {
                dirty.add(key);
            } else if (queued.add(key)) {
                available.signal();
            }
            depthListener.accept(queued.size());
        } finally {
            lock.unlock();
        }
    }

    public void addAfter(K key, Duration delay) {
        if (delay.isZero() || delay.isNegative()) {
            add(key);
            return;
        }
        if (!timer.isShutdown()) {
            timer.schedule(() -> add(key), delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Clears the back-off of a key whose object is gone. */
    public void forget(K key) {
        lock.lock();
        try {
            failures.remove(key);
        } finally {
            lock.unlock();
        }
    }

    public int depth() {
        lock.lock();
        try {
            return queued.size();
        } finally {
            lock.unlock();
        }
    }

    /** Failed attempts of a key since its last success (for tests and status). */
    public int failures(K key) {
        lock.lock();
        try {
            return failures.getOrDefault(key, 0);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops taking keys; handlers already running may finish within {@code grace}. Returns whether they
     * all did.
     */
    public boolean shutdown(Duration grace) {
        lock.lock();
        try {
            shuttingDown = true;
            queued.clear();
            dirty.clear();
            available.signalAll();
        } finally {
            lock.unlock();
        }
        timer.shutdownNow();
        pool.shutdown();
        try {
            boolean done = pool.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                pool.shutdownNow();
            }
            return done;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.shutdownNow();
            return false;
        }
    }

    private void work() {
        while (true) {
            K key = take();
            if (key == null) {
                return;
            }
            Duration again = null;
            boolean failed = false;
            try {
                again = handler.handle(key);
            } catch (Exception e) {
                failed = true;
                LOG.warn("{}: handling {} failed: {}", name, key, e.toString());
                LOG.debug("{}: handling {} failed", name, key, e);
            }
            finish(key, failed, again);
        }
    }

    private K take() {
        lock.lock();
        try {
            while (!shuttingDown) {
                Iterator<K> it = queued.iterator();
                if (it.hasNext()) {
                    K key = it.next();
                    it.remove();
                    processing.add(key);
                    depthListener.accept(queued.size());
                    return key;
                }
                available.awaitUninterruptibly();
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    private void finish(K key, boolean failed, Duration again) {
        Duration backoff = null;
        lock.lock();
        try {
            processing.remove(key);
            if (failed) {
                int n = failures.merge(key, 1, Integer::sum);
                backoff = backoff(n);
            } else {
                failures.remove(key);
            }
            if (dirty.remove(key) && !shuttingDown) {
                queued.add(key);
                available.signal();
                depthListener.accept(queued.size());
            }
        } finally {
            lock.unlock();
        }
        if (backoff != null) {
            addAfter(key, backoff);
        } else if (again != null) {
            addAfter(key, again);
        }
    }

    /** base × 2^(n-1), at most max, with up to 20% jitter so failing keys do not retry in lockstep. */
    Duration backoff(int failuresSoFar) {
        long base = baseBackoff.toMillis() << Math.min(failuresSoFar - 1, 30);
        long capped = Math.min(base <= 0 ? Long.MAX_VALUE : base, maxBackoff.toMillis());
        long jitter = (long) (capped * 0.2 * ThreadLocalRandom.current().nextDouble());
        return Duration.ofMillis(capped - jitter);
    }

    private static java.util.concurrent.ThreadFactory daemon(String prefix) {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
