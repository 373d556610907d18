package com.vpsie.autoscaler.provider.vpsie;

import com.vpsie.autoscaler.provider.ProviderException;
import com.vpsie.autoscaler.provider.ProviderGroup;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which VPSie node group makes a NodeGroup's servers of each offering, and making one when there is none. VPSie sizes
 * a server by its node group (the add-worker call names no size), so every offering the planner may choose needs a
 * group of its own.
 *
 * <p>An offering's group is, first found first: the one recorded in {@code status.vpsieGroups}; for a NodeGroup with
 * one offering {@code status.vpsieGroupID}; one remembered here; in the cluster's group listing, the group named
 * {@link #groupName} for it, else a group named like the NodeGroup itself (the Go autoscaler's name, and how existing
 * groups are found) of that size, or of any size when the NodeGroup has one offering.
 *
 * <p>Creation is idempotent and survives a lost answer the way server creation does: the name is deterministic, the
 * listing is read before every create, and after a create that VPSie does not list yet (listing lag, a lost reply)
 * no second create is sent for the create settle time; the group is found by its name once listed. Two groups of one
 * name, should someone else have made them, resolve to the oldest (lowest id). Nothing runs in the background.
 */
final class VpsieGroupDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(VpsieGroupDirectory.class);
    private static final int MAX_NAME_PREFIX = 40;

    /** The part of the API this needs; the client in production, small fakes in tests. */
    interface Api {
        List<VpsieWire.NodeGroupDto> listNodeGroups(String clusterId) throws ProviderException;

        boolean createNodeGroup(String clusterId, String groupName, long kubeSizeId) throws ProviderException;
    }

    private final Api api;
    private final Clock clock;
    private final Duration settleTime;
    private final Duration lookupTtl;
    /** Per NodeGroup key, offering to VPSie group id; dropped by {@link #forget}. */
    private final Map<String, Map<String, Long>> known = new ConcurrentHashMap<>();
    /** Per NodeGroup key, when offerings without a group were last looked up in the listing; dropped by {@link #forget}. */
    private final Map<String, Instant> lookedUpAt = new ConcurrentHashMap<>();
    /** Per NodeGroup key, offering to when a create was last sent and not yet seen listed; dropped by {@link #forget}. */
    private final Map<String, Map<String, Instant>> createdAt = new ConcurrentHashMap<>();

    VpsieGroupDirectory(Api api, Clock clock, Duration settleTime, Duration lookupTtl) {
        this.api = Objects.requireNonNull(api, "api");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settleTime = settleTime;
        this.lookupTtl = lookupTtl;
    }

    /**
     * The name this controller gives the VPSie group of one offering of a NodeGroup: the NodeGroup's name and the
     * offering, and a hash of namespace, name and offering so that NodeGroups of one name in two namespaces never
     * share a group.
     */
    static String groupName(String namespace, String name, String offeringId) {
        String readable = (name + "-" + offeringId).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        if (readable.length() > MAX_NAME_PREFIX) {
            readable = readable.substring(0, MAX_NAME_PREFIX);
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((namespace + "/" + name + "/" + offeringId).getBytes(StandardCharsets.UTF_8));
            return readable + "-" + HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    /**
     * The VPSie group of every offering of the NodeGroup that has one, by group id, with its offering. Looks in the
     * listing (at most once per lookup interval) only for offerings it does not know; never creates.
     */
    Map<Long, String> existing(ProviderGroup group, String cluster) throws ProviderException {
        Map<String, Long> ids = new LinkedHashMap<>(recorded(group));
        boolean missing = group.offeringIds().stream().anyMatch(o -> !ids.containsKey(o));
        Instant last = lookedUpAt.get(group.key());
        Instant now = clock.instant();
        if (missing && (last == null || !now.isBefore(last.plus(lookupTtl)))) {
            List<VpsieWire.NodeGroupDto> listing = api.listNodeGroups(cluster);
            lookedUpAt.put(group.key(), now);
            for (String offering : group.offeringIds()) {
                if (!ids.containsKey(offering)) {
                    find(group, offering, listing).ifPresent(id -> ids.put(offering, remember(group, offering, id)));
                }
            }
        }
        Map<Long, String> byId = new LinkedHashMap<>();
        ids.forEach((offering, id) -> byId.putIfAbsent(id, offering));
        // the group an earlier version recorded for a NodeGroup of several offerings keeps its servers in view, though
        // no offering is added to it any more (its servers' size comes from their listing)
        if (group.providerGroupId() != null) {
            byId.putIfAbsent(group.providerGroupId(), null);
        }
        return byId;
    }

    /** The VPSie group of one offering of the NodeGroup, created when there is none. */
    long ensure(ProviderGroup group, String cluster, String offeringId) throws ProviderException {
        Long id = recorded(group).get(offeringId);
        if (id != null) {
            return id;
        }
        String name = groupName(group.namespace(), group.name(), offeringId);
        Optional<Long> found = find(group, offeringId, api.listNodeGroups(cluster));
        if (found.isPresent()) {
            return remember(group, offeringId, found.get());
        }
        Instant now = clock.instant();
        Instant sent = createdAt.getOrDefault(group.key(), Map.of()).get(offeringId);
        if (sent != null && now.isBefore(sent.plus(settleTime))) {
            throw new ProviderException.Transient("VPSie node group " + name + " for offering " + offeringId
                    + " of NodeGroup " + group.key() + " was asked for at " + sent + " and is not listed yet; not "
                    + "asking again before " + sent.plus(settleTime));
        }
        long size = kubeSizeId(group, offeringId);
        createdAt.computeIfAbsent(group.key(), k -> new ConcurrentHashMap<>()).put(offeringId, now);
        boolean answered = api.createNodeGroup(cluster, name, size);
        LOG.info("Asked VPSie for node group {} (size {}) for offering {} of NodeGroup {}{}", name, size, offeringId,
                group.key(), answered ? "" : "; the answer was lost");
        found = find(group, offeringId, api.listNodeGroups(cluster));
        if (found.isPresent()) {
            return remember(group, offeringId, found.get());
        }
        throw new ProviderException.Transient("VPSie node group " + name + " for offering " + offeringId
                + " of NodeGroup " + group.key() + " is not listed yet after its create; it is looked for by name "
                + "before any other create");
    }

    /** Every offering's group found or made so far (from memory). */
    Map<String, Long> known(String groupKey) {
        Map<String, Long> ids = known.get(groupKey);
        return ids == null ? Map.of() : Map.copyOf(ids);
    }

    /** A group that was deleted: it is looked up again, and may be made again, when next needed. */
    void forgetGroupId(String groupKey, long groupId) {
        Map<String, Long> ids = known.get(groupKey);
        if (ids != null) {
            ids.values().removeIf(id -> id == groupId);
        }
        lookedUpAt.remove(groupKey);
    }

    void forget(String groupKey) {
        known.remove(groupKey);
        lookedUpAt.remove(groupKey);
        createdAt.remove(groupKey);
    }

    private Map<String, Long> recorded(ProviderGroup group) {
        Map<String, Long> ids = new LinkedHashMap<>(known(group.key()));
        ids.putAll(group.offeringGroupIds());
        if (group.providerGroupId() != null && group.offeringIds().size() == 1) {
            ids.putIfAbsent(group.offeringIds().get(0), group.providerGroupId());
        }
        ids.keySet().retainAll(group.offeringIds());
        return ids;
    }

    private Optional<Long> find(ProviderGroup group, String offeringId, List<VpsieWire.NodeGroupDto> listing) {
        String ours = groupName(group.namespace(), group.name(), offeringId);
        boolean single = group.offeringIds().size() == 1;
        Optional<Long> found = oldest(listing.stream().filter(g -> ours.equals(g.groupName())).toList());
        if (found.isEmpty()) {
            found = oldest(listing.stream().filter(g -> group.name().equals(g.groupName()))
                    .filter(g -> single || offeringId.equals(g.boxsizeId())).toList());
        }
        return found;
    }

    private static Optional<Long> oldest(List<VpsieWire.NodeGroupDto> groups) {
        if (groups.size() > 1) {
            LOG.warn("VPSie lists {} node groups named '{}'; using the oldest", groups.size(),
                    groups.get(0).groupName());
        }
        return groups.stream().map(VpsieWire.NodeGroupDto::id).filter(Objects::nonNull)
                .min(Comparator.naturalOrder());
    }

    private long remember(ProviderGroup group, String offeringId, long id) {
        Long before = known.computeIfAbsent(group.key(), k -> new ConcurrentHashMap<>()).put(offeringId, id);
        Map<String, Instant> sent = createdAt.get(group.key());
        if (sent != null) {
            sent.remove(offeringId);
        }
        if (before == null || before != id) {
            LOG.info("NodeGroup {}: offering {} is VPSie node group {}", group.key(), offeringId, id);
        }
        return id;
    }

    /** What VPSie's create call takes: the NodeGroup's kubeSizeID when it has one offering, else the offering. */
    private static long kubeSizeId(ProviderGroup group, String offeringId) throws ProviderException {
        if (group.kubeSizeId() != null && group.offeringIds().size() == 1) {
            return group.kubeSizeId();
        }
        try {
            return Long.parseLong(offeringId);
        } catch (NumberFormatException e) {
            throw new ProviderException.Terminal("Offering '" + offeringId + "' of NodeGroup " + group.key()
                    + " is not a VPSie size id, so no VPSie node group can be made for it");
        }
    }
}
