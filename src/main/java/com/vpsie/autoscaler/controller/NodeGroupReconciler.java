package com.vpsie.autoscaler.controller;

import com.vpsie.autoscaler.api.v1alpha1.FieldError;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupCondition;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupNodeStatus;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupStatus;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupValidation;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupVpsieGroup;
import com.vpsie.autoscaler.config.ControllerConfig;
import com.vpsie.autoscaler.metrics.AutoscalerMetrics;
import com.vpsie.autoscaler.model.WellKnown;
import com.vpsie.autoscaler.provider.CloudProvider;
import com.vpsie.autoscaler.provider.CreateOutcome;
import com.vpsie.autoscaler.provider.ProviderException;
import com.vpsie.autoscaler.provider.ProviderGroup;
import com.vpsie.autoscaler.provider.ProviderServer;
import com.vpsie.autoscaler.snapshot.ClusterObjectConverter;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Converges one NodeGroup: its servers to the desired size, its drained nodes to deleted, its status
 * to what is true. The only code that creates or deletes servers and deletes Nodes. Each reconcile is
 * a short list of named steps; a step that must survive a crash persists its intent in the status
 * (a {@code Deleting} entry in {@code status.nodes}) before it acts.
 */
public final class NodeGroupReconciler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NodeGroupReconciler.class);

    /** status.nodes[].status of a server or node released from the desired size and being deleted. */
    static final String DELETING = "Deleting";
    /** How soon to look again while something is in flight (booting servers, pending deletions). */
    static final Duration IN_FLIGHT_RECHECK = Duration.ofSeconds(10);
    /** How soon to look again while a requested server is not listed yet: matched as soon as VPSie lists it. */
    static final Duration PENDING_CREATE_RECHECK = Duration.ofSeconds(2);
    /**
     * How long a create whose outcome is unknown (or that a predecessor recorded and may not have sent) waits for
     * its server before it is given up and asked for again. VPSie lists a new server within seconds; this must stay
     * above that listing lag, or a slow listing would cost a second server.
     */
    static final Duration CREATE_SETTLE_TIME = Duration.ofSeconds(60);

    private final ClusterCache cache;
    private final KubernetesClient client;
    private final CloudProvider provider;
    private final StatusWriter statusWriter;
    private final EventRecorder events;
    private final AutoscalerMetrics metrics;
    private final GroupBackoff backoff;
    private final Clock clock;
    private final Duration provisioningTimeout;
    private final String defaultClusterId;
    private final UnavailableOfferings unavailable;
    private final Runnable replan;
    /** Nodes whose provisioning time was already recorded; cleaned when they go. */
    private final Set<String> provisionedSeen = ConcurrentHashMap.newKeySet();
    /**
     * Per group ("namespace/name"), when this process first saw each of its open create requests: a request inherited from an earlier
     * leader is given up only after this process has watched the listing for it for the settle time.
     */
    private final Map<String, Map<String, Instant>> requestsWatchedSince = new ConcurrentHashMap<>();
    /** Per group ("namespace/name"), the generation whose ignored fields have been announced by an Event. */
    private final Map<String, Long> ignoredFieldsAnnounced = new ConcurrentHashMap<>();
    private final NodeGroupFinalizer finalizer;
    /** Groups ("namespace/name") whose finalizer write was refused and said so; cleaned when the group goes. */
    private final Set<String> finalizerRefused = ConcurrentHashMap.newKeySet();
    /** Sends a group's add calls several at a time; closed at shutdown. */
    private final AddCallWaves addCalls = new AddCallWaves();

    public NodeGroupReconciler(ClusterCache cache, KubernetesClient client, CloudProvider provider,
                               StatusWriter statusWriter, EventRecorder events, AutoscalerMetrics metrics,
                               GroupBackoff backoff, Clock clock, Duration provisioningTimeout,
                               String defaultClusterId) {
        this(cache, client, provider, statusWriter, events, metrics, backoff, clock, provisioningTimeout,
                defaultClusterId, new UnavailableOfferings(ControllerConfig.DEFAULT_UNAVAILABLE_OFFERINGS_TTL), () -> { });
    }

    /**
     * @param unavailable the sizes refused for lack of capacity, shared with the snapshot the planner sees
     * @param replan asks for an autoscaling pass at once, so a refused size's nodes are planned elsewhere
     */
    public NodeGroupReconciler(ClusterCache cache, KubernetesClient client, CloudProvider provider,
                               StatusWriter statusWriter, EventRecorder events, AutoscalerMetrics metrics,
                               GroupBackoff backoff, Clock clock, Duration provisioningTimeout,
                               String defaultClusterId, UnavailableOfferings unavailable, Runnable replan) {
        this.unavailable = unavailable;
        this.replan = replan;
        this.cache = cache;
        this.client = client;
        this.provider = provider;
        this.statusWriter = statusWriter;
        this.events = events;
        this.metrics = metrics;
        this.backoff = backoff;
        this.clock = clock;
        this.provisioningTimeout = provisioningTimeout;
        this.defaultClusterId = defaultClusterId;
        this.finalizer = new NodeGroupFinalizer(client);
    }

    /** Add calls not sent yet are not sent; those in flight finish within their deadlines. */
    @Override
    public void close() {
        addCalls.close();
    }

    /** What one reconcile saw: the group, its servers and its registered nodes. */
    private record Observed(NodeGroup group, ProviderGroup target, List<ProviderServer> servers, List<Node> nodes,
                            ServerLinks links) {
    }

    /** Reconciles {@code namespace/name}; returns when to look again, or null. Throws to be retried with back-off. */
    public Duration reconcile(String key) throws ProviderException {
        String namespace = key.substring(0, key.indexOf('/'));
        String name = key.substring(key.indexOf('/') + 1);
        NodeGroup group = cache.nodeGroup(namespace, name);
        if (group == null) {
            forget(key, name);
            provider.forgetGroup(key);
            finalizerRefused.remove(key);
            return null;
        }
        try (LogContext ignored = LogContext.forNodeGroup(key)) {
            long started = System.nanoTime();
            boolean failed = true;
            try {
                Duration again = reconcile(group);
                failed = false;
                return again;
            } finally {
                metrics.reconcile(name, Duration.ofNanos(System.nanoTime() - started), failed);
            }
        }
    }

    private Duration reconcile(NodeGroup group) throws ProviderException {
        if (group.getMetadata().getDeletionTimestamp() != null) {
            return reconcileDeletion(group);
        }
        List<FieldError> problems = NodeGroupValidation.validate(group);
        if (!problems.isEmpty()) {
            markInvalid(group, problems);
            return null;
        }
        announceIgnoredFields(group);
        ensureFinalizer(group);
        Observed seen = observeOrSayWhy(group);
        Instant now = clock.instant();
        labelNodesOfOtherVpsieGroups(seen);
        watchRequests(group, now);
        group = releaseFromDesiredSize(seen, now);
        boolean deleting = deleteReleased(seen, group);
        deleteNodesWithoutServer(seen);
        CreateRound round = createMissingServers(seen, group, now);
        WrittenStatus written = writeStatus(seen, group, round, now);
        reportSettled(seen, written.settled(), now);
        if (round.failure() instanceof ProviderException.OutOfCapacity) {
            reportOutOfCapacity(seen, round, now);
        } else if (round.failure() != null) {
            ProviderException e = round.failure();
            metrics.nodeProvisioningFailed(group.getMetadata().getName(), providerErrorReason(e));
            markProviderError(group, e);
            throw e;
        }
        NodeGroup after = written.group();
        recordProvisioningTimes(seen);
        publishSizes(after != null ? after : group, seen);
        if (written.openRequests() > 0) {
            return PENDING_CREATE_RECHECK;
        }
        boolean inFlight = deleting || round.sent() > 0
                || seen.servers().stream().anyMatch(s -> !ready(seen.links().nodeOf(s)));
        return inFlight ? IN_FLIGHT_RECHECK : null;
    }

    // ---- the finalizer: a NodeGroup's servers go before it does ----

    /**
     * A refused write (RBAC without {@code patch} on nodegroups, an admission webhook) must not stop the group from
     * scaling: it is logged and told once in an Event, and deleting the group will then leave its servers running.
     */
    private void ensureFinalizer(NodeGroup group) {
        if (NodeGroupFinalizer.present(group)) {
            return;
        }
        String key = ns(group) + "/" + group.getMetadata().getName();
        try {
            finalizer.add(group);
            finalizerRefused.remove(key);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 422 || e.getCode() == 409) {
                // read from a copy that is stale by now (our own earlier write, say): the next reconcile sees it
                LOG.debug("NodeGroup {} changed before its finalizer was added; trying again later", key);
                return;
            }
            String message = "cannot add finalizer " + WellKnown.NODEGROUP_FINALIZER + " (" + e.getCode() + " "
                    + (e.getStatus() == null ? e.getMessage() : e.getStatus().getReason()) + "); deleting this "
                    + "NodeGroup now would leave its servers running";
            LOG.warn("NodeGroup {}: {}", key, message);
            if (finalizerRefused.add(key)) {
                events.warning(ref(group), "FinalizerNotAdded", message);
            }
        }
    }

    // ---- deletion: drain the group's nodes, delete its servers and VPSie group(s), then let the object go ----

    /**
     * A NodeGroup being deleted: the autoscaling pass drains its nodes (the planner sees the group as deleting), and
     * this deletes what was drained as for any scale-down, plus every server that never became a Ready node. When
     * no server, node or open create request is left, its VPSie node group is removed and the finalizer with it.
     * With {@code autoscaler.vpsie.com/on-delete: orphan} the servers and nodes stay and the finalizer goes at once.
     */
    private Duration reconcileDeletion(NodeGroup group) throws ProviderException {
        if (!NodeGroupFinalizer.present(group)) {
            return null; // not held by us: nothing of ours to clean up
        }
        String key = ns(group) + "/" + group.getMetadata().getName();
        Map<String, String> annotations = group.getMetadata().getAnnotations();
        if (annotations != null && WellKnown.ON_DELETE_ORPHAN.equals(annotations.get(WellKnown.ON_DELETE_ANNOTATION))) {
            uncordon(cache.nodesOfGroup(group.getMetadata().getName()));
            finalizer.remove(group);
            String message = "NodeGroup deleted with " + WellKnown.ON_DELETE_ANNOTATION + ": "
                    + WellKnown.ON_DELETE_ORPHAN + "; its servers and nodes are kept and no longer autoscaled";
            LOG.info("NodeGroup {}: {}", key, message);
            events.normal(ref(group), "Orphaned", message);
            return null;
        }
        if (group.getSpec() == null) {
            finalizer.remove(group); // no datacenter, no cluster: there is no way to find its servers
            events.warning(ref(group), "Orphaned", "NodeGroup deleted without a spec; its servers, if any, are kept");
            return null;
        }
        String twin = sameNamedGroup(group);
        if (twin != null) {
            // nodes name their group by label alone: this group's nodes cannot be told from the other's
            markDeleting(group, DeletionBlockReporter.BLOCKED, "NodeGroup " + twin + " has the same name; nodes name"
                    + " their group by label alone, so this group's nodes cannot be told from its: delete one of them"
                    + " first, or annotate " + WellKnown.ON_DELETE_ANNOTATION + ": " + WellKnown.ON_DELETE_ORPHAN);
            return IN_FLIGHT_RECHECK;
        }
        Observed seen = observeOrSayWhy(group);
        Instant now = clock.instant();
        watchRequests(group, now);
        cordon(seen.nodes());
        // Open create requests are matched to newly listed servers first: a server released (and so named by its
        // Deleting entry) before it was matched would leave its request open until the provisioning timeout.
        WrittenStatus matched = writeStatus(seen, group, CreateRound.NONE, now);
        reportSettled(seen, matched.settled(), now);
        if (matched.group() != null) {
            seen = new Observed(matched.group(), seen.target(), seen.servers(), seen.nodes(), seen.links());
        }
        group = releaseFromDesiredSize(seen, now);
        deleteReleased(seen, group);
        WrittenStatus written = writeStatus(seen, group, CreateRound.NONE, now);
        reportSettled(seen, written.settled(), now);
        if (!seen.servers().isEmpty() || !seen.nodes().isEmpty() || written.openRequests() > 0) {
            return IN_FLIGHT_RECHECK;
        }
        // The cache may still show a group whose finalizer this process removed a moment ago: the last step is taken
        // on a fresh read, so the VPSie group is not asked to go twice.
        NodeGroup after = client.resources(NodeGroup.class).inNamespace(ns(group))
                .withName(group.getMetadata().getName()).get();
        if (after == null || !NodeGroupFinalizer.present(after)) {
            return null;
        }
        Set<Long> vpsieGroupIds = vpsieGroupsOf(after, key);
        for (Long vpsieGroupId : vpsieGroupIds) {
            try {
                provider.deleteGroup(seen.target(), vpsieGroupId);
                LOG.info("NodeGroup {}: removed its empty VPSie node group {}", key, vpsieGroupId);
            } catch (ProviderException.Transient e) {
                markDeleting(after, DeletionBlockReporter.BLOCKED, "VPSie node group " + vpsieGroupId
                        + " could not be removed yet: " + e.getMessage());
                throw e;
            } catch (ProviderException.Terminal e) {
                // the servers, which cost money, are gone; an empty group that cannot be removed must not keep the
                // NodeGroup from going for ever
                String message = "every server is deleted, but VPSie node group " + vpsieGroupId
                        + " is left in place: " + e.getMessage();
                LOG.warn("NodeGroup {}: {}", key, message);
                events.warning(ref(after), "VpsieGroupNotRemoved", message);
            }
        }
        finalizer.remove(after);
        events.normal(ref(after), "Deleted", "every server of the NodeGroup is deleted"
                + (vpsieGroupIds.isEmpty() ? "" : "; VPSie node group(s) " + vpsieGroupIds + " asked to go"));
        LOG.info("NodeGroup {}: every server is gone; finalizer removed", key);
        return null;
    }

    /**
     * Every VPSie node group of a NodeGroup: the single-offering id, one per offering, and those the provider found or
     * made in this process and may not have recorded yet. A group already removed is gone again: deleting succeeds.
     */
    private Set<Long> vpsieGroupsOf(NodeGroup group, String key) {
        Set<Long> ids = new java.util.TreeSet<>();
        NodeGroupStatus status = group.getStatus();
        if (status != null && status.getVpsieGroupID() != null) {
            ids.add(status.getVpsieGroupID());
        }
        if (status != null && status.getVpsieGroups() != null) {
            status.getVpsieGroups().stream().map(NodeGroupVpsieGroup::getGroupID).filter(java.util.Objects::nonNull)
                    .forEach(ids::add);
        }
        Long known = provider.knownGroupId(key);
        if (known != null) {
            ids.add(known);
        }
        ids.addAll(provider.knownGroupIds(key).values());
        return ids;
    }

    /** Another NodeGroup this controller sees, in another namespace, with the same name ("namespace/name"). */
    private String sameNamedGroup(NodeGroup group) {
        return cache.nodeGroups().stream()
                .filter(g -> g.getMetadata().getName().equals(group.getMetadata().getName())
                        && !ns(g).equals(ns(group)))
                .map(g -> ns(g) + "/" + g.getMetadata().getName()).findFirst().orElse(null);
    }

    private void markDeleting(NodeGroup group, String reason, String message) {
        NodeGroupCondition current = DeletionBlockReporter.condition(group);
        if (current == null || !reason.equals(current.getReason()) || !message.equals(current.getMessage())) {
            LOG.warn("NodeGroup {}/{}: {}", ns(group), group.getMetadata().getName(), message);
            events.warning(ref(group), reason, message);
        }
        statusWriter.update(ns(group), group.getMetadata().getName(), group, s -> {
            s.setConditions(replaceCondition(s.getConditions(), new NodeGroupCondition(NodeGroupCondition.TYPE_DELETING,
                    NodeGroupCondition.STATUS_TRUE, reason, message)));
            return s;
        });
    }

    /**
     * Cordons every node of a group being deleted before any is drained, so pods evicted from one do not land on a
     * sibling that goes next. The annotation tells which cordons are ours, to undo if the servers are kept after all.
     */
    private void cordon(List<Node> nodes) {
        for (Node node : nodes) {
            if (node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable())) {
                continue;
            }
            patchNode(node, "{\"metadata\":{\"annotations\":{\"" + WellKnown.CORDONED_FOR_DELETION_ANNOTATION
                    + "\":\"true\"}},\"spec\":{\"unschedulable\":true}}");
        }
    }

    private void uncordon(List<Node> nodes) {
        for (Node node : nodes) {
            if ("true".equals(annotation(node, WellKnown.CORDONED_FOR_DELETION_ANNOTATION))) {
                patchNode(node, "{\"metadata\":{\"annotations\":{\"" + WellKnown.CORDONED_FOR_DELETION_ANNOTATION
                        + "\":null}},\"spec\":{\"unschedulable\":null}}");
            }
        }
    }

    private void patchNode(Node node, String mergePatch) {
        try {
            client.nodes().withName(node.getMetadata().getName())
                    .patch(PatchContext.of(PatchType.JSON_MERGE), mergePatch);
        } catch (KubernetesClientException e) {
            // the next reconcile tries again; a node that went away needs nothing
            LOG.warn("cannot patch node {}: {}", node.getMetadata().getName(), e.getMessage());
        }
    }

    // ---- step: validate ----

    private void markInvalid(NodeGroup group, List<FieldError> problems) {
        String message = problems.stream().map(FieldError::toString).reduce((a, b) -> a + "; " + b).orElse("");
        LOG.warn("NodeGroup {}/{} is invalid: {}", ns(group), group.getMetadata().getName(), message);
        events.warning(ref(group), "InvalidSpec", message);
        statusWriter.update(ns(group), group.getMetadata().getName(), group, s -> {
            s.setConditions(replaceCondition(s.getConditions(),
                    new NodeGroupCondition(NodeGroupCondition.TYPE_READY, NodeGroupCondition.STATUS_FALSE, "InvalidSpec",
                            message)));
            s.setObservedGeneration(group.getMetadata().getGeneration());
            return s;
        });
    }

    /** One Event per generation naming the fields nothing uses; the status carries them as a condition. */
    private void announceIgnoredFields(NodeGroup group) {
        String key = Controller.key(group);
        List<String> ignored = IgnoredSpecFields.of(group.getSpec());
        if (ignored.isEmpty()) {
            ignoredFieldsAnnounced.remove(key);
            return;
        }
        Long generation = group.getMetadata().getGeneration() == null ? 0L : group.getMetadata().getGeneration();
        if (generation.equals(ignoredFieldsAnnounced.put(key, generation))) {
            return;
        }
        LOG.info("NodeGroup {}: {}", key, IgnoredSpecFields.message(ignored));
        events.warning(ref(group), IgnoredSpecFields.REASON, IgnoredSpecFields.message(ignored));
    }

    // ---- step: observe ----

    private Observed observe(NodeGroup group) throws ProviderException {
        ProviderGroup target = target(group);
        List<ProviderServer> servers = provider.listServers(target);
        List<Node> nodes = cache.nodesOfGroup(group.getMetadata().getName());
        return new Observed(group, target, servers, nodes, new ServerLinks(servers, nodes, provider.providerIdPrefix()));
    }

    /** Observes the group; a provider failure is recorded in its {@code Error} condition and thrown for a retry. */
    private Observed observeOrSayWhy(NodeGroup group) throws ProviderException {
        try {
            return observe(group);
        } catch (ProviderException e) {
            markProviderError(group, e);
            throw e;
        }
    }

    ProviderGroup target(NodeGroup group) {
        var spec = group.getSpec();
        String cluster = spec.getResourceIdentifier() != null ? spec.getResourceIdentifier() : defaultClusterId;
        Long providerGroupId = group.getStatus() == null ? null : group.getStatus().getVpsieGroupID();
        Map<String, Long> offeringGroups = new HashMap<>();
        if (group.getStatus() != null && group.getStatus().getVpsieGroups() != null) {
            for (NodeGroupVpsieGroup g : group.getStatus().getVpsieGroups()) {
                if (g.getOfferingID() != null && g.getGroupID() != null) {
                    offeringGroups.put(g.getOfferingID(), g.getGroupID());
                }
            }
        }
        return new ProviderGroup(ns(group), group.getMetadata().getName(), spec.getDatacenterID(), cluster,
                providerGroupId, spec.getOfferingIDs(), spec.getKubeSizeID(), offeringGroups);
    }

    // ---- step: claim the Nodes of servers made in this NodeGroup's other VPSie groups ----

    /**
     * A server of a VPSie group made for one of the NodeGroup's offerings registers a Node labelled with that VPSie
     * group's name, or with nothing, rather than with the NodeGroup's: such a Node (its server ours by providerID or,
     * without one, by hostname) gets the NodeGroup and offering labels, so the planner and this reconciler count it.
     * A Node that names another existing NodeGroup is left alone.
     */
    private void labelNodesOfOtherVpsieGroups(Observed seen) {
        String name = seen.group().getMetadata().getName();
        for (ProviderServer server : seen.servers()) {
            if (seen.links().nodeOf(server) != null || server.hostname() == null) {
                continue;
            }
            Node node = cache.node(server.hostname());
            if (node == null) {
                continue;
            }
            String pid = node.getSpec() == null ? null : node.getSpec().getProviderID();
            if (pid != null && !pid.isEmpty() && !pid.equals(server.providerId())) {
                continue;
            }
            Map<String, String> labels = node.getMetadata().getLabels();
            String current = labels == null ? null : labels.get(WellKnown.NODEGROUP_LABEL);
            if (current != null && cache.nodeGroup(ns(seen.group()), current) != null) {
                LOG.warn("Node {} of server {} of NodeGroup {} is labelled for NodeGroup {}; not relabelling it",
                        node.getMetadata().getName(), server.id(), seen.target().key(), current);
                continue;
            }
            Map<String, String> patch = new LinkedHashMap<>();
            patch.put(WellKnown.NODEGROUP_LABEL, name);
            if (server.offeringId() != null) {
                patch.put(WellKnown.OFFERING_LABEL, server.offeringId());
            }
            try {
                client.nodes().withName(node.getMetadata().getName()).patch(PatchContext.of(PatchType.JSON_MERGE),
                        Serialization.asJson(Map.of("metadata", Map.of("labels", patch))));
                LOG.info("labelled Node {} (server {}) as a node of NodeGroup {}", node.getMetadata().getName(),
                        server.id(), seen.target().key());
            } catch (KubernetesClientException e) {
                LOG.warn("could not label Node {} for NodeGroup {}, will retry: {}", node.getMetadata().getName(),
                        seen.target().key(), e.getMessage());
            }
        }
    }

    // ---- step: release drained nodes and timed-out servers from the desired size ----

    /**
     * Lowers the desired size by one for every drained node and every server that did not become a Ready
     * node in time, and records each as a {@code Deleting} entry in the same status write. Only then is
     * anything deleted, so a crash in between neither forgets the deletion nor lowers the size twice.
     */
    private NodeGroup releaseFromDesiredSize(Observed seen, Instant now) {
        // a group being deleted gives up at once every server that is not a Ready node: nothing there to drain
        boolean deleting = deleting(seen.group());
        Set<String> released = releasedNames(seen.group());
        List<NodeGroupNodeStatus> drained = new ArrayList<>();
        List<NodeGroupNodeStatus> timedOut = new ArrayList<>();
        for (Node node : seen.nodes()) {
            if (isDrained(node) && !released.contains(node.getMetadata().getName())) {
                drained.add(entry(node.getMetadata().getName(), seen.links().serverOf(node), node));
            }
        }
        for (ProviderServer server : seen.servers()) {
            Node node = seen.links().nodeOf(server);
            String entryName = node != null ? node.getMetadata().getName() : server.hostname();
            boolean late = deleting
                    || server.createdAt() != null && !server.createdAt().plus(provisioningTimeout).isAfter(now);
            if (neverBecameReady(node) && late && !released.contains(entryName)
                    && drained.stream().noneMatch(d -> d.getNodeName().equals(entryName))) {
                timedOut.add(entry(entryName, server, node));
            }
        }
        if (drained.isEmpty() && timedOut.isEmpty()) {
            return seen.group();
        }
        int min = deleting ? 0 : seen.group().getSpec().getMinNodes();
        StatusWriter.Outcome outcome = statusWriter.update(ns(seen.group()), seen.group().getMetadata().getName(),
                seen.group(), s -> {
                    Set<String> already = namesWithStatus(s, DELETING);
                    List<NodeGroupNodeStatus> nodes = s.getNodes() == null ? new ArrayList<>() : new ArrayList<>(s.getNodes());
                    int desired = currentDesired(s, seen);
                    for (NodeGroupNodeStatus e : concat(drained, timedOut)) {
                        if (already.contains(e.getNodeName())) {
                            continue; // another writer released it meanwhile
                        }
                        nodes.removeIf(n -> Objects.equals(n.getNodeName(), e.getNodeName()));
                        nodes.add(e);
                        desired = Math.max(min, desired - 1);
                    }
                    s.setNodes(sorted(nodes));
                    s.setDesiredNodes(desired);
                    if (!drained.isEmpty()) {
                        s.setLastScaleDownTime(StatusMerge.format(now));
                        s.setLastScaleTime(StatusMerge.format(now));
                    }
                    return s;
                });
        if (deleting) {
            timedOut.forEach(t -> LOG.info("NodeGroup {} is being deleted: deleting server {}, which is not a Ready "
                    + "node", seen.target().key(), t.getNodeName()));
            return outcome.group() != null ? outcome.group() : seen.group();
        }
        for (NodeGroupNodeStatus t : timedOut) {
            String message = "server " + t.getNodeName() + " did not become a Ready node within " + provisioningTimeout
                    + "; deleting it and giving back the requested size";
            LOG.warn("NodeGroup {}: {}", seen.target().key(), message);
            events.warning(ref(seen.group()), "ScaleUpTimedOut", message);
            metrics.nodeProvisioningFailed(seen.group().getMetadata().getName(), "TimedOut");
        }
        if (!timedOut.isEmpty()) {
            // one failed scale-up, however many of its servers timed out together
            backoff.failed(Controller.key(seen.group()), "ScaleUpTimedOut", now);
        }
        return outcome.group() != null ? outcome.group() : seen.group();
    }

    private static NodeGroupNodeStatus entry(String name, ProviderServer server, Node node) {
        NodeGroupNodeStatus e = new NodeGroupNodeStatus();
        e.setNodeName(name);
        e.setStatus(DELETING);
        if (server != null) {
            e.setVpsID(numericId(server.id()));
            e.setInstanceType(server.offeringId());
            e.setCreatedAt(server.createdAt() == null ? null : StatusMerge.format(server.createdAt()));
            e.setIpAddress(server.ipAddress());
        }
        return e;
    }

    // ---- step: delete what was released: the server by name, then the Node ----

    /** Returns whether deletions are still under way (something released is still there). */
    private boolean deleteReleased(Observed seen, NodeGroup group) {
        Set<String> released = releasedNames(group);
        boolean pending = false;
        for (String name : released) {
            Node node = seen.nodes().stream().filter(n -> n.getMetadata().getName().equals(name)).findFirst()
                    .orElse(null);
            ProviderServer server = node != null ? seen.links().serverOf(node)
                    : seen.servers().stream().filter(s -> name.equals(s.hostname())).findFirst().orElse(null);
            if (node == null && server == null) {
                continue; // both gone: the status write below drops the entry
            }
            pending = true;
            try {
                boolean serverDeletedNow = false;
                // a server the provider lists as deleting was asked to go already: asking again is a second delete
                if (server != null && server.state() != ProviderServer.State.DELETING) {
                    provider.deleteServer(seen.target(), server.id());
                    serverDeletedNow = true;
                    LOG.info("deleted server {} ({}) of NodeGroup {}", server.id(), name, seen.target().key());
                }
                if (node != null) {
                    boolean deleted = !client.nodes().withName(name).delete().isEmpty();
                    // The cloud's node lifecycle (or the kubelet going away) may remove the Node between our server
                    // delete and our Node delete; the scale-down is ours all the same, and counted once: a later
                    // pass no longer sees the Node.
                    if ((deleted || serverDeletedNow) && isDrained(node)) {
                        recordScaleDown(seen, node);
                    }
                }
            } catch (ProviderException e) {
                LOG.warn("deleting server of {} in NodeGroup {} failed, will retry: {}", name, seen.target().key(),
                        e.getMessage());
            }
        }
        return pending;
    }

    private void recordScaleDown(Observed seen, Node node) {
        String group = seen.group().getMetadata().getName();
        String reason = annotation(node, WellKnown.DRAIN_REASON_ANNOTATION);
        events.normal(InvolvedObject.of(node),
                "ScaleDown", "node removed by vpsie-autoscaler" + (reason == null ? "" : " (" + reason + ")"));
        Instant startedAt = StatusMerge.parse(annotation(node, WellKnown.DRAIN_STARTED_ANNOTATION));
        metrics.scaleDown(group, startedAt == null ? null : Duration.between(startedAt, clock.instant()));
    }

    // ---- step: Nodes whose server is gone ----

    /** A Node of ours whose server the provider no longer has, and that is NotReady, is a leftover. */
    private void deleteNodesWithoutServer(Observed seen) {
        Set<String> released = releasedNames(seen.group());
        for (Node node : seen.nodes()) {
            String pid = node.getSpec() == null ? null : node.getSpec().getProviderID();
            boolean ours = pid != null && pid.startsWith(provider.providerIdPrefix());
            Instant created = StatusMerge.parse(node.getMetadata().getCreationTimestamp());
            // a node that registered moments ago may belong to a server the provider does not list yet
            boolean settled = created != null && created.plus(Duration.ofMinutes(2)).isBefore(clock.instant());
            if (ours && settled && seen.links().serverOf(node) == null && !ready(node)
                    && !released.contains(node.getMetadata().getName())) {
                LOG.info("deleting Node {}: its server is gone from NodeGroup {}", node.getMetadata().getName(),
                        seen.target().key());
                client.nodes().withName(node.getMetadata().getName()).delete();
            }
        }
    }

    // ---- step: create missing servers ----

    /**
     * What the create step did: per request id the add call's outcome, the requests recorded but never sent (or
     * certainly refused), and the provider failure that stopped it, if any.
     */
    private record CreateRound(Map<String, CreateOutcome> outcomes, Set<String> dropped, ProviderException failure,
                               String offering) {
        static final CreateRound NONE = new CreateRound(Map.of(), Set.of(), null, null);

        int sent() {
            return outcomes.size();
        }

        /**
         * Requests given back to the desired size: those the cloud refused for lack of capacity (and the ones not
         * sent after it), so the planner can place their pods on another offering or group.
         */
        int released() {
            return failure instanceof ProviderException.OutOfCapacity ? dropped.size() : 0;
        }
    }

    /**
     * Asks for every missing server at once. Each request is first recorded durably (a {@code Creating} entry in
     * {@code status.nodes} with its request id, all in one status write), then its add call is sent; the server
     * is matched to the request when the cloud lists it, by this process or by a new leader after a crash, so a
     * request never makes a second server and waiting for the listing is not a failure.
     */
    private CreateRound createMissingServers(Observed seen, NodeGroup group, Instant now) {
        var spec = group.getSpec();
        List<ProviderServer> listed = activeServers(seen, group);
        PendingCreates.Settled settled = PendingCreates.settle(group.getStatus() == null ? null
                : group.getStatus().getNodes(), listed, server -> nameOf(seen, server), Set.of(), watched(group), now,
                CREATE_SETTLE_TIME, provisioningTimeout);
        long active = listed.size() + settled.open().size();
        int desired = clamp(currentDesired(group.getStatus(), seen), spec.getMinNodes(), spec.getMaxNodes());
        long missing = Math.min(desired, spec.getMaxNodes()) - active;
        if (missing <= 0) {
            return CreateRound.NONE;
        }
        String name = group.getMetadata().getName();
        String key = Controller.key(group);
        if (backoff.backedOff(key, now) && active >= spec.getMinNodes()) {
            LOG.info("NodeGroup {} is backed off after {}; not creating {} server(s) now", seen.target().key(),
                    backoff.reason(key, now), missing);
            return CreateRound.NONE;
        }
        String offering = offeringToRequest(group, now);
        if (offering == null) {
            LOG.info("NodeGroup {}: every offering it may use is out of capacity in datacenter {}; not creating {} "
                    + "server(s) now", seen.target().key(), spec.getDatacenterID(), missing);
            return CreateRound.NONE;
        }
        // the offerings the planner chose, in order; a server the plan did not size (the minimum, a replacement), or
        // whose planned offering has run out of capacity since, gets the one above
        List<String> planned = group.getStatus() == null || group.getStatus().getPlannedOfferings() == null
                ? List.of() : group.getStatus().getPlannedOfferings();
        int taken = (int) Math.min(missing, planned.size());
        List<NodeGroupNodeStatus> requests = new ArrayList<>();
        for (int i = 0; i < missing; i++) {
            String chosen = i < taken && spec.getOfferingIDs().contains(planned.get(i))
                    && unavailable.unavailableUntil(spec.getDatacenterID(), planned.get(i), now) == null
                    ? planned.get(i) : offering;
            NodeGroupNodeStatus e = new NodeGroupNodeStatus();
            e.setRequestID(group.getMetadata().getUid() + "/" + now.toEpochMilli() + "/" + (i + 1));
            e.setStatus(PendingCreates.CREATING);
            e.setInstanceType(chosen);
            e.setCreatedAt(StatusMerge.format(now));
            requests.add(e);
        }
        // An offering whose VPSie group is still being made (or cannot be) asks for nothing yet: no request is
        // recorded that could not be sent.
        try {
            for (String wanted : requests.stream().map(NodeGroupNodeStatus::getInstanceType).distinct().toList()) {
                provider.prepareOffering(seen.target(), wanted);
            }
        } catch (ProviderException e) {
            return new CreateRound(Map.of(), Set.of(), e, offering);
        }
        // The intent first: a crash after an add call then leaves a record a successor adopts the server by. The
        // planned offerings these requests took go in the same write, so none is used twice.
        StatusWriter.Outcome recorded = statusWriter.update(ns(group), name, group, s -> {
            List<NodeGroupNodeStatus> nodes = s.getNodes() == null ? new ArrayList<>() : new ArrayList<>(s.getNodes());
            nodes.addAll(requests);
            s.setNodes(sorted(nodes));
            s.setPlannedOfferings(withoutFirst(s.getPlannedOfferings(), taken));
            return s;
        });
        if (!recorded.written()) {
            LOG.info("NodeGroup {} is gone or its status could not record the creates; not creating now",
                    seen.target().key());
            return CreateRound.NONE;
        }
        Map<String, Instant> since = requestsWatchedSince.computeIfAbsent(key, n -> new ConcurrentHashMap<>());
        requests.forEach(r -> since.put(r.getRequestID(), now));
        Map<String, String> offeringOf = new HashMap<>();
        requests.forEach(r -> offeringOf.put(r.getRequestID(), r.getInstanceType()));
        AddCallWaves.Result sent = addCalls.send(requests.stream().map(NodeGroupNodeStatus::getRequestID).toList(),
                id -> {
                    // on the pool's thread: its log lines still name the group
                    try (LogContext ignored = LogContext.forNodeGroup(key)) {
                        return provider.requestServer(seen.target(), offeringOf.get(id), id);
                    }
                });
        sent.outcomes().values().forEach(outcome -> {
            if (outcome instanceof CreateOutcome.Created c) {
                LOG.info("created server {} ({}) for NodeGroup {}", c.server().id(), c.server().hostname(),
                        seen.target().key());
            }
        });
        // the first refusal in request order is the round's failure, as when the calls went one at a time
        ProviderException failure = sent.refusals().values().stream().findFirst().orElse(null);
        String refused = offering;
        for (Map.Entry<String, ProviderException> r : sent.refusals().entrySet()) {
            if (r.getValue() instanceof ProviderException.OutOfCapacity) {
                // before the status write below, so its OfferingUnavailable condition already says so
                unavailable.refused(spec.getDatacenterID(), offeringOf.get(r.getKey()), now);
                if (r.getValue() == failure) {
                    refused = offeringOf.get(r.getKey());
                }
            }
        }
        Map<String, CreateOutcome> outcomes = sent.outcomes();
        Set<String> dropped = sent.dropped();
        LOG.info("NodeGroup {}: {} add call(s) sent for {} missing server(s)", seen.target().key(), outcomes.size(),
                missing);
        return new CreateRound(outcomes, dropped, failure, refused);
    }

    /**
     * The offering new servers are asked for: the group's first candidate (the preferred one first, the others only
     * when mixing is allowed) that the cloud has not refused for lack of capacity, or null when all were refused.
     */
    private String offeringToRequest(NodeGroup group, Instant now) {
        String datacenter = group.getSpec().getDatacenterID();
        for (String candidate : ClusterObjectConverter.toNodeGroupInfo(group).candidateOfferings()) {
            if (unavailable.unavailableUntil(datacenter, candidate, now) == null) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * VPSie refused the size for lack of capacity. The size was marked unavailable in that datacenter when refused and
     * the refused requests given back to the desired size (in the status write); this tells it (Event, counter) and
     * asks for a pass at once, so their pods are planned on another offering or group instead of waiting out the
     * provisioning timeout.
     */
    private void reportOutOfCapacity(Observed seen, CreateRound round, Instant now) {
        String name = seen.group().getMetadata().getName();
        String datacenter = seen.group().getSpec().getDatacenterID();
        Instant until = unavailable.unavailableUntil(datacenter, round.offering(), now);
        String message = "VPSie has no capacity for offering " + round.offering() + " in datacenter " + datacenter
                + ": skipping it until " + (until == null ? "unknown" : StatusMerge.format(until)) + "; " + round.released()
                + " requested node(s) given back for another offering or group (" + round.failure().getMessage() + ")";
        LOG.warn("NodeGroup {}: {}", seen.target().key(), message);
        events.warning(ref(seen.group()), "OfferingUnavailable", message);
        metrics.nodeProvisioningFailed(name, "OutOfCapacity");
        replan.run();
    }

    private List<ProviderServer> activeServers(Observed seen, NodeGroup group) {
        Set<String> released = releasedNames(group);
        return seen.servers().stream().filter(s -> !released.contains(nameOf(seen, s))).toList();
    }

    /**
     * A server matched to its request after its Node was released fills in that Deleting entry, so the next status
     * write knows the server and no later request takes it as its own.
     */
    private void recordServersOfReleasedEntries(List<NodeGroupNodeStatus> entries, Collection<ProviderServer> matched,
                                                Observed seen) {
        for (ProviderServer server : matched) {
            String name = nameOf(seen, server);
            for (NodeGroupNodeStatus e : entries) {
                if (name.equals(e.getNodeName()) && PendingCreates.releasedBeforeListed(e)) {
                    e.setVpsID(numericId(server.id()));
                    e.setInstanceType(server.offeringId());
                    e.setCreatedAt(StatusMerge.format(server.createdAt() == null ? clock.instant() : server.createdAt()));
                    e.setIpAddress(server.ipAddress());
                }
            }
        }
    }

    /** Says what became of requests whose server never appeared. */
    private void reportSettled(Observed seen, PendingCreates.Settled settled, Instant now) {
        if (settled == null) {
            return;
        }
        settled.matched().forEach((request, server) -> LOG.info("NodeGroup {}: server {} ({}) is the one asked for "
                + "by request {}", seen.target().key(), server.id(), server.hostname(), request));
        for (NodeGroupNodeStatus e : settled.unconfirmed()) {
            String message = "no server appeared within " + CREATE_SETTLE_TIME + " for create request "
                    + e.getRequestID() + " whose outcome was unknown; asking again";
            LOG.warn("NodeGroup {}: {}", seen.target().key(), message);
            events.warning(ref(seen.group()), "CreateNotConfirmed", message);
        }
        for (NodeGroupNodeStatus e : settled.timedOut()) {
            String message = "VPSie accepted create request " + e.getRequestID() + " but listed no server for it "
                    + "within " + provisioningTimeout + "; giving the request up";
            LOG.warn("NodeGroup {}: {}", seen.target().key(), message);
            events.warning(ref(seen.group()), "ScaleUpTimedOut", message);
            metrics.nodeProvisioningFailed(seen.group().getMetadata().getName(), "TimedOut");
        }
        if (!settled.timedOut().isEmpty()) {
            backoff.failed(Controller.key(seen.group()), "ScaleUpTimedOut", now);
        }
    }

    // ---- step: write status ----

    /** The stored group after the write, the open create requests in it, and what became of the others. */
    private record WrittenStatus(NodeGroup group, int openRequests, PendingCreates.Settled settled) {
    }

    private WrittenStatus writeStatus(Observed seen, NodeGroup group, CreateRound round, Instant now) {
        var spec = group.getSpec();
        List<ProviderServer> listed = activeServers(seen, group);
        List<ProviderServer> named = round.outcomes().values().stream()
                .filter(o -> o instanceof CreateOutcome.Created).map(o -> ((CreateOutcome.Created) o).server())
                .toList();
        AtomicReference<PendingCreates.Settled> settledRef = new AtomicReference<>();
        Set<String> stillThere = new HashSet<>();
        seen.nodes().forEach(n -> stillThere.add(n.getMetadata().getName()));
        seen.servers().forEach(s -> stillThere.add(nameOf(seen, s)));
        int registered = seen.nodes().size();
        int readyNodes = (int) seen.nodes().stream().filter(NodeGroupReconciler::ready).count();
        String backedOff = backoff.reason(Controller.key(group), now);
        List<String> ignored = IgnoredSpecFields.of(spec);
        NodeGroupCondition offeringCondition = offeringCondition(spec.getDatacenterID(), spec.getOfferingIDs(), now);
        boolean deleting = deleting(group);
        StatusWriter.Outcome outcome = statusWriter.update(ns(group), group.getMetadata().getName(), group, s -> {
            int desired = deleting ? 0
                    : clamp(currentDesired(s, seen) - round.released(), spec.getMinNodes(), spec.getMaxNodes());
            Set<String> released = namesWithStatus(s, DELETING);
            List<NodeGroupNodeStatus> nodes = new ArrayList<>();
            if (s.getNodes() != null) {
                for (NodeGroupNodeStatus e : s.getNodes()) {
                    if (DELETING.equals(e.getStatus()) && stillThere.contains(e.getNodeName())) {
                        nodes.add(e);
                    }
                }
            }
            Set<String> entered = new HashSet<>();
            for (ProviderServer server : seen.servers()) {
                String nodeName = nameOf(seen, server);
                if (!released.contains(nodeName)) {
                    nodes.add(serverEntry(server, seen.links().nodeOf(server), nodeName));
                    entered.add(server.id());
                }
            }
            for (ProviderServer server : named) {
                if (entered.add(server.id())) {
                    nodes.add(serverEntry(server, null, server.hostname())); // named by VPSie, not listed yet
                }
            }
            // every listed server, released ones too: one released before it was listed may be a request's result
            PendingCreates.Settled settled = PendingCreates.settle(withOutcomes(s.getNodes(), round), seen.servers(),
                    server -> nameOf(seen, server), named.stream().map(ProviderServer::hostname).toList(),
                    watched(group), now, CREATE_SETTLE_TIME, provisioningTimeout);
            settledRef.set(settled);
            nodes.addAll(settled.open());
            recordServersOfReleasedEntries(nodes, settled.matched().values(), seen);
            s.setNodes(sorted(nodes));
            s.setDesiredNodes(desired);
            s.setCurrentNodes(registered);
            s.setReadyNodes(readyNodes);
            s.setObservedGeneration(group.getMetadata().getGeneration());
            if (s.getVpsieGroupID() == null && spec.getOfferingIDs().size() == 1) {
                // found by name this time; recorded, so a restart need not look it up and the operator sees it
                s.setVpsieGroupID(provider.knownGroupId(seen.target().key()));
            }
            s.setVpsieGroups(withKnownGroups(s.getVpsieGroups(), provider.knownGroupIds(seen.target().key())));
            // planned offerings beyond what is still to be asked for belong to a size that was lowered since
            int toAsk = Math.max(0, desired - listed.size() - settled.open().size());
            List<String> planned = s.getPlannedOfferings();
            if (planned != null && planned.size() > toAsk) {
                s.setPlannedOfferings(toAsk == 0 ? null : List.copyOf(planned.subList(0, toAsk)));
            }
            List<NodeGroupCondition> conditions = new ArrayList<>();
            conditions.add(new NodeGroupCondition(NodeGroupCondition.TYPE_READY, NodeGroupCondition.STATUS_TRUE,
                    "Reconciled", readyNodes + " of " + desired + " nodes ready"));
            boolean scaling = round.sent() > 0 || nodes.stream().anyMatch(e -> !"Ready".equals(e.getStatus()));
            conditions.add(new NodeGroupCondition(NodeGroupCondition.TYPE_SCALING,
                    scaling ? NodeGroupCondition.STATUS_TRUE : NodeGroupCondition.STATUS_FALSE,
                    scaling ? "NodesInFlight" : "Stable", scaling ? "servers are being created or deleted" : ""));
            conditions.add(backedOff != null
                    ? new NodeGroupCondition(NodeGroupCondition.TYPE_ERROR, NodeGroupCondition.STATUS_TRUE, backedOff,
                            "scale-up is backed off after " + backedOff)
                    : new NodeGroupCondition(NodeGroupCondition.TYPE_ERROR, NodeGroupCondition.STATUS_FALSE, "NoError", ""));
            conditions.add(capacity(NodeGroupCondition.TYPE_AT_MIN_CAPACITY, desired <= spec.getMinNodes()));
            conditions.add(capacity(NodeGroupCondition.TYPE_AT_MAX_CAPACITY, desired >= spec.getMaxNodes()));
            conditions.add(offeringCondition);
            if (!ignored.isEmpty()) {
                conditions.add(new NodeGroupCondition(IgnoredSpecFields.CONDITION_TYPE, NodeGroupCondition.STATUS_TRUE,
                        IgnoredSpecFields.REASON, IgnoredSpecFields.message(ignored)));
            }
            if (s.getConditions() != null) { // the autoscaling pass owns this one: keep it as it wrote it
                s.getConditions().stream().filter(c -> NodeGroupCondition.TYPE_USAGE_MEASURED.equals(c.getType()))
                        .forEach(conditions::add);
            }
            if (deleting) {
                conditions.add(deletingCondition(s, registered, seen.servers().size()));
            }
            s.setConditions(conditions);
            return s;
        });
        PendingCreates.Settled settled = settledRef.get();
        return new WrittenStatus(outcome.group(), settled == null ? 0 : settled.open().size(),
                outcome.written() ? settled : null);
    }

    /**
     * The stored entries with this pass's add calls applied: a request the cloud refused (or that was never sent)
     * is dropped, one it named the server of is done (that server has its own entry), one it accepted is
     * {@code Requested}; one whose outcome is unknown stays {@code Creating}.
     */
    private static List<NodeGroupNodeStatus> withOutcomes(List<NodeGroupNodeStatus> stored, CreateRound round) {
        List<NodeGroupNodeStatus> out = new ArrayList<>();
        if (stored == null) {
            return out;
        }
        for (NodeGroupNodeStatus e : stored) {
            if (!PendingCreates.isPending(e)) {
                out.add(e);
                continue;
            }
            String id = e.getRequestID();
            CreateOutcome outcome = round.outcomes().get(id);
            if (round.dropped().contains(id) || outcome instanceof CreateOutcome.Created) {
                continue;
            }
            if (outcome instanceof CreateOutcome.Accepted) {
                e.setStatus(PendingCreates.REQUESTED);
            }
            out.add(e);
        }
        return out;
    }

    /** The stored per-offering groups with the ones the provider found or made added; none is ever dropped here. */
    private static List<NodeGroupVpsieGroup> withKnownGroups(List<NodeGroupVpsieGroup> stored, Map<String, Long> known) {
        Map<String, Long> all = new java.util.TreeMap<>();
        if (stored != null) {
            stored.stream().filter(g -> g.getOfferingID() != null && g.getGroupID() != null)
                    .forEach(g -> all.put(g.getOfferingID(), g.getGroupID()));
        }
        all.putAll(known);
        if (all.isEmpty()) {
            return stored;
        }
        List<NodeGroupVpsieGroup> out = new ArrayList<>();
        all.forEach((offering, id) -> out.add(new NodeGroupVpsieGroup(offering, id)));
        return out;
    }

    private static List<String> withoutFirst(List<String> list, int n) {
        if (list == null || n <= 0) {
            return list;
        }
        return list.size() <= n ? null : List.copyOf(list.subList(n, list.size()));
    }

    /** Which of the group's offerings VPSie refuses in its datacenter for lack of capacity, and until when. */
    private NodeGroupCondition offeringCondition(String datacenter, List<String> offerings, Instant now) {
        Map<String, Instant> refused = unavailable.unavailableOf(datacenter, offerings == null ? List.of() : offerings,
                now);
        if (refused.isEmpty()) {
            return new NodeGroupCondition(NodeGroupCondition.TYPE_OFFERING_UNAVAILABLE, NodeGroupCondition.STATUS_FALSE,
                    "Available", "");
        }
        StringBuilder message = new StringBuilder();
        refused.forEach((offering, until) -> message.append(message.length() == 0 ? "" : "; ").append("offering ")
                .append(offering).append(" out of capacity in datacenter ").append(datacenter).append(" until ")
                .append(StatusMerge.format(until)));
        return new NodeGroupCondition(NodeGroupCondition.TYPE_OFFERING_UNAVAILABLE, NodeGroupCondition.STATUS_TRUE,
                "OutOfCapacity", message.toString());
    }

    /** What blocks the deletion, as the autoscaling pass last said; else how much is left. */
    private static NodeGroupCondition deletingCondition(NodeGroupStatus s, int nodes, int servers) {
        if (s.getConditions() != null) {
            for (NodeGroupCondition c : s.getConditions()) {
                if (NodeGroupCondition.TYPE_DELETING.equals(c.getType())
                        && DeletionBlockReporter.BLOCKED.equals(c.getReason())) {
                    return c;
                }
            }
        }
        return new NodeGroupCondition(NodeGroupCondition.TYPE_DELETING, NodeGroupCondition.STATUS_TRUE,
                DeletionBlockReporter.DRAINING, "draining " + nodes + " node(s); " + servers + " server(s) left");
    }

    private static boolean deleting(NodeGroup group) {
        return group.getMetadata().getDeletionTimestamp() != null;
    }

    private static NodeGroupCondition capacity(String type, boolean at) {
        return new NodeGroupCondition(type, at ? NodeGroupCondition.STATUS_TRUE : NodeGroupCondition.STATUS_FALSE,
                at ? "Reached" : "NotReached", "");
    }

    private static NodeGroupNodeStatus serverEntry(ProviderServer server, Node node, String nodeName) {
        NodeGroupNodeStatus e = new NodeGroupNodeStatus();
        e.setNodeName(nodeName);
        e.setVpsID(numericId(server.id()));
        e.setInstanceType(server.offeringId());
        e.setCreatedAt(server.createdAt() == null ? null : StatusMerge.format(server.createdAt()));
        e.setIpAddress(server.ipAddress());
        if (ready(node)) {
            e.setStatus("Ready");
            Instant readyAt = readySince(node);
            e.setReadyAt(readyAt == null ? null : StatusMerge.format(readyAt));
        } else if (node != null) {
            e.setStatus("NotReady");
        } else {
            e.setStatus(server.state() == ProviderServer.State.FAILED ? "Failed" : "Provisioning");
        }
        return e;
    }

    private void markProviderError(NodeGroup group, ProviderException e) {
        String reason = providerErrorReason(e);
        if (e instanceof ProviderException.Terminal) {
            backoff.failed(Controller.key(group), reason, clock.instant());
        }
        statusWriter.update(ns(group), group.getMetadata().getName(), group, s -> {
            s.setConditions(replaceCondition(s.getConditions(), new NodeGroupCondition(NodeGroupCondition.TYPE_ERROR,
                    NodeGroupCondition.STATUS_TRUE, reason, e.getMessage())));
            return s;
        });
    }

    private static String providerErrorReason(ProviderException e) {
        return e instanceof ProviderException.Terminal ? "ProviderRejected" : "ProviderUnavailable";
    }

    // ---- bookkeeping ----

    private void recordProvisioningTimes(Observed seen) {
        for (ProviderServer server : seen.servers()) {
            Node node = seen.links().nodeOf(server);
            if (ready(node) && server.createdAt() != null && provisionedSeen.add(node.getMetadata().getName())) {
                Instant readyAt = readySince(node);
                // conditions carry whole seconds: a node ready within the server's first second reads as earlier
                if (readyAt != null && !readyAt.isBefore(server.createdAt().truncatedTo(ChronoUnit.SECONDS))) {
                    Duration took = Duration.between(server.createdAt(), readyAt);
                    metrics.nodeProvisioned(seen.group().getMetadata().getName(),
                            took.isNegative() ? Duration.ZERO : took);
                }
            }
        }
    }

    private void publishSizes(NodeGroup group, Observed seen) {
        var spec = group.getSpec();
        NodeGroupStatus s = group.getStatus();
        int desired = s == null || s.getDesiredNodes() == null ? 0 : s.getDesiredNodes();
        metrics.nodeGroupSizes(group.getMetadata().getName(), spec.getMinNodes(), spec.getMaxNodes(), desired,
                seen.nodes().size(), (int) seen.nodes().stream().filter(NodeGroupReconciler::ready).count());
    }

    /** Notes the open requests seen for the first time now, and forgets those no longer open. */
    private void watchRequests(NodeGroup group, Instant now) {
        Set<String> open = new HashSet<>();
        if (group.getStatus() != null && group.getStatus().getNodes() != null) {
            group.getStatus().getNodes().stream().filter(PendingCreates::isPending)
                    .forEach(e -> open.add(e.getRequestID()));
        }
        String key = Controller.key(group);
        if (open.isEmpty()) {
            requestsWatchedSince.remove(key);
            return;
        }
        Map<String, Instant> since = requestsWatchedSince.computeIfAbsent(key, n -> new ConcurrentHashMap<>());
        since.keySet().retainAll(open);
        open.forEach(id -> since.putIfAbsent(id, now));
    }

    private Map<String, Instant> watched(NodeGroup group) {
        return requestsWatchedSince.getOrDefault(Controller.key(group), Map.of());
    }

    /**
     * Drops every piece of state kept for the group {@code key} ("namespace/name") that is gone. Its series are
     * labelled by name alone, so they stay while a same-named group of another namespace is still managed here.
     */
    private void forget(String key, String name) {
        requestsWatchedSince.remove(key);
        ignoredFieldsAnnounced.remove(key);
        backoff.forget(key);
        if (cache.nodeGroups().stream().noneMatch(g -> name.equals(g.getMetadata().getName()))) {
            metrics.forgetNodeGroup(name);
        }
    }

    /** Forgets per-node state of nodes that no longer exist. */
    public void retainNodes(Set<String> liveNodes) {
        provisionedSeen.retainAll(liveNodes);
    }

    private static int currentDesired(NodeGroupStatus s, Observed seen) {
        if (s != null && s.getDesiredNodes() != null) {
            return s.getDesiredNodes();
        }
        // a group seen for the first time keeps what exists (min and max are applied by the caller)
        return Math.max(seen.servers().size(), seen.nodes().size());
    }

    private static String nameOf(Observed seen, ProviderServer server) {
        Node node = seen.links().nodeOf(server);
        return node != null ? node.getMetadata().getName() : server.hostname();
    }

    static Set<String> releasedNames(NodeGroup group) {
        return namesWithStatus(group.getStatus(), DELETING);
    }

    private static Set<String> namesWithStatus(NodeGroupStatus status, String value) {
        Set<String> names = new HashSet<>();
        if (status != null && status.getNodes() != null) {
            for (NodeGroupNodeStatus e : status.getNodes()) {
                if (value.equals(e.getStatus())) {
                    names.add(e.getNodeName());
                }
            }
        }
        return names;
    }

    static boolean isDrained(Node node) {
        return WellKnown.DRAIN_STATE_DRAINED.equals(annotation(node, WellKnown.DRAIN_STATE_ANNOTATION));
    }

    private static String annotation(Node node, String key) {
        Map<String, String> a = node.getMetadata().getAnnotations();
        return a == null ? null : a.get(key);
    }

    /**
     * No Node yet, or a Node that has been NotReady since it registered (its Ready condition last changed
     * within a minute of its creation). A node that was Ready and broke later is not a failed scale-up:
     * the scale-down planner deals with long-unready nodes.
     */
    static boolean neverBecameReady(Node node) {
        if (node == null) {
            return true;
        }
        if (ready(node)) {
            return false;
        }
        NodeCondition c = readyCondition(node);
        Instant created = StatusMerge.parse(node.getMetadata().getCreationTimestamp());
        Instant changed = c == null ? null : StatusMerge.parse(c.getLastTransitionTime());
        return changed == null || created == null || !changed.isAfter(created.plusSeconds(60));
    }

    static boolean ready(Node node) {
        return readyCondition(node) != null && "True".equals(readyCondition(node).getStatus());
    }

    private static NodeCondition readyCondition(Node node) {
        if (node == null || node.getStatus() == null || node.getStatus().getConditions() == null) {
            return null;
        }
        return node.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst()
                .orElse(null);
    }

    private static Instant readySince(Node node) {
        NodeCondition c = readyCondition(node);
        return c == null ? null : StatusMerge.parse(c.getLastTransitionTime());
    }

    private static int clamp(int value, int min, int max) {
        return Math.max(min, Math.min(max, value));
    }

    private static Long numericId(String id) {
        try {
            return id == null ? null : Long.valueOf(id);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static List<NodeGroupNodeStatus> sorted(List<NodeGroupNodeStatus> nodes) {
        nodes.sort(Comparator.comparing(NodeGroupNodeStatus::getNodeName, Comparator.nullsLast(Comparator.naturalOrder())));
        return nodes;
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    static List<NodeGroupCondition> replaceCondition(List<NodeGroupCondition> conditions, NodeGroupCondition c) {
        List<NodeGroupCondition> out = conditions == null ? new ArrayList<>() : new ArrayList<>(conditions);
        out.removeIf(o -> Objects.equals(o.getType(), c.getType()));
        out.add(c);
        return out;
    }

    private static String ns(NodeGroup group) {
        return group.getMetadata().getNamespace();
    }

    static InvolvedObject ref(NodeGroup group) {
        return InvolvedObject.of(group);
    }
}
