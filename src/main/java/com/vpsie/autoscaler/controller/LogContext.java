package com.vpsie.autoscaler.controller;

import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.MDC;

/**
 * Tags every log line of one reconcile with the node group and a fresh reconcile id, so the lines of one pass
 * can be found among interleaved workers. Use with try-with-resources on the thread that does the work: the
 * MDC is per thread, and close() puts back whatever those two keys held before (nesting works).
 */
public final class LogContext implements AutoCloseable {

    public static final String NODEGROUP = "nodegroup";
    public static final String RECONCILE_ID = "reconcileId";

    private final String previousNodeGroup;
    private final String previousReconcileId;
    private final String reconcileId;

    private LogContext(String nodeGroup) {
        previousNodeGroup = MDC.get(NODEGROUP);
        previousReconcileId = MDC.get(RECONCILE_ID);
        reconcileId = newReconcileId();
        MDC.put(NODEGROUP, nodeGroup);
        MDC.put(RECONCILE_ID, reconcileId);
    }

    /** Sets {@code nodegroup} (e.g. "namespace/name") and a new {@code reconcileId} until closed. */
    public static LogContext forNodeGroup(String nodeGroup) {
        return new LogContext(nodeGroup);
    }

    public String reconcileId() {
        return reconcileId;
    }

    @Override
    public void close() {
        restore(NODEGROUP, previousNodeGroup);
        restore(RECONCILE_ID, previousReconcileId);
    }

    /** Eight hex digits: short enough to read and grep; together with the group and the time, unambiguous. */
    static String newReconcileId() {
        return String.format("%08x", ThreadLocalRandom.current().nextInt());
    }

    private static void restore(String key, String previous) {
        if (previous == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, previous);
        }
    }
}
