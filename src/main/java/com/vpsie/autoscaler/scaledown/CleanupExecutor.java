package com.vpsie.autoscaler.scaledown;

import com.vpsie.autoscaler.scaledown.NodeMarkExecutor.UndoOutcome;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Undoes drains: removes our taint, the cordon we added and the drain annotations. It runs on its own threads with
 * its own deadline per undo, so a drain that was cancelled (lease lost, shutdown) or ran out of time still gets
 * cleaned up: the undo neither inherits the cancelled thread's interrupt nor its spent time budget. An undo that
 * hits its deadline gives up; the manager's periodic sweep of leftover marks tries again later.
 */
public final class CleanupExecutor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CleanupExecutor.class);

    private final NodeMarkExecutor marks;
    private final Duration deadline;
    private final Duration retry;
    private final ThreadPoolExecutor executor;
    /** The latest undo per node while it runs; removed when it ends. */
    private final ConcurrentHashMap<String, CompletableFuture<UndoOutcome>> pending = new ConcurrentHashMap<>();

    /**
     * @param deadline how long one undo may keep trying
     * @param retry wait between its attempts
     */
    public CleanupExecutor(KubernetesClient client, Duration deadline, Duration retry) {
        this(new NodeMarkExecutor(client), deadline, retry);
    }

    CleanupExecutor(NodeMarkExecutor marks, Duration deadline, Duration retry) {
        this.marks = marks;
        this.deadline = deadline;
        this.retry = retry;
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "scale-down-cleanup-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.executor.allowCoreThreadTimeOut(true);
    }

    /**
     * Schedules the undo of the drain of {@code node} that started at {@code startedAt} (null: whatever draining
     * marks are there) and returns at once. Undos of one node run one after the other.
     */
    public CompletableFuture<UndoOutcome> undo(String node, Instant startedAt, String why) {
        return schedule(node, startedAt, why, false);
    }

    /**
     * Like {@link #undo}, but also takes the marks off a drained node: only for a node whose deletion nobody
     * will finish (its NodeGroup is gone). {@code startedAt} names the drain, so a node marked again meanwhile
     * is left alone.
     */
    public CompletableFuture<UndoOutcome> handBack(String node, Instant startedAt, String why) {
        return schedule(node, startedAt, why, true);
    }

    private CompletableFuture<UndoOutcome> schedule(String node, Instant startedAt, String why, boolean evenDrained) {
        CompletableFuture<UndoOutcome> result = new CompletableFuture<>();
        CompletableFuture<UndoOutcome> before = pending.put(node, result);
        CompletableFuture<?> after = before == null ? CompletableFuture.completedFuture(null) : before;
        after.whenComplete((ignored, error) -> {
            try {
                executor.execute(() -> {
                    try {
                        result.complete(run(node, startedAt, why, evenDrained));
                    } catch (Throwable e) {
                        // an Error too: a future left open would keep the node pending, and the sweep skips it
                        LOG.error("undo of the drain of node {} failed unexpectedly; the sweep will retry", node, e);
                        result.completeExceptionally(e);
                    } finally {
                        // never strands the node: whatever happened, the pending mark goes with this undo
                        pending.remove(node, result);
                    }
                });
            } catch (RuntimeException rejected) {
                // closed: the next process's sweep undoes what is left
                result.complete(UndoOutcome.GAVE_UP);
            }
        });
        result.whenComplete((outcome, error) -> pending.remove(node, result));
        return result;
    }

    /** An undo of {@code node} is queued or running. */
    public boolean pending(String node) {
        return pending.containsKey(node);
    }

    /** Waits until no undo is queued or running, up to {@code timeout}. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!pending.isEmpty()) {
            if (System.nanoTime() - end > 0) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    private UndoOutcome run(String node, Instant startedAt, String why, boolean evenDrained) {
        long end = System.nanoTime() + deadline.toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                UndoOutcome outcome = marks.unmark(node, startedAt, evenDrained);
                LOG.info("undo of the drain of node {} ({}): {}", node, why, outcome);
                return outcome;
            } catch (RuntimeException e) {
                if (System.nanoTime() + retry.toNanos() - end > 0) {
                    LOG.warn("giving up undoing the drain of node {} after {} attempt(s): {}; the sweep of leftover "
                            + "marks will retry", node, attempt, e.toString());
                    return UndoOutcome.GAVE_UP;
                }
                LOG.debug("undo of the drain of node {} failed (attempt {}): {}", node, attempt, e.toString());
            }
            try {
                Thread.sleep(retry.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return UndoOutcome.GAVE_UP;
            }
        }
    }

    /** Lets queued and running undos finish within their deadline, then stops the threads. */
    @Override
    public void close() {
        close(deadline.plus(retry));
    }

    /** Lets queued and running undos finish for up to {@code grace}, then stops the threads. */
    public void close(Duration grace) {
        try {
            if (!awaitIdle(grace)) {
                LOG.warn("undos still running after {}; the next leader's sweep finishes them", grace);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            executor.shutdownNow();
        }
    }
}
