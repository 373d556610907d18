package com.vpsie.autoscaler.sim;

import com.vpsie.autoscaler.provider.vpsie.VpsieWire;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The state of the simulated VPSie account: Kubernetes clusters, their node groups and servers, and the sizes
 * offered per datacenter. Thread-safe; every method is short and never blocks.
 */
public final class SimCloud {

    /** A refusal the HTTP layer turns into an error reply. */
    public static final class SimError extends Exception {
        private final int status;

        SimError(int status, String message) {
            super(message);
            this.status = status;
        }

        /** The HTTP status to answer with (200 for an error envelope, as VPSie does for business refusals). */
        public int status() {
            return status;
        }
    }

    private record Cluster(String identifier, String name, String datacenter, long numericId) {
    }

    private record Group(long id, String identifier, String name, String clusterId, String boxsizeId) {
    }

    private final Clock clock;
    private final Map<String, Cluster> clusters = new LinkedHashMap<>();
    private final Map<Long, Group> groups = new LinkedHashMap<>();
    private final Map<Long, SimNode> nodes = new LinkedHashMap<>();
    private final Map<String, List<VpsieWire.OfferDto>> offers = new LinkedHashMap<>();
    /** When each node group made through the API first shows in the group listing (the listing lag then in force). */
    private final Map<Long, Instant> groupListedFrom = new HashMap<>();
    /** When each server first shows in listings (creation plus the listing lag then in force). */
    private final Map<Long, Instant> listedFrom = new HashMap<>();
    /** Servers asked to go, and when they vanish from listings (the delete lag then in force). */
    private final Map<Long, Instant> goneAt = new HashMap<>();
    private long sequence;
    private Duration listingLag = Duration.ZERO;
    private Duration deleteLag = Duration.ZERO;
    private Duration readyAfter = Duration.ofSeconds(30);
    private int maxWorkersPerCluster = Integer.MAX_VALUE;
    private boolean nodesCarryGroupId = true;
    /** "datacenter/size id" of the sizes sold out, as VPSie runs out of a size in one datacenter. */
    private final Set<String> outOfStock = new HashSet<>();

    public SimCloud(Clock clock) {
        this.clock = clock;
    }

    public Clock clock() {
        return clock;
    }

    /** How long a new server reports "provisioning" before "running". */
    public synchronized SimCloud readyAfter(Duration delay) {
        readyAfter = delay;
        return this;
    }

    /**
     * How long a new server stays out of listings (the cluster with its nodes, group counts, VMs), as VPSie's
     * eventually consistent listing does; the machine itself boots meanwhile. A node group made through the API
     * stays out of the group listing as long. Applies to servers and groups added after.
     */
    public synchronized SimCloud listingLag(Duration lag) {
        listingLag = nonNegative(lag, "listing lag");
        return this;
    }

    /** Whether new servers stay out of the listings for a while. */
    public synchronized boolean lagsListing() {
        return !listingLag.isZero();
    }

    /**
     * How long a deleted server keeps being listed, as {@code deleting}, before it is gone; the machine stops at
     * once. Applies to deletions after.
     */
    public synchronized SimCloud deleteLag(Duration lag) {
        deleteLag = nonNegative(lag, "delete lag");
        return this;
    }

    /** Adding a worker beyond this answers the plan-limit error. */
    public synchronized SimCloud maxWorkersPerCluster(int max) {
        maxWorkersPerCluster = max;
        return this;
    }

    /**
     * Marks a size sold out (or back in stock) in a datacenter: adding a worker to a node group of that size in a
     * cluster of that datacenter then answers HTTP 200 with {@code error: true} and an "insufficient resources"
     * message (see {@link #OUT_OF_STOCK_MESSAGE}), and makes nothing.
     */
    public synchronized SimCloud outOfStock(String datacenter, String boxsizeId, boolean soldOut) {
        if (soldOut) {
            outOfStock.add(datacenter + "/" + boxsizeId);
        } else {
            outOfStock.remove(datacenter + "/" + boxsizeId);
        }
        return this;
    }

    /**
     * The refusal's message. VPSie documents none; this follows the phrasing of its other refusals (a sentence
     * naming what is missing), and the client recognises it by "insufficient resources".
     */
    public static final String OUT_OF_STOCK_MESSAGE = "Insufficient resources: the selected package is not "
            + "available in this datacenter at the moment, please choose another package or datacenter";

    /**
     * Whether cluster listings name each worker's node group (the default). Off, the simulator answers like an
     * API version whose node list lacks the field, which the provider must refuse to guess around.
     */
    public synchronized SimCloud nodesCarryGroupId(boolean carry) {
        nodesCarryGroupId = carry;
        return this;
    }

    /** A cluster with one control-plane node. */
    public synchronized SimCloud addCluster(String identifier, String name, String datacenter) {
        if (clusters.containsKey(identifier)) {
            throw new IllegalArgumentException("cluster " + identifier + " exists");
        }
        long id = ++sequence;
        clusters.put(identifier, new Cluster(identifier, name, datacenter, id));
        newNode(identifier, null, name + "-master", null, datacenter, Duration.ZERO);
        return this;
    }

    /** A node group of a cluster; returns its numeric id. */
    public synchronized long addGroup(String clusterId, String groupName, String boxsizeId) {
        if (!clusters.containsKey(clusterId)) {
            throw new IllegalArgumentException("no cluster " + clusterId);
        }
        long id = ++sequence;
        groups.put(id, new Group(id, uuid(id), groupName, clusterId, boxsizeId));
        return id;
    }

    /** Node groups of a cluster, listed or not yet, with this name: more than one if a client made duplicates. */
    public synchronized List<Long> groupsNamed(String clusterId, String groupName) {
        return groups.values().stream().filter(g -> g.clusterId.equals(clusterId) && g.name.equals(groupName))
                .map(Group::id).toList();
    }

    /** The names of a cluster's node groups, listed or not yet, one per group (a duplicate name shows twice). */
    public synchronized List<String> groupNames(String clusterId) {
        return groups.values().stream().filter(g -> g.clusterId.equals(clusterId)).map(Group::name).toList();
    }

    /** The size of a node group's servers, or null when there is no such group. */
    public synchronized String groupSize(long groupId) {
        Group g = groups.get(groupId);
        return g == null ? null : g.boxsizeId;
    }

    /** A size offered in a datacenter. */
    public synchronized SimCloud addOffer(String datacenter, VpsieWire.OfferDto offer) {
        offers.computeIfAbsent(datacenter, k -> new ArrayList<>()).add(offer);
        return this;
    }

    /** Four general-purpose sizes (2–16 cores), ids 1–4, priced like a small cloud. */
    public synchronized SimCloud addStandardOffers(String datacenter) {
        addOffer(datacenter, new VpsieWire.OfferDto("1", "k8s-2c-4g", 2, 4096, 80, 20.0, 0.03));
        addOffer(datacenter, new VpsieWire.OfferDto("2", "k8s-4c-8g", 4, 8192, 160, 40.0, 0.06));
        addOffer(datacenter, new VpsieWire.OfferDto("3", "k8s-8c-16g", 8, 16384, 320, 80.0, 0.12));
        addOffer(datacenter, new VpsieWire.OfferDto("4", "k8s-16c-32g", 16, 32768, 640, 160.0, 0.24));
        return this;
    }

    /** A worker that exists already, ready now (a cluster's starting state). */
    public synchronized SimNode addExistingWorker(String clusterId, long groupId) throws SimError {
        Group g = group(clusterId, groupId);
        Cluster c = clusters.get(clusterId);
        return newNode(clusterId, groupId, g.name + "-w", g.boxsizeId, c.datacenter, Duration.ZERO);
    }

    // ---- what the HTTP layer calls ----

    synchronized List<VpsieWire.NodeGroupDto> groupsOf(String clusterId) throws SimError {
        Cluster c = cluster(clusterId);
        List<VpsieWire.NodeGroupDto> out = new ArrayList<>();
        List<SimNode> listed = listed();
        Instant now = clock.instant();
        for (Group g : groups.values()) {
            if (g.clusterId.equals(clusterId) && !now.isBefore(groupListedFrom.getOrDefault(g.id, now))) {
                int count = (int) listed.stream().filter(n -> g.id == orZero(n.groupId())).count();
                VpsieWire.OfferDto size = offer(c.datacenter, g.boxsizeId).orElse(null);
                out.add(new VpsieWire.NodeGroupDto(g.id, g.name, g.identifier, g.boxsizeId, c.numericId,
                        c.datacenter, size == null ? null : size.cpu(), size == null ? null : size.ram(),
                        size == null ? null : size.disk(), count, c.numericId, 1L));
            }
        }
        return out;
    }

    /**
     * A node group made through the API. VPSie does not refuse a second group of the same name, so neither does
     * this; the group shows in the listing only after the listing lag, like a new server.
     */
    synchronized long createGroup(String clusterId, String groupName, String kubeSizeId) throws SimError {
        Cluster c = cluster(clusterId);
        if (groupName == null || groupName.isBlank()) {
            throw new SimError(400, "groupName is required");
        }
        if (offer(c.datacenter, kubeSizeId).isEmpty()) {
            throw new SimError(400, "Size " + kubeSizeId + " is not offered in datacenter " + c.datacenter);
        }
        long id = addGroup(clusterId, groupName, kubeSizeId);
        groupListedFrom.put(id, clock.instant().plus(listingLag));
        return id;
    }

    /** Deletes an empty node group; one that still has servers (listed or not) is refused. */
    synchronized void deleteGroup(long groupId) throws SimError {
        purge();
        if (!groups.containsKey(groupId)) {
            throw new SimError(404, "Node group not found");
        }
        if (nodes.values().stream().anyMatch(n -> orZero(n.groupId()) == groupId)) {
            throw new SimError(400, "Node group " + groupId + " still has nodes; delete them first");
        }
        groups.remove(groupId);
        groupListedFrom.remove(groupId);
    }

    synchronized List<VpsieWire.OfferDto> offersIn(String datacenter) throws SimError {
        List<VpsieWire.OfferDto> list = offers.get(datacenter);
        if (list == null) {
            throw new SimError(404, "Datacenter not found");
        }
        return List.copyOf(list);
    }

    synchronized SimNode addWorker(String clusterId, long groupId) throws SimError {
        Group g = group(clusterId, groupId);
        purge();
        long workers = nodes.values().stream().filter(n -> n.clusterId().equals(clusterId) && !n.master()).count();
        if (workers >= maxWorkersPerCluster) {
            throw new SimError(200, "Node count exceeds the allowed limit for your plan");
        }
        String datacenter = clusters.get(clusterId).datacenter;
        if (outOfStock.contains(datacenter + "/" + g.boxsizeId)) {
            throw new SimError(200, OUT_OF_STOCK_MESSAGE);
        }
        return newNode(clusterId, groupId, g.name + "-w", g.boxsizeId, datacenter, readyAfter);
    }

    synchronized void deleteWorker(String clusterId, String identifier) throws SimError {
        cluster(clusterId);
        purge();
        SimNode node = nodes.values().stream()
                .filter(n -> n.clusterId().equals(clusterId) && n.identifier().equals(identifier))
                .findFirst().orElseThrow(() -> new SimError(404, "Node not found"));
        if (node.master()) {
            throw new SimError(400, "The control-plane node cannot be deleted");
        }
        remove(node.id());
    }

    synchronized VpsieWire.ClusterDto clusterWithNodes(String clusterId) throws SimError {
        Cluster c = cluster(clusterId);
        List<VpsieWire.ClusterNodeDto> list = listed().stream()
                .filter(n -> n.clusterId().equals(clusterId)).map(this::nodeDto).toList();
        return new VpsieWire.ClusterDto(c.identifier, c.name, list);
    }

    synchronized List<VpsieWire.ClusterSummaryDto> clusterSummaries() {
        return clusters.values().stream()
                .map(c -> new VpsieWire.ClusterSummaryDto(c.identifier, c.name,
                        (int) listed().stream().filter(n -> n.clusterId().equals(c.identifier)).count()))
                .toList();
    }

    synchronized List<VpsieWire.VmDto> vms() {
        return listed().stream().map(this::vmDto).toList();
    }

    synchronized VpsieWire.VmDto vm(long id) throws SimError {
        SimNode n = listed().stream().filter(x -> x.id() == id).findFirst().orElse(null);
        if (n == null) {
            throw new SimError(404, "VM not found");
        }
        return vmDto(n);
    }

    synchronized void deleteVm(long id) throws SimError {
        purge();
        if (!nodes.containsKey(id)) {
            throw new SimError(404, "VM not found");
        }
        remove(id);
    }

    /** A node as both clients read it: ours the ids and addresses, VPSie's Go client {@code ip}, role and size. */
    synchronized VpsieWire.ClusterNodeDto nodeDto(SimNode n) {
        VpsieWire.OfferDto size = n.boxsizeId() == null ? null : offer(n.datacenter(), n.boxsizeId()).orElse(null);
        return new VpsieWire.ClusterNodeDto(n.id(), n.identifier(), n.hostname(), n.ip(), n.ip(),
                n.master() ? 1 : 2, nodesCarryGroupId ? n.groupId() : null, n.boxsizeId(),
                orZero(datacenterNumericId(n)), status(n), VpsieWire.formatTimestamp(n.createdAt()),
                n.ip(), n.master() ? VpsieWire.ROLE_MASTER : VpsieWire.ROLE_WORKER,
                size == null ? null : size.cpu(), size == null ? null : size.ram(), size == null ? null : size.disk());
    }

    // ---- inspection ----

    /**
     * The workers of a node group, oldest first, whether listed yet or not; servers asked to go are not among them
     * (their machines are stopped even while the listing still shows them).
     */
    public synchronized List<SimNode> workers(String clusterId, long groupId) {
        purge();
        return nodes.values().stream().filter(n -> n.clusterId().equals(clusterId) && orZero(n.groupId()) == groupId)
                .filter(n -> !goneAt.containsKey(n.id()))
                .sorted(Comparator.comparingLong(SimNode::id)).toList();
    }

    /** Every server of every cluster, control-plane nodes included, listed or not, deleting ones included. */
    public synchronized List<SimNode> allNodes() {
        purge();
        return List.copyOf(nodes.values());
    }

    /** A running worker with its group's name and its size: what a kubelet would register. */
    public record RunningWorker(SimNode node, String groupName, VpsieWire.OfferDto offer) {
    }

    /** Workers whose servers are running now (the simulated kubelets register these as Nodes). */
    public synchronized List<RunningWorker> runningWorkers() {
        List<RunningWorker> out = new ArrayList<>();
        purge();
        for (SimNode n : nodes.values()) {
            Group g = n.groupId() == null ? null : groups.get(n.groupId());
            if (g == null || goneAt.containsKey(n.id()) || !"running".equals(n.status(clock.instant()))) {
                continue;
            }
            out.add(new RunningWorker(n, g.name, offer(n.datacenter(), n.boxsizeId()).orElse(null)));
        }
        return out;
    }

    // ---- helpers ----

    private SimNode newNode(String clusterId, Long groupId, String hostPrefix, String boxsize, String datacenter,
                           Duration untilReady) {
        long id = ++sequence;
        var now = clock.instant();
        SimNode node = new SimNode(id, uuid(id), hostPrefix + id, clusterId, groupId, boxsize, datacenter,
                "10.0." + (id / 250) % 250 + "." + (id % 250 + 2), now, now.plus(untilReady));
        nodes.put(id, node);
        // A cluster's starting servers are listed at once; only what is added through the API lags.
        listedFrom.put(id, untilReady.isZero() ? now : now.plus(listingLag));
        return node;
    }

    /** Servers the listings show now: made longer ago than the listing lag, and not yet gone after a delete. */
    private List<SimNode> listed() {
        purge();
        Instant now = clock.instant();
        return nodes.values().stream().filter(n -> !now.isBefore(listedFrom.getOrDefault(n.id(), now))).toList();
    }

    /** Deletes a server: at once, or (with a delete lag) it lists as deleting until the lag has passed. */
    private void remove(long id) {
        if (deleteLag.isZero()) {
            forget(id);
        } else {
            goneAt.putIfAbsent(id, clock.instant().plus(deleteLag));
        }
    }

    /** Drops the servers whose delete lag has passed. */
    private void purge() {
        Instant now = clock.instant();
        List<Long> gone = goneAt.entrySet().stream().filter(e -> !now.isBefore(e.getValue())).map(Map.Entry::getKey)
                .toList();
        gone.forEach(this::forget);
    }

    private void forget(long id) {
        nodes.remove(id);
        listedFrom.remove(id);
        goneAt.remove(id);
    }

    private String status(SimNode n) {
        return goneAt.containsKey(n.id()) ? "deleting" : n.status(clock.instant());
    }

    private static Duration nonNegative(Duration d, String what) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException(what + " must be zero or more, got " + d);
        }
        return d;
    }

    private VpsieWire.VmDto vmDto(SimNode n) {
        return new VpsieWire.VmDto(n.id(), n.identifier(), n.hostname(), status(n), n.ip(),
                n.boxsizeId(), datacenterNumericId(n), VpsieWire.formatTimestamp(n.createdAt()));
    }

    private Long datacenterNumericId(SimNode n) {
        Cluster c = clusters.get(n.clusterId());
        return c == null ? null : (long) Math.abs(c.datacenter.hashCode() % 1000);
    }

    private Cluster cluster(String clusterId) throws SimError {
        Cluster c = clusters.get(clusterId);
        if (c == null) {
            throw new SimError(404, "Cluster not found");
        }
        return c;
    }

    private Group group(String clusterId, long groupId) throws SimError {
        cluster(clusterId);
        Group g = groups.get(groupId);
        if (g == null || !g.clusterId.equals(clusterId)) {
            throw new SimError(404, "Node group not found");
        }
        return g;
    }

    private Optional<VpsieWire.OfferDto> offer(String datacenter, String id) {
        return offers.getOrDefault(datacenter, List.of()).stream().filter(o -> o.id().equals(id)).findFirst();
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }

    /** Sortable by creation, shaped like VPSie's UUID identifiers. */
    private static String uuid(long id) {
        return String.format("%08x-5a1e-4000-8000-%012x", id, id * 2654435761L & 0xffffffffffffL);
    }
}
