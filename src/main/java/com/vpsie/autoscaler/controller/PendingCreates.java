package com.vpsie.autoscaler.controller;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroupNodeStatus;
import com.vpsie.autoscaler.provider.ProviderServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Matches the servers a group asked for (its {@code status.nodes[]} entries in state {@value #CREATING} or
 * {@value #REQUESTED}) to the servers the cloud lists. Pure: the reconciler hands in the stored entries, the
 * listing and the time.
 *
 * <p>A listed server that no stored entry names is new since the last status write; new servers go to the
 * open requests VPSie accepted, oldest first, then to those whose outcome is unknown. Servers of one group are interchangeable (one size), so this keeps the count right even
 * when a new leader, which never saw the add calls, finds the servers its predecessor asked for. A request whose
 * server never appears expires: a {@value #CREATING} one (the add call may not even have gone out, or its answer
 * was lost) after the settle time, a {@value #REQUESTED} one (VPSie accepted it) after the provisioning timeout.
 */
final class PendingCreates {

    /** Recorded before the add call; whether the call went out, or worked, is not known. */
    static final String CREATING = "Creating";
    /** The cloud accepted the add call without naming the server. */
    static final String REQUESTED = "Requested";

    private PendingCreates() {
    }

    /**
     * @param open requests still waiting for their server
     * @param matched request id to the server that is its result, found in this listing
     * @param unconfirmed requests in {@value #CREATING} whose server did not appear within the settle time
     * @param timedOut requests in {@value #REQUESTED} whose server did not appear within the provisioning timeout
     */
    record Settled(List<NodeGroupNodeStatus> open, Map<String, ProviderServer> matched,
                   List<NodeGroupNodeStatus> unconfirmed, List<NodeGroupNodeStatus> timedOut) {
    }

    static boolean isPending(NodeGroupNodeStatus e) {
        return e.getRequestID() != null && (CREATING.equals(e.getStatus()) || REQUESTED.equals(e.getStatus()));
    }

    /**
     * A Deleting entry that names no server: its Node registered and was released (drained, or its NodeGroup deleted)
     * before the cloud listed its server. That server, when listed, is still the result of an open request.
     */
    static boolean releasedBeforeListed(NodeGroupNodeStatus e) {
        return NodeGroupReconciler.DELETING.equals(e.getStatus()) && e.getRequestID() == null && e.getVpsID() == null
                && e.getInstanceType() == null && e.getCreatedAt() == null;
    }

    /**
     * @param entries the stored {@code status.nodes} (null for none)
     * @param listed the servers the cloud lists for the group, released ones excluded
     * @param nameOf the entry name of a listed server (its Node's name, else its hostname)
     * @param alsoKnown names of servers already accounted for besides the stored entries (named by an add call)
     */
    static Settled settle(List<NodeGroupNodeStatus> entries, Collection<ProviderServer> listed,
                          Function<ProviderServer, String> nameOf, Collection<String> alsoKnown, Instant now,
                          Duration settleTime, Duration timeout) {
        return settle(entries, listed, nameOf, alsoKnown, Map.of(), now, settleTime, timeout);
    }

    /**
     * @param watchedSince request id to when this process first saw the request; a request's clock starts at the
     *                     later of that and its {@code createdAt}. A new leader that finds its predecessor's requests
     *                     long after they were written has not yet watched the listing for them: a server asked
     *                     for just before the crash may still be inside VPSie's listing lag, and giving its request
     *                     up at once would ask for a second server.
     */
    static Settled settle(List<NodeGroupNodeStatus> entries, Collection<ProviderServer> listed,
                          Function<ProviderServer, String> nameOf, Collection<String> alsoKnown,
                          Map<String, Instant> watchedSince, Instant now, Duration settleTime, Duration timeout) {
        List<NodeGroupNodeStatus> all = entries == null ? List.of() : entries;
        // Entries name servers by name, and by numeric id only where the cloud's ids are numbers.
        Set<String> knownNames = new HashSet<>(alsoKnown);
        Set<String> knownIds = new HashSet<>();
        for (NodeGroupNodeStatus e : all) {
            if (!isPending(e) && !releasedBeforeListed(e)) {
                if (e.getNodeName() != null) {
                    knownNames.add(e.getNodeName());
                }
                if (e.getVpsID() != null) {
                    knownIds.add(Long.toString(e.getVpsID()));
                }
            }
        }
        Deque<ProviderServer> fresh = new ArrayDeque<>(listed.stream().filter(s -> s.id() != null)
                .filter(s -> !knownIds.contains(s.id()) && !knownNames.contains(nameOf.apply(s)))
                .sorted(Comparator.comparing(ProviderServer::createdAt, Comparator.nullsLast(Comparator.naturalOrder()))
                        .thenComparing(ProviderServer::id))
                .toList());
        // Accepted requests first: when fewer servers appear than were asked for, the ones left waiting should be
        // those whose add call may never have made anything, which are given up soonest.
        List<NodeGroupNodeStatus> pending = all.stream().filter(PendingCreates::isPending)
                .sorted(Comparator.comparing((NodeGroupNodeStatus e) -> !REQUESTED.equals(e.getStatus()))
                        .thenComparing(e -> Objects.requireNonNullElse(e.getCreatedAt(), ""))
                        .thenComparing(NodeGroupNodeStatus::getRequestID))
                .toList();
        List<NodeGroupNodeStatus> open = new ArrayList<>();
        Map<String, ProviderServer> matched = new LinkedHashMap<>();
        List<NodeGroupNodeStatus> unconfirmed = new ArrayList<>();
        List<NodeGroupNodeStatus> timedOut = new ArrayList<>();
        for (NodeGroupNodeStatus e : pending) {
            if (!fresh.isEmpty()) {
                matched.put(e.getRequestID(), fresh.pollFirst());
                continue;
            }
            Instant asked = StatusMerge.parse(e.getCreatedAt());
            Instant watched = watchedSince.get(e.getRequestID());
            if (asked != null && watched != null && watched.isAfter(asked)) {
                asked = watched;
            }
            boolean creating = CREATING.equals(e.getStatus());
            Duration limit = creating ? settleTime : timeout;
            if (asked != null && !asked.plus(limit).isAfter(now)) {
                (creating ? unconfirmed : timedOut).add(e);
            } else {
                open.add(e);
            }
        }
        return new Settled(open, matched, unconfirmed, timedOut);
    }
}
