package com.vpsie.autoscaler.controller;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.Lock;

/**
 * The election's Lease lock, with a switch that stops it writing. Shutdown releases the lease while fabric8's elector
 * may still be running: its cancel waits for the elector's monitor, which a renewal holds across its HTTP calls, so a
 * renewal that starts after the release would find the lease free and take it again (SigtermIT saw it on a loaded CI
 * machine). Once {@link #stopWriting()} is called no create or update goes out; a renewal already past its read
 * carries the old resourceVersion and is refused by the API server after the release changed it.
 */
final class StoppableLeaseLock implements Lock {

    private final Lock delegate;
    private volatile boolean stopped;

    StoppableLeaseLock(String namespace, String name, String identity) {
        this(new LeaseLock(namespace, name, identity));
    }

    StoppableLeaseLock(Lock delegate) {
        this.delegate = delegate;
    }

    /** From now on the elector can neither take nor renew the lease. */
    void stopWriting() {
        stopped = true;
    }

    @Override
    public LeaderElectionRecord get(KubernetesClient client) {
        return delegate.get(client);
    }

    @Override
    public void create(KubernetesClient client, LeaderElectionRecord record) {
        refuseIfStopped();
        delegate.create(client, record);
    }

    @Override
    public void update(KubernetesClient client, LeaderElectionRecord record) {
        refuseIfStopped();
        delegate.update(client, record);
    }

    private void refuseIfStopped() {
        if (stopped) {
            throw new ShuttingDown(delegate.describe());
        }
    }

    /**
     * What the elector gets instead of a write. fabric8 logs it as a warning on its way out; without a stack trace
     * that is two lines saying why, not thirty saying where.
     */
    private static final class ShuttingDown extends KubernetesClientException {
        ShuttingDown(String lock) {
            super("this replica is shutting down and no longer takes or renews the lease " + lock);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    @Override
    public String identity() {
        return delegate.identity();
    }

    @Override
    public String describe() {
        return delegate.describe();
    }
}
