package com.vpsie.autoscaler.provider.vpsie;

import com.vpsie.autoscaler.provider.ProviderServer;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Remembers, per node group, what each create request achieved, so that a retry with the same request id
 * returns the server the first attempt created instead of creating another.
 *
 * <p>VPSie's add-worker call may not name the new server, and a lost reply says nothing at all. A request
 * therefore records the group's servers as they were just before its add call (its baseline). Afterwards any
 * listed server that is neither in the baseline nor claimed by another request is one of ours: the oldest such
 * server is claimed. Servers of one VPSie node group are interchangeable (one size), so when two requests race,
 * each still ends up with a distinct server and the count is right.
 *
 * <p>State lives in memory: after a restart the controller sees leftover servers through listing and its own
 * timeout handling. Entries expire after the configured retention and go with their group or server.
 * All methods hold the group's monitor briefly and never across a network call.
 */
final class CreateRequestLedger {

    /** Where a request stands. */
    enum Stage {
        /** Nothing sent yet. */
        NEW,
        /** The add call is being sent. */
        SENDING,
        /** VPSie accepted the add but did not name the server: never add again, only look. */
        ACCEPTED,
        /** The add call's outcome is unknown: look, and add again only after the settle time. */
        UNCERTAIN,
        /** The request has its server. */
        RESOLVED
    }

    /** A snapshot of one request. */
    record Entry(Stage stage, Set<String> baseline, Instant attemptedAt, ProviderServer server) {
    }

    private static final class Request {
        Stage stage;
        Set<String> baseline;
        Instant attemptedAt;
        ProviderServer server;
        boolean active;

        Entry snapshot() {
            return new Entry(stage, baseline, attemptedAt, server);
        }
    }

    private static final class Group {
        final Map<String, Request> requests = new HashMap<>();
        Set<String> lastListing;
    }

    private final Map<String, Group> groups = new ConcurrentHashMap<>();
    private final Duration retention;

    CreateRequestLedger(Duration retention) {
        this.retention = retention;
    }

    private Group group(String groupKey) {
        return groups.computeIfAbsent(groupKey, k -> new Group());
    }

    /**
     * Marks the request as being worked on and returns where it stands, or empty if another call for the same
     * request is already running.
     */
    Optional<Entry> begin(String groupKey, String requestId, Instant now) {
        Group g = group(groupKey);
        synchronized (g) {
            expire(g, now);
            Request r = g.requests.get(requestId);
            if (r == null) {
                r = new Request();
                r.stage = Stage.NEW;
                g.requests.put(requestId, r);
            } else if (r.active) {
                return Optional.empty();
            }
            r.active = true;
            return Optional.of(r.snapshot());
        }
    }

    /** Ends the call that {@link #begin} admitted; a request that never sent anything leaves no trace. */
    void end(String groupKey, String requestId) {
        Group g = group(groupKey);
        synchronized (g) {
            Request r = g.requests.get(requestId);
            if (r != null) {
                r.active = false;
                if (r.stage == Stage.NEW) {
                    g.requests.remove(requestId);
                }
            }
        }
    }

    /** The identifiers of the group's last listing, or empty if this process has not listed it yet. */
    Optional<Set<String>> lastListing(String groupKey) {
        Group g = group(groupKey);
        synchronized (g) {
            return Optional.ofNullable(g.lastListing);
        }
    }

    void recordListing(String groupKey, Collection<ProviderServer> servers) {
        Set<String> ids = servers.stream().map(ProviderServer::id).collect(Collectors.toUnmodifiableSet());
        Group g = group(groupKey);
        synchronized (g) {
            g.lastListing = ids;
        }
    }

    /** The add call is about to go out; {@code baseline} holds the servers that are certainly not its result. */
    void sending(String groupKey, String requestId, Set<String> baseline, Instant now) {
        Group g = group(groupKey);
        synchronized (g) {
            Request r = g.requests.computeIfAbsent(requestId, k -> new Request());
            r.stage = Stage.SENDING;
            r.baseline = Set.copyOf(baseline);
            r.attemptedAt = now;
        }
    }

    void mark(String groupKey, String requestId, Stage stage) {
        Group g = group(groupKey);
        synchronized (g) {
            Request r = g.requests.get(requestId);
            if (r != null) {
                r.stage = stage;
            }
        }
    }

    /** The add call failed for certain: nothing was created, so the request starts over next time. */
    void failed(String groupKey, String requestId) {
        Group g = group(groupKey);
        synchronized (g) {
            Request r = g.requests.get(requestId);
            if (r != null) {
                r.stage = Stage.NEW;
                r.baseline = null;
                r.attemptedAt = null;
            }
        }
    }

    /**
     * VPSie named the server it created. If a racing request already claimed that one, this request takes
     * whichever server is left for it instead (they are interchangeable), found by {@link #claim} later.
     *
     * @return true if the named server is now this request's
     */
    boolean resolveNamed(String groupKey, String requestId, ProviderServer server) {
        Group g = group(groupKey);
        synchronized (g) {
            Request r = g.requests.get(requestId);
            if (r == null) {
                return false;
            }
            if (claimedByOthers(g, requestId).contains(server.id())) {
                r.stage = Stage.ACCEPTED;
                return false;
            }
            r.stage = Stage.RESOLVED;
            r.server = server;
            return true;
        }
    }

    /**
     * Claims, for the request, the oldest listed server that is not in its baseline and not claimed by another
     * request.
     */
    Optional<ProviderServer> claim(String groupKey, String requestId, List<ProviderServer> listing) {
        Group g = group(groupKey);
        synchronized (g) {
            Request r = g.requests.get(requestId);
            if (r == null) {
                return Optional.empty();
            }
            if (r.stage == Stage.RESOLVED) {
                return Optional.of(r.server);
            }
            if (r.baseline == null) {
                return Optional.empty();
            }
            Set<String> taken = claimedByOthers(g, requestId);
            Optional<ProviderServer> pick = listing.stream()
                    .filter(s -> !r.baseline.contains(s.id()) && !taken.contains(s.id()))
                    .min(Comparator.comparing(ProviderServer::createdAt, Comparator.nullsLast(Comparator.naturalOrder()))
                            .thenComparing(s -> s.id().length())
                            .thenComparing(ProviderServer::id));
            pick.ifPresent(s -> {
                r.stage = Stage.RESOLVED;
                r.server = s;
            });
            return pick;
        }
    }

    /** A server was deleted: no request may return it again. */
    void forgetServer(String groupKey, String serverId) {
        Group g = groups.get(groupKey);
        if (g == null) {
            return;
        }
        synchronized (g) {
            g.requests.values().removeIf(r -> r.server != null && r.server.id().equals(serverId) && !r.active);
        }
    }

    /** The group is gone. */
    void forgetGroup(String groupKey) {
        groups.remove(groupKey);
    }

    int size(String groupKey) {
        Group g = groups.get(groupKey);
        if (g == null) {
            return 0;
        }
        synchronized (g) {
            return g.requests.size();
        }
    }

    private static Set<String> claimedByOthers(Group g, String requestId) {
        Set<String> taken = new HashSet<>();
        g.requests.forEach((id, r) -> {
            if (!id.equals(requestId) && r.server != null) {
                taken.add(r.server.id());
            }
        });
        return taken;
    }

    private void expire(Group g, Instant now) {
        Instant cutoff = now.minus(retention);
        g.requests.values().removeIf(r -> !r.active && r.attemptedAt != null && r.attemptedAt.isBefore(cutoff));
    }
}
