package com.vpsie.autoscaler.provider.vpsie;

import com.vpsie.autoscaler.metrics.AutoscalerMetrics;
import com.vpsie.autoscaler.model.Offering;
import com.vpsie.autoscaler.provider.CloudProvider;
import com.vpsie.autoscaler.provider.CreateOutcome;
import com.vpsie.autoscaler.provider.ProviderException;
import com.vpsie.autoscaler.provider.ProviderGroup;
import com.vpsie.autoscaler.provider.ProviderServer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link CloudProvider} for VPSie managed Kubernetes: each offering of a NodeGroup maps to a VPSie Kubernetes node
 * group (VPSie sizes a server by its group), a scale-up adds one worker to the group of the offering asked for, a
 * scale-down deletes one named worker.
 *
 * <p>{@link VpsieGroupDirectory} finds each offering's group (recorded in status, or by name) and makes it when
 * there is none; {@link #knownGroupIds} exposes what it found so the controller can record it in status.
 *
 * <p>Calls: {@link #listServers} reads the cluster with its nodes through {@link ClusterListings}, one listing
 * shared by every NodeGroup of the cluster for the scan interval, plus the group lookups. {@link #createServer} makes the add call and, when VPSie does not name the new server, one listing
 * to find it; see {@link CreateRequestLedger} for how retries stay idempotent. Nothing runs in the background.
 */
public final class VpsieCloudProvider implements CloudProvider, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(VpsieCloudProvider.class);

    private final VpsieApiClient api;
    private final VpsieConfig config;
    private final Clock clock;
    private final VpsieMapping mapping;
    private final CreateRequestLedger ledger;
    private final OfferingsCache offerings;
    private final VpsieNodeMatcher matcher;
    private final ClusterListings listings;
    private final VpsieGroupDirectory groups;
    /**
     * Per NodeGroup key, the cluster's node count when an empty, ungrouped listing was last confirmed by the
     * group's own count; the check repeats only when that count changes. Dropped by {@link #forgetGroup}.
     */
    private final Map<String, Integer> emptyConfirmedAt = new ConcurrentHashMap<>();

    public VpsieCloudProvider(VpsieApiClient api, Clock clock) {
        this.api = Objects.requireNonNull(api, "api");
        this.config = api.config();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.mapping = new VpsieMapping(config.providerIdPrefix(), config.podsPerNode());
        this.ledger = new CreateRequestLedger(config.createRequestRetention());
        this.offerings = new OfferingsCache(config.offeringsTtl(), clock, this::fetchOfferings);
        this.matcher = new VpsieNodeMatcher(config.providerIdPrefix());
        this.listings = new ClusterListings(config.clusterListingTtl(), clock, api::getCluster,
                config.operationTimeout().multipliedBy(2));
        this.groups = new VpsieGroupDirectory(api, clock, config.createSettleTime(), config.clusterListingTtl());
    }

    /** A provider with its own API client; {@link #close()} releases its connections. */
    public static VpsieCloudProvider create(VpsieConfig config, VpsieCredentialsSource credentials,
                                            AutoscalerMetrics metrics, Clock clock) {
        return new VpsieCloudProvider(VpsieApiClient.create(config, credentials, metrics, clock), clock);
    }

    @Override
    public List<ProviderServer> listServers(ProviderGroup group) throws ProviderException {
        String cluster = clusterId(group);
        return listGroupServers(group, cluster, groups.existing(group, cluster));
    }

    @Override
    public ProviderServer createServer(ProviderGroup group, String offeringId, String requestId)
            throws ProviderException {
        Objects.requireNonNull(requestId, "requestId");
        String cluster = clusterId(group);
        long groupId = groups.ensure(group, cluster, offeringFor(group, offeringId));
        String key = group.key();
        Optional<CreateRequestLedger.Entry> begun = ledger.begin(key, requestId, clock.instant());
        if (begun.isEmpty()) {
            throw new ProviderException.Transient("A VPSie server creation for request " + requestId + " of group "
                    + key + " is already running");
        }
        try {
            return create(group, cluster, groupId, offeringId, requestId, begun.get());
        } finally {
            ledger.end(key, requestId);
        }
    }

    private ProviderServer create(ProviderGroup group, String cluster, long groupId, String offeringId,
                                  String requestId, CreateRequestLedger.Entry entry) throws ProviderException {
        String key = group.key();
        Set<String> baseline;
        switch (entry.stage()) {
            case RESOLVED:
                return entry.server();
            case ACCEPTED:
            case UNCERTAIN:
            case SENDING: {
                // looking for our own server: a shared listing may predate it
                listings.invalidate(cluster);
                List<ProviderServer> listing = listGroupServers(group, cluster, groups.existing(group, cluster));
                Optional<ProviderServer> mine = ledger.claim(key, requestId, listing);
                if (mine.isPresent()) {
                    LOG.info("VPSie server {} ({}) found for request {} of group {}", mine.get().id(),
                            mine.get().hostname(), requestId, key);
                    return mine.get();
                }
                if (entry.stage() == CreateRequestLedger.Stage.ACCEPTED) {
                    throw new ProviderException.Transient("VPSie accepted the server for request " + requestId
                            + " of group " + key + " but does not list it yet");
                }
                Instant retryAt = entry.attemptedAt().plus(config.createSettleTime());
                if (clock.instant().isBefore(retryAt)) {
                    throw new ProviderException.Transient("The earlier VPSie create for request " + requestId
                            + " of group " + key + " has an unknown outcome and its server is not listed; "
                            + "not sending it again before " + retryAt);
                }
                LOG.warn("No VPSie server appeared for request {} of group {} since {}; sending the create again",
                        requestId, key, entry.attemptedAt());
                baseline = ids(listing);
                break;
            }
            default:
                // NEW: the servers present before our add are, by definition, not ours.
                Optional<Set<String>> known = ledger.lastListing(key);
                baseline = known.isPresent() ? known.get() : ids(listGroupServers(group, cluster, groups.existing(group, cluster)));
        }
        return send(group, cluster, groupId, offeringId, requestId, baseline);
    }

    private ProviderServer send(ProviderGroup group, String cluster, long groupId, String offeringId,
                                String requestId, Set<String> baseline) throws ProviderException {
        String key = group.key();
        ledger.sending(key, requestId, baseline, clock.instant());
        AddWorkerOutcome outcome;
        try {
            outcome = api.addWorker(cluster, groupId);
        } catch (ProviderException e) {
            ledger.failed(key, requestId);
            throw e;
        } finally {
            listings.invalidate(cluster);
        }
        String fallbackOffering = offeringOf(group, offeringId);
        if (outcome instanceof AddWorkerOutcome.Created created) {
            ProviderServer server = mapping.server(created.node(), fallbackOffering, ProviderServer.State.PROVISIONING);
            if (server.id() != null && ledger.resolveNamed(key, requestId, server)) {
                LOG.info("VPSie created server {} ({}) for request {} of group {}", server.id(), server.hostname(),
                        requestId, key);
                return server;
            }
            return findAfterAdd(group, cluster, groupId, requestId, "VPSie named a server another request took");
        }
        if (outcome instanceof AddWorkerOutcome.Unknown unknown) {
            ledger.mark(key, requestId, CreateRequestLedger.Stage.UNCERTAIN);
            LOG.warn("VPSie create for request {} of group {} has an unknown outcome ({}); looking for the server",
                    requestId, key, unknown.reason());
            return findAfterAdd(group, cluster, groupId, requestId, unknown.reason());
        }
        ledger.mark(key, requestId, CreateRequestLedger.Stage.ACCEPTED);
        return findAfterAdd(group, cluster, groupId, requestId, "VPSie accepted the create without naming the server");
    }

    private ProviderServer findAfterAdd(ProviderGroup group, String cluster, long groupId, String requestId,
                                        String why) throws ProviderException {
        String key = group.key();
        List<ProviderServer> listing;
        try {
            listing = listGroupServers(group, cluster, groups.existing(group, cluster));
        } catch (ProviderException e) {
            // The add may have worked: a retry with the same request id looks again before sending anything.
            throw new ProviderException.Transient(why + "; listing the group to find its server failed: "
                    + e.getMessage(), e);
        }
        Optional<ProviderServer> mine = ledger.claim(key, requestId, listing);
        if (mine.isPresent()) {
            LOG.info("VPSie server {} ({}) is the one created for request {} of group {}", mine.get().id(),
                    mine.get().hostname(), requestId, key);
            return mine.get();
        }
        throw new ProviderException.Transient(why + "; its server is not listed yet for group " + key
                + "; retry with the same request id " + requestId);
    }

    /**
     * One add call, no listing: VPSie's usual {@code data: true} names no server, and its listing shows the new one
     * only some seconds later, so the controller records the request and matches the server when it is listed.
     */
    @Override
    public CreateOutcome requestServer(ProviderGroup group, String offeringId, String requestId)
            throws ProviderException {
        Objects.requireNonNull(requestId, "requestId");
        String cluster = clusterId(group);
        long groupId = groups.ensure(group, cluster, offeringFor(group, offeringId));
        AddWorkerOutcome outcome = api.addWorker(cluster, groupId);
        if (outcome instanceof AddWorkerOutcome.Created created) {
            ProviderServer server = mapping.server(created.node(), offeringOf(group, offeringId),
                    ProviderServer.State.PROVISIONING);
            if (server.id() != null) {
                LOG.info("VPSie created server {} ({}) for request {} of group {}", server.id(), server.hostname(),
                        requestId, group.key());
                return new CreateOutcome.Created(server);
            }
            return new CreateOutcome.Accepted();
        }
        if (outcome instanceof AddWorkerOutcome.Unknown unknown) {
            LOG.warn("VPSie create for request {} of group {} has an unknown outcome: {}", requestId, group.key(),
                    unknown.reason());
            return new CreateOutcome.Unknown(unknown.reason());
        }
        LOG.info("VPSie accepted the create for request {} of group {}; its server is matched when listed",
                requestId, group.key());
        return new CreateOutcome.Accepted();
    }

    /** Finds or makes the offering's VPSie node group (see {@link VpsieGroupDirectory}). */
    @Override
    public void prepareOffering(ProviderGroup group, String offeringId) throws ProviderException {
        groups.ensure(group, clusterId(group), offeringFor(group, offeringId));
    }

    @Override
    public void deleteServer(ProviderGroup group, String serverId) throws ProviderException {
        Objects.requireNonNull(serverId, "serverId");
        String cluster = clusterId(group);
        boolean existed;
        try {
            existed = api.deleteWorker(cluster, serverId);
        } finally {
            listings.invalidate(cluster);
        }
        ledger.forgetServer(group.key(), serverId);
        if (existed) {
            LOG.info("Deleted VPSie server {} of group {}", serverId, group.key());
        } else {
            LOG.info("VPSie server {} of group {} was already gone", serverId, group.key());
        }
    }

    @Override
    public List<Offering> listOfferings(String datacenterId) throws ProviderException {
        if (datacenterId == null || datacenterId.isBlank()) {
            throw new ProviderException.Terminal("No VPSie datacenter given to list offerings for");
        }
        return offerings.get(datacenterId);
    }

    @Override
    public String providerIdPrefix() {
        return config.providerIdPrefix();
    }

    /** Maps Kubernetes nodes to this provider's servers. */
    public VpsieNodeMatcher nodeMatcher() {
        return matcher;
    }

    /**
     * The VPSie node group of the NodeGroup's first offering (see {@link VpsieGroupDirectory}), created when it does
     * not exist.
     */
    public long resolveGroupId(ProviderGroup group) throws ProviderException {
        return groups.ensure(group, clusterId(group), offeringFor(group, null));
    }

    /** The single-offering case's group, as {@code status.vpsieGroupID} has it. */
    @Override
    public Long knownGroupId(String groupKey) {
        Map<String, Long> known = groups.known(groupKey);
        return known.size() == 1 ? known.values().iterator().next() : null;
    }

    @Override
    public Map<String, Long> knownGroupIds(String groupKey) {
        return groups.known(groupKey);
    }

    /** Deletes a VPSie node group of the NodeGroup; VPSie refuses one that still has servers. */
    @Override
    public void deleteGroup(ProviderGroup group, long vpsieGroupId) throws ProviderException {
        boolean existed = api.deleteNodeGroup(vpsieGroupId);
        groups.forgetGroupId(group.key(), vpsieGroupId);
        LOG.info(existed ? "Deleted VPSie node group {} of NodeGroup {}"
                : "VPSie node group {} of NodeGroup {} was already gone", vpsieGroupId, group.key());
    }

    /** Drops everything remembered about a NodeGroup that no longer exists. */
    public void forgetGroup(String groupKey) {
        groups.forget(groupKey);
        emptyConfirmedAt.remove(groupKey);
        ledger.forgetGroup(groupKey);
    }

    /** The servers of the NodeGroup's VPSie groups ({@code offeringByGroup}: group id to the offering it makes). */
    private List<ProviderServer> listGroupServers(ProviderGroup group, String cluster, Map<Long, String> offeringByGroup)
            throws ProviderException {
        try {
            return listGroupServersOnce(group, cluster, offeringByGroup);
        } catch (ListingChanged e) {
            // workers were added between the two listings; one fresh read settles it
            listings.invalidate(cluster);
            try {
                return listGroupServersOnce(group, cluster, offeringByGroup);
            } catch (ListingChanged again) {
                throw new ProviderException.Transient("VPSie's listing of cluster " + cluster
                        + " kept changing while it was read");
            }
        }
    }

    /** The two listings disagreed because the cluster changed between them. */
    private static final class ListingChanged extends Exception {
        ListingChanged() {
            super(null, null, false, false);
        }
    }

    private List<ProviderServer> listGroupServersOnce(ProviderGroup group, String cluster,
                                                      Map<Long, String> offeringByGroup)
            throws ProviderException, ListingChanged {
        VpsieWire.ClusterDto dto = listings.get(cluster);
        List<VpsieWire.ClusterNodeDto> nodes = dto.nodes() == null ? List.of() : dto.nodes();
        List<ProviderServer> servers = new ArrayList<>();
        boolean anyGrouped = false;
        for (VpsieWire.ClusterNodeDto node : nodes) {
            anyGrouped |= node.groupId() != null;
            if (node.groupId() != null && offeringByGroup.containsKey(node.groupId())
                    && VpsieMapping.serverId(node) != null) {
                // the server's group tells its size when the node does not
                String groupOffering = offeringOf(group, offeringByGroup.get(node.groupId()));
                servers.add(mapping.server(node, groupOffering, ProviderServer.State.RUNNING));
            }
        }
        if (servers.isEmpty() && !anyGrouped && !offeringByGroup.isEmpty()
                && !Integer.valueOf(nodes.size()).equals(emptyConfirmedAt.get(group.key()))) {
            checkAttributable(group, cluster, offeringByGroup.keySet());
            emptyConfirmedAt.put(group.key(), nodes.size());
        }
        ledger.recordListing(group.key(), servers);
        return List.copyOf(servers);
    }

    /**
     * The cluster listing names no node group on any node (normal for a cluster with only its control plane).
     * If VPSie counts workers in this group, the listing format is not what we expect (the group id on nodes is
     * inferred): fail rather than report an empty group, which would make the controller create servers without
     * end.
     */
    private void checkAttributable(ProviderGroup group, String cluster, Set<Long> groupIds)
            throws ProviderException, ListingChanged {
        for (VpsieWire.NodeGroupDto g : api.listNodeGroups(cluster)) {
            if (g.id() != null && groupIds.contains(g.id()) && g.nodesCount() != null && g.nodesCount() > 0) {
                // the two listings are not one snapshot: workers created between them make them disagree
                VpsieWire.ClusterDto again = listings.fresh(cluster);
                if (again.nodes() != null && again.nodes().stream().anyMatch(n -> n.groupId() != null)) {
                    throw new ListingChanged();
                }
                throw new ProviderException.Terminal("VPSie reports " + g.nodesCount() + " nodes in node group "
                        + g.id() + " of cluster " + cluster + " but its cluster listing names no node group on any "
                        + "node; cannot tell which servers belong to NodeGroup " + group.key());
            }
        }
    }

    /** The offering a create is for: the one asked for, else the NodeGroup's first. */
    private static String offeringFor(ProviderGroup group, String requested) throws ProviderException {
        if (requested != null && group.offeringIds().contains(requested)) {
            return requested;
        }
        if (requested == null && !group.offeringIds().isEmpty()) {
            return group.offeringIds().get(0);
        }
        throw new ProviderException.Terminal("Offering '" + requested + "' is not one of NodeGroup " + group.key()
                + "'s offerings " + group.offeringIds());
    }

    private static String offeringOf(ProviderGroup group, String requested) {
        if (group.kubeSizeId() != null) {
            return Integer.toString(group.kubeSizeId());
        }
        if (requested != null) {
            return requested;
        }
        return group.offeringIds().size() == 1 ? group.offeringIds().get(0) : null;
    }

    private static String clusterId(ProviderGroup group) throws ProviderException {
        if (group.clusterId() == null || group.clusterId().isBlank()) {
            throw new ProviderException.Terminal("NodeGroup " + group.key() + " names no VPSie cluster "
                    + "(spec.resourceIdentifier, or the configured default)");
        }
        return group.clusterId();
    }

    private List<Offering> fetchOfferings(String datacenterId) throws ProviderException {
        return api.listOffers(datacenterId).stream().filter(o -> o.id() != null).map(mapping::offering).toList();
    }

    private static Set<String> ids(List<ProviderServer> servers) {
        return servers.stream().map(ProviderServer::id).collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public void close() {
        api.close();
    }
}
