package com.vpsie.autoscaler.provider.vpsie;

import com.vpsie.autoscaler.provider.ProviderException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One listing of a VPSie cluster ({@code GET /k8s/cluster/byId/{cluster}}) shared by every NodeGroup of that
 * cluster. Each NodeGroup's reconcile needs the cluster's servers, and reconciles come in bursts (a pass, a
 * resync, kubelets reporting): without sharing, the same listing is sent once per group and per wake-up.
 *
 * <p>A listing is reused while it is younger than the TTL (the scan interval) and no create or delete of ours
 * has happened since it was <em>started</em>: {@link #invalidate} after every such call, so a listing that was
 * in flight while a server was added is not kept. Callers that ask while a listing is in flight wait for it
 * instead of sending their own. A failed listing is not cached: the next caller tries again.
 *
 * <p>No lock is held while the listing is fetched. Entries older than the TTL are dropped on every access, so
 * clusters no NodeGroup names any more do not stay.
 */
final class ClusterListings {

    interface Fetcher {
        VpsieWire.ClusterDto fetch(String clusterId) throws ProviderException;
    }

    private record Listing(VpsieWire.ClusterDto cluster, Instant startedAt) {
    }

    /** Per cluster: the valid listing, or the fetch in flight, for the current generation. */
    private static final class Entry {
        long generation;
        Listing listing;
        CompletableFuture<Listing> inFlight;
        long inFlightGeneration;
    }

    private final Duration ttl;
    private final Clock clock;
    private final Fetcher fetcher;
    private final Duration maxWait;
    private final Map<String, Entry> entries = new HashMap<>();

    /**
     * @param ttl how long a listing is reused; zero shares only listings in flight
     * @param maxWait how long a caller waits for another caller's listing (that listing has its own deadline)
     */
    ClusterListings(Duration ttl, Clock clock, Fetcher fetcher, Duration maxWait) {
        this.ttl = ttl;
        this.clock = clock;
        this.fetcher = fetcher;
        this.maxWait = maxWait;
    }

    /** The cluster with its nodes, as listed at most the TTL ago and after our last create or delete. */
    VpsieWire.ClusterDto get(String clusterId) throws ProviderException {
        CompletableFuture<Listing> pending;
        long generation;
        boolean mine;
        Instant now = clock.instant();
        synchronized (this) {
            purge(now);
            Entry e = entries.computeIfAbsent(clusterId, k -> new Entry());
            if (e.listing != null && now.isBefore(e.listing.startedAt().plus(ttl))) {
                return e.listing.cluster();
            }
            generation = e.generation;
            mine = e.inFlight == null || e.inFlightGeneration != generation;
            if (mine) {
                e.inFlight = new CompletableFuture<>();
                e.inFlightGeneration = generation;
            }
            pending = e.inFlight;
        }
        return mine ? fetch(clusterId, pending, generation, now) : await(clusterId, pending);
    }

    /** A listing started after this call: for readers that must see a change a cached listing may predate. */
    VpsieWire.ClusterDto fresh(String clusterId) throws ProviderException {
        invalidate(clusterId);
        return get(clusterId);
    }

    /** Our own create or delete may have changed the cluster: no listing started before now is served again. */
    synchronized void invalidate(String clusterId) {
        Entry e = entries.get(clusterId);
        if (e != null) {
            e.generation++;
            e.listing = null;
        }
    }

    /** Clusters with an entry (a listing or one in flight); for tests of the clean-up. */
    synchronized int size() {
        return entries.size();
    }

    private VpsieWire.ClusterDto fetch(String clusterId, CompletableFuture<Listing> pending, long generation,
                                       Instant startedAt) throws ProviderException {
        Listing listing;
        try {
            listing = new Listing(fetcher.fetch(clusterId), startedAt);
        } catch (ProviderException | RuntimeException e) {
            done(clusterId, pending);
            pending.completeExceptionally(e);
            throw e;
        }
        synchronized (this) {
            Entry e = entries.get(clusterId);
            if (e != null && e.generation == generation) {
                e.listing = listing;
            }
        }
        done(clusterId, pending);
        pending.complete(listing);
        return listing.cluster();
    }

    private synchronized void done(String clusterId, CompletableFuture<Listing> pending) {
        Entry e = entries.get(clusterId);
        if (e != null && e.inFlight == pending) {
            e.inFlight = null;
        }
    }

    private VpsieWire.ClusterDto await(String clusterId, CompletableFuture<Listing> pending)
            throws ProviderException {
        try {
            return pending.get(maxWait.toMillis(), TimeUnit.MILLISECONDS).cluster();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException.Transient("interrupted while waiting for the listing of VPSie cluster "
                    + clusterId);
        } catch (TimeoutException e) {
            throw new ProviderException.Transient("the listing of VPSie cluster " + clusterId
                    + " another reconcile started did not finish within " + maxWait);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ProviderException p) {
                throw p;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Drops listings past their TTL that nobody is fetching; holds the lock. */
    private void purge(Instant now) {
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            boolean expired = e.listing == null || !now.isBefore(e.listing.startedAt().plus(ttl));
            if (expired && e.inFlight == null) {
                it.remove();
            }
        }
    }
}
