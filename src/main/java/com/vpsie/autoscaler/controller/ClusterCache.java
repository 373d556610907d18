package com.vpsie.autoscaler.controller;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.model.WellKnown;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read-only caches of the objects the controller watches: NodeGroups (in the configured namespaces,
 * or all), Nodes, Pods, PodDisruptionBudgets and DaemonSets (whose pods new nodes will run). What it hands
 * out belongs to the informers: callers must copy before changing anything. Pods are held as
 * {@link CachedPod}s (identity and the decision core's view), Nodes and PDBs in their {@link CachedForm}:
 * what the controller reads, not the whole object.
 */
public final class ClusterCache implements AutoCloseable {

    private static final String BY_GROUP = "byNodeGroup";
    private static final String BY_NODE = "byNode";
    /**
     * Pods per page of the pod informer's list, as client-go's reflector pages (500). fabric8 lists everything
     * in one response by default, and each whole pod is about 33 KB of heap until the item store trims it, so
     * one unpaged list of 30,000 pods would need about 1 GB at start, far above the image's heap cap. The price:
     * with a limit fabric8 no longer asks for {@code resourceVersion=0} (the API server's watch cache, which
     * ignores limits), so the start-up list is a consistent read, page by page.
     */
    static final long POD_LIST_PAGE = 500;

    private static final Logger LOG = LoggerFactory.getLogger(ClusterCache.class);

    private final KubernetesClient client;
    /** The last failure of each informer, by what it lists; shown while it has not synced. */
    private final Map<String, String> lastErrors = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<String> namespaces;
    private final List<SharedIndexInformer<NodeGroup>> nodeGroupInformers = new ArrayList<>();
    private SharedIndexInformer<Node> nodeInformer;
    private SharedIndexInformer<Pod> podInformer;
    private SharedIndexInformer<PodDisruptionBudget> pdbInformer;
    private SharedIndexInformer<DaemonSet> daemonSetInformer;

    public ClusterCache(KubernetesClient client, List<String> namespaces) {
        this.client = client;
        this.namespaces = List.copyOf(namespaces);
    }

    /** Starts every informer; handlers see every add, update and delete from then on. */
    public void start(ResourceEventHandler<NodeGroup> onNodeGroup, ResourceEventHandler<Node> onNode,
                      ResourceEventHandler<Pod> onPod) {
        if (namespaces.isEmpty()) {
            nodeGroupInformers.add(client.resources(NodeGroup.class).inAnyNamespace().runnableInformer(0));
        } else {
            for (String ns : namespaces) {
                nodeGroupInformers.add(client.resources(NodeGroup.class).inNamespace(ns).runnableInformer(0));
            }
        }
        nodeInformer = client.nodes().runnableInformer(0).itemStore(new TrimmingItemStore<>(CachedForm::node));
        nodeInformer.addIndexers(Map.of(BY_GROUP, node -> {
            String group = node.getMetadata().getLabels() == null ? null
                    : node.getMetadata().getLabels().get(WellKnown.NODEGROUP_LABEL);
            return group == null ? List.of() : List.of(group);
        }));
        podInformer = client.pods().inAnyNamespace().withLimit(POD_LIST_PAGE).runnableInformer(0)
                .itemStore(new TrimmingItemStore<>(CachedPod::of))
                // Nothing looks pods up by namespace; the index would hold one more entry per pod.
                .removeNamespaceIndex();
        podInformer.addIndexers(Map.of(BY_NODE, ClusterCache::nodeNameOf));
        pdbInformer = client.policy().v1().podDisruptionBudget().inAnyNamespace().runnableInformer(0)
                .itemStore(new TrimmingItemStore<>(CachedForm::pdb));
        daemonSetInformer = client.apps().daemonSets().inAnyNamespace().runnableInformer(0);

        retryAlways(named());
        nodeGroupInformers.forEach(i -> i.addEventHandler(onNodeGroup));
        nodeInformer.addEventHandler(onNode);
        podInformer.addEventHandler(onPod);
        nodeGroupInformers.forEach(SharedIndexInformer::start);
        nodeInformer.start();
        podInformer.start();
        pdbInformer.start();
        daemonSetInformer.start();
    }

    /** Ready = every cache has listed once. */
    public boolean synced() {
        return nodeInformer != null && nodeInformer.hasSynced() && podInformer.hasSynced() && pdbInformer.hasSynced()
                && daemonSetInformer.hasSynced()
                && nodeGroupInformers.stream().allMatch(SharedIndexInformer::hasSynced);
    }

    /** Why the caches are not synced yet, naming each cache that has not listed and its last error. */
    public String notSyncedReason() {
        List<String> waiting = new ArrayList<>();
        named().forEach((what, informer) -> {
            if (!informer.hasSynced()) {
                String error = lastErrors.get(what);
                waiting.add(what + (error == null ? " (listing)" : " (last list failed: " + error + ")"));
            }
        });
        return waiting.isEmpty() ? "informer caches synced" : "informer caches not synced yet: " + String.join(", ", waiting);
    }

    private Map<String, SharedIndexInformer<?>> named() {
        Map<String, SharedIndexInformer<?>> all = new java.util.LinkedHashMap<>();
        for (int i = 0; i < nodeGroupInformers.size(); i++) {
            all.put("nodegroups" + (namespaces.isEmpty() ? "" : " in " + namespaces.get(i)), nodeGroupInformers.get(i));
        }
        if (nodeInformer != null) {
            all.put("nodes", nodeInformer);
            all.put("pods", podInformer);
            all.put("poddisruptionbudgets", pdbInformer);
        }
        return all;
    }

    /**
     * fabric8 gives up on an informer whose first list fails (no retry before it has synced once): the cache would
     * stay empty and unsynced until a restart, and say nothing. Every failure is retried (with fabric8's growing
     * wait, at most about half a minute), logged, and kept for {@link #notSyncedReason()}.
     */
    private void retryAlways(Map<String, SharedIndexInformer<?>> informers) {
        informers.forEach((what, informer) -> informer.exceptionHandler((started, error) -> {
            String text = error.getClass().getSimpleName() + (error.getMessage() == null ? "" : ": " + error.getMessage());
            lastErrors.put(what, text);
            LOG.warn("{} {} failed, retrying: {}", what, started ? "watch" : "list", text);
            return true;
        }));
    }

    /** Waits up to {@code millis} for {@link #synced()}. */
    public boolean awaitSynced(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!synced()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    public List<NodeGroup> nodeGroups() {
        List<NodeGroup> all = new ArrayList<>();
        nodeGroupInformers.forEach(i -> all.addAll(i.getStore().list()));
        return all;
    }

    public NodeGroup nodeGroup(String namespace, String name) {
        for (SharedIndexInformer<NodeGroup> i : nodeGroupInformers) {
            NodeGroup g = i.getStore().getByKey(namespace + "/" + name);
            if (g != null) {
                return g;
            }
        }
        return null;
    }

    public List<Node> nodes() {
        return nodeInformer.getStore().list();
    }

    public Node node(String name) {
        return nodeInformer.getStore().getByKey(name);
    }

    public List<Node> nodesOfGroup(String group) {
        return nodeInformer.getIndexer().byIndex(BY_GROUP, group);
    }

    /** Every pod, as {@link CachedPod}s. */
    public List<Pod> pods() {
        return podInformer.getStore().list();
    }

    public List<Pod> podsOnNode(String node) {
        return podInformer.getIndexer().byIndex(BY_NODE, node);
    }

    /** Indexes both the cached form and the pod as it arrives, which the informer indexes before it stores it. */
    private static List<String> nodeNameOf(Pod pod) {
        String node = pod instanceof CachedPod c ? c.nodeName()
                : pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        return node == null || node.isEmpty() ? List.of() : List.of(node);
    }

    public List<PodDisruptionBudget> pdbs() {
        return pdbInformer.getStore().list();
    }

    public List<DaemonSet> daemonSets() {
        return daemonSetInformer.getStore().list();
    }

    @Override
    public void close() {
        nodeGroupInformers.forEach(SharedIndexInformer::close);
        if (nodeInformer != null) {
            nodeInformer.close();
            podInformer.close();
            pdbInformer.close();
            daemonSetInformer.close();
        }
    }
}
