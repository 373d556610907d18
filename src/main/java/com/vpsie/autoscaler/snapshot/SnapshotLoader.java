package com.vpsie.autoscaler.snapshot;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupCondition;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupNodeStatus;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupSpec;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupStatus;
import com.vpsie.autoscaler.api.v1alpha1.ScaleDownPolicySpec;
import com.vpsie.autoscaler.api.v1alpha1.ScaleUpPolicySpec;
import com.vpsie.autoscaler.model.ClusterSnapshot;
import com.vpsie.autoscaler.model.DaemonSetInfo;
import com.vpsie.autoscaler.model.NodeGroupInfo;
import com.vpsie.autoscaler.model.NodeInfo;
import com.vpsie.autoscaler.model.Offering;
import com.vpsie.autoscaler.model.PdbInfo;
import com.vpsie.autoscaler.model.PodInfo;
import com.vpsie.autoscaler.model.WellKnown;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a snapshot file: what {@code kubectl get nodes,pods,pdb,nodegroups -A -o yaml} (or {@code -o json})
 * prints, or hand-written YAML with many documents. Nodes, Pods, policy/v1 PodDisruptionBudgets, apps/v1
 * DaemonSets and NodeGroups are read; other kinds are skipped with a warning. Every problem in the file is reported at once, one line
 * each, as {@code <file>: <Kind> <namespace/name>: <field>: <problem>}.
 */
public final class SnapshotLoader {

    private enum Kind {
        NODE("Node", "v1", false, Node.class),
        POD("Pod", "v1", true, Pod.class),
        PDB("PodDisruptionBudget", "policy/v1", true, PodDisruptionBudget.class),
        DAEMON_SET("DaemonSet", "apps/v1", true, DaemonSet.class),
        NODE_GROUP(NodeGroup.KIND, NodeGroup.API_VERSION, true, NodeGroup.class);

        final String name;
        final String apiVersion;
        final boolean namespaced;
        final Class<? extends HasMetadata> type;

        Kind(String name, String apiVersion, boolean namespaced, Class<? extends HasMetadata> type) {
            this.name = name;
            this.apiVersion = apiVersion;
            this.namespaced = namespaced;
            this.type = type;
        }

        static Kind named(String name) {
            for (Kind k : values()) {
                if (k.name.equals(name)) {
                    return k;
                }
            }
            return null;
        }
    }

    /** Our NodeGroup beans ignore unknown fields (for the informer); here they are reported, since a typo hides. */
    @JsonIgnoreProperties(ignoreUnknown = false)
    private abstract static class ReportUnknownFields {
    }

    private static final ObjectMapper MAPPER = kubernetesMapper();

    private SnapshotLoader() {
    }

    public static LoadedSnapshot load(Path file, List<Offering> offerings) {
        return parse(file.toString(), Documents.read(file), offerings);
    }

    /** {@code source} names the input in messages, usually the file name. */
    public static LoadedSnapshot parse(String source, String content, List<Offering> offerings) {
        return new Pass(source, offerings == null ? List.of() : offerings).run(content);
    }

    private static ObjectMapper kubernetesMapper() {
        ObjectMapper mapper = new ObjectMapper();
        new KubernetesSerialization(mapper, false); // configures the mapper as fabric8's client does
        for (Class<?> bean : List.of(NodeGroupSpec.class, ScaleUpPolicySpec.class, ScaleDownPolicySpec.class,
                NodeGroupStatus.class, NodeGroupNodeStatus.class, NodeGroupCondition.class)) {
            mapper.addMixIn(bean, ReportUnknownFields.class);
        }
        return mapper;
    }

    /** The state of reading one file. */
    private static final class Pass {
        private final String source;
        private final List<Offering> offerings;
        private final List<String> errors = new ArrayList<>();
        private final List<String> warnings = new ArrayList<>();
        private final Map<String, String> seen = new HashMap<>();
        private final Map<String, String> groupNamespaces = new HashMap<>();
        private final List<NodeInfo> nodes = new ArrayList<>();
        private final List<PodInfo> pods = new ArrayList<>();
        private final List<PdbInfo> pdbs = new ArrayList<>();
        private final List<DaemonSetInfo> daemonSets = new ArrayList<>();
        private final List<NodeGroupInfo> groups = new ArrayList<>();

        Pass(String source, List<Offering> offerings) {
            this.source = source;
            this.offerings = offerings;
        }

        LoadedSnapshot run(String content) {
            for (Documents.Document doc : Documents.parse(source, content)) {
                document(doc);
            }
            if (!errors.isEmpty()) {
                throw new SnapshotException(errors);
            }
            crossCheck();
            ClusterSnapshot snapshot = new ClusterSnapshot(nodes, pods, pdbs, groups, offerings, daemonSets);
            return new LoadedSnapshot(snapshot, warnings);
        }

        private void document(Documents.Document doc) {
            String where = "document " + doc.number();
            JsonNode node = doc.node();
            if (node.isArray()) {
                items(where, node);
                return;
            }
            if (!node.isObject()) {
                errors.add(source + ": " + where + ": expected a Kubernetes object, found " + shape(node));
                return;
            }
            String kind = text(node.get("kind"));
            if (kind != null && kind.endsWith("List") && node.has("items")) {
                JsonNode items = node.get("items");
                if (items.isNull()) {
                    return;
                }
                if (!items.isArray()) {
                    errors.add(source + ": " + where + ": items: expected a list, found " + shape(items));
                    return;
                }
                items(where, items);
                return;
            }
            object(where, node);
        }

        private void items(String where, JsonNode items) {
            for (int i = 0; i < items.size(); i++) {
                String itemWhere = where + ", items[" + i + "]";
                JsonNode item = items.get(i);
                if (!item.isObject()) {
                    errors.add(source + ": " + itemWhere + ": expected a Kubernetes object, found " + shape(item));
                } else {
                    object(itemWhere, item);
                }
            }
        }

        private void object(String where, JsonNode node) {
            String kindName = text(node.get("kind"));
            if (kindName == null || kindName.isEmpty()) {
                errors.add(source + ": " + where + ": kind: required");
                return;
            }
            Kind kind = Kind.named(kindName);
            JsonNode metadata = node.get("metadata");
            String name = metadata == null ? null : text(metadata.get("name"));
            String namespace = metadata == null ? null : text(metadata.get("namespace"));
            // An unknown kind is shown as written: whether it is namespaced is not known here.
            boolean namespaced = kind == null ? namespace != null && !namespace.isEmpty() : kind.namespaced;
            if (namespaced && (namespace == null || namespace.isEmpty())) {
                namespace = "default";
            }
            String label = name == null || name.isEmpty() ? kindName + " (" + where + ")"
                    : kindName + " " + (namespaced ? namespace + "/" + name : name);
            if (kind == null) {
                warnings.add(source + ": " + label
                        + ": skipped; only Node, Pod, PodDisruptionBudget, DaemonSet and NodeGroup objects are read");
                return;
            }
            String apiVersion = text(node.get("apiVersion"));
            if (apiVersion != null && !apiVersion.equals(kind.apiVersion)) {
                warnings.add(source + ": " + label + ": skipped; apiVersion " + apiVersion + " is not read (expected "
                        + kind.apiVersion + ")");
                return;
            }
            if (name == null || name.isEmpty()) {
                errors.add(source + ": " + label + ": metadata.name: required");
                return;
            }
            String key = kind.name + " " + (namespaced ? namespace + "/" : "") + name;
            String first = seen.putIfAbsent(key, where);
            if (first != null) {
                errors.add(source + ": " + label + ": metadata.name: duplicate; the same " + kind.name
                        + " is also in " + first);
                return;
            }
            if (kind == Kind.NODE_GROUP && !uniqueGroupName(label, name, namespace)) {
                return;
            }
            ObjectNode copy = ((ObjectNode) node).deepCopy();
            if (namespaced) {
                ((ObjectNode) copy.get("metadata")).put("namespace", namespace);
            }
            String nullEntry = firstNullListEntry(copy, "");
            if (nullEntry != null) {
                errors.add(source + ": " + label + ": " + nullEntry + ": empty list entry");
                return;
            }
            HasMetadata typed = read(copy, kind, label);
            if (typed == null) {
                return;
            }
            try {
                switch (kind) {
                    case NODE:
                        nodes.add(ClusterObjectConverter.toNodeInfo((Node) typed));
                        break;
                    case POD:
                        pods.add(ClusterObjectConverter.toPodInfo((Pod) typed));
                        break;
                    case PDB:
                        pdbs.add(ClusterObjectConverter.toPdbInfo((PodDisruptionBudget) typed));
                        break;
                    case DAEMON_SET:
                        daemonSets.add(ClusterObjectConverter.toDaemonSetInfo((DaemonSet) typed));
                        break;
                    case NODE_GROUP:
                        groups.add(ClusterObjectConverter.toNodeGroupInfo((NodeGroup) typed));
                        break;
                    default:
                        throw new IllegalStateException(kind.name);
                }
            } catch (SnapshotException e) {
                for (String problem : e.problems()) {
                    errors.add(source + ": " + problem);
                }
            }
        }

        /** Nodes name their group by the nodegroup label alone, so a group name may exist in one namespace only. */
        private boolean uniqueGroupName(String label, String name, String namespace) {
            String other = groupNamespaces.putIfAbsent(name, namespace);
            if (other != null && !other.equals(namespace)) {
                errors.add(source + ": " + label + ": metadata.name: NodeGroup " + other + "/" + name
                        + " has the same name; nodes name their group by the label " + WellKnown.NODEGROUP_LABEL
                        + " alone, so NodeGroup names must be unique across namespaces");
                return false;
            }
            return true;
        }

        private HasMetadata read(ObjectNode node, Kind kind, String label) {
            DeserializationProblemHandler unknownFields = new DeserializationProblemHandler() {
                @Override
                public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p,
                                                     JsonDeserializer<?> deserializer, Object bean, String property)
                        throws IOException {
                    warnings.add(source + ": " + label + ": " + JsonProblems.path(p.getParsingContext())
                            + ": unknown field, ignored");
                    p.skipChildren();
                    return true;
                }
            };
            try {
                return MAPPER.readerFor(kind.type).withHandler(unknownFields).readValue(node);
            } catch (JsonMappingException e) {
                String path = JsonProblems.path(e);
                errors.add(source + ": " + label + ": " + (path.isEmpty() ? "document" : path) + ": "
                        + JsonProblems.problem(e));
            } catch (JsonProcessingException e) {
                errors.add(source + ": " + label + ": " + JsonProblems.problem(e));
            } catch (IOException e) {
                errors.add(source + ": " + label + ": cannot read: " + e.getMessage());
            }
            return null;
        }

        /** "- " with nothing after it; the API server never returns one, and the model cannot hold it. */
        private static String firstNullListEntry(JsonNode node, String path) {
            if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    String at = path + "[" + i + "]";
                    if (node.get(i).isNull()) {
                        return at;
                    }
                    String inner = firstNullListEntry(node.get(i), at);
                    if (inner != null) {
                        return inner;
                    }
                }
            } else if (node.isObject()) {
                for (Map.Entry<String, JsonNode> e : node.properties()) {
                    String inner = firstNullListEntry(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey());
                    if (inner != null) {
                        return inner;
                    }
                }
            }
            return null;
        }

        /** References the planner cannot resolve; not fatal, since a dump is not taken at a single instant. */
        private void crossCheck() {
            Set<String> nodeNames = new HashSet<>();
            for (NodeInfo n : nodes) {
                nodeNames.add(n.name());
            }
            Set<String> groupNames = new HashSet<>();
            for (NodeGroupInfo g : groups) {
                groupNames.add(g.name());
            }
            Set<String> offeringIds = new HashSet<>();
            for (Offering o : offerings) {
                offeringIds.add(o.id());
            }
            for (NodeInfo n : nodes) {
                if (n.nodeGroup() != null && !groupNames.contains(n.nodeGroup())) {
                    warnings.add(source + ": Node " + n.name() + ": metadata.labels." + WellKnown.NODEGROUP_LABEL
                            + ": no NodeGroup named '" + n.nodeGroup() + "' in the snapshot; the node is not scaled");
                }
            }
            // Without offerings the caller already knows nothing can be sized; one note per id would be noise.
            for (NodeGroupInfo g : offerings.isEmpty() ? List.<NodeGroupInfo>of() : groups) {
                for (int i = 0; i < g.offeringIds().size(); i++) {
                    if (!offeringIds.contains(g.offeringIds().get(i))) {
                        warnings.add(source + ": NodeGroup " + g.namespace() + "/" + g.name() + ": spec.offeringIDs["
                                + i + "]: offering '" + g.offeringIds().get(i)
                                + "' is not in the offerings list; new nodes of it cannot be planned");
                    }
                }
            }
            for (PodInfo p : pods) {
                if (p.nodeName() != null && !nodeNames.contains(p.nodeName())) {
                    warnings.add(source + ": Pod " + p.key() + ": spec.nodeName: no Node named '" + p.nodeName()
                            + "' in the snapshot");
                }
            }
        }

        private static String text(JsonNode node) {
            return node == null || node.isNull() || node.isContainerNode() ? null : node.asText();
        }

        private static String shape(JsonNode node) {
            if (node.isArray()) {
                return "a list";
            }
            if (node.isObject()) {
                return "an object";
            }
            return "'" + node.asText() + "'";
        }
    }
}
