package com.vpsie.autoscaler.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vpsie.autoscaler.model.ClusterSnapshot;
import com.vpsie.autoscaler.model.Offering;
import com.vpsie.autoscaler.model.PodInfo;
import com.vpsie.autoscaler.model.Resources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotLoaderTest {

    private static final long MI = 1024L * 1024;
    private static final List<Offering> OFFERINGS = List.of(
            new Offering("vps-2c-4g", new Resources(2000, 4096 * MI, 0, 110), 0.03));

    private static LoadedSnapshot load(String content) {
        return SnapshotLoader.parse("snap.yaml", content, OFFERINGS);
    }

    private static List<String> problems(String content) {
        try {
            load(content);
        } catch (SnapshotException e) {
            return e.problems();
        }
        throw new AssertionError("expected the snapshot to be rejected");
    }

    static final String NODE = """
            apiVersion: v1
            kind: Node
            metadata:
              name: general-1
              labels: {autoscaler.vpsie.com/nodegroup: general}
            status:
              allocatable: {cpu: "2", memory: 4Gi, pods: "110"}
              conditions: [{type: Ready, status: "True"}]
            """;
    static final String POD = """
            apiVersion: v1
            kind: Pod
            metadata: {name: web-1, namespace: shop, labels: {app: web}}
            spec:
              nodeName: general-1
              containers: [{name: web, resources: {requests: {cpu: 500m, memory: 1Gi}}}]
            status: {phase: Running}
            """;
    static final String PDB = """
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata: {name: web, namespace: shop}
            spec: {minAvailable: 1, selector: {matchLabels: {app: web}}}
            status: {disruptionsAllowed: 0}
            """;
    static final String GROUP = """
            apiVersion: autoscaler.vpsie.com/v1alpha1
            kind: NodeGroup
            metadata: {name: general, namespace: vpsie-system}
            spec: {minNodes: 1, maxNodes: 3, datacenterID: us-ny-1, offeringIDs: [vps-2c-4g]}
            status: {desiredNodes: 1}
            """;

    @Test
    void multiDocumentYaml() {
        LoadedSnapshot loaded = load("# a comment\n---\n" + NODE + "---\n" + POD + "---\n" + PDB + "---\n" + GROUP);
        ClusterSnapshot s = loaded.snapshot();
        assertThat(loaded.warnings()).isEmpty();
        assertThat(s.nodes()).singleElement().satisfies(n -> {
            assertThat(n.name()).isEqualTo("general-1");
            assertThat(n.allocatable()).isEqualTo(new Resources(2000, 4096 * MI, 0, 110));
            assertThat(n.ready()).isTrue();
        });
        PodInfo pod = s.podsOn("general-1").get(0);
        assertThat(pod.key()).isEqualTo("shop/web-1");
        assertThat(pod.requests()).isEqualTo(new Resources(500, 1024 * MI, 0, 1));
        assertThat(s.pdbs()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("shop/web");
            assertThat(p.covers(pod)).isTrue();
            assertThat(p.disruptionsAllowed()).isZero();
        });
        assertThat(s.nodeGroups().get("general").desiredNodes()).isEqualTo(1);
        assertThat(s.nodesOf("general")).hasSize(1);
        assertThat(s.offerings()).containsOnlyKeys("vps-2c-4g");
    }

    @Test
    void jsonList() {
        String json = """
                {"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": [
                  {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"}},
                  {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p1", "namespace": "default"},
                   "spec": {"containers": [{"name": "c", "resources": {"requests": {"cpu": "250m"}}}]}}
                ]}
                """;
        ClusterSnapshot s = SnapshotLoader.parse("snap.json", json, List.of()).snapshot();
        assertThat(s.nodes()).extracting(n -> n.name()).containsExactly("n1");
        assertThat(s.pods()).extracting(PodInfo::key).containsExactly("default/p1");
        assertThat(s.pods().get(0).requests().cpuMillis()).isEqualTo(250);
    }

    @Test
    void jsonSingleObject() {
        String json = """
                {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1",
                 "creationTimestamp": "2026-11-01T08:00:00Z"}, "spec": {"unschedulable": true}}
                """;
        ClusterSnapshot s = SnapshotLoader.parse("node.json", json, List.of()).snapshot();
        assertThat(s.nodes()).singleElement().satisfies(n -> assertThat(n.unschedulable()).isTrue());
    }

    @Test
    void aYamlDocumentMayBeAListAndTypedListsWorkToo() {
        String yaml = "apiVersion: v1\nkind: List\nitems:\n" + (NODE + "---\n").replace("---\n", "").indent(2)
                .replaceFirst("  apiVersion", "- apiVersion")
                + "---\napiVersion: v1\nkind: PodList\nitems:\n" + POD.indent(2).replaceFirst("  apiVersion", "- apiVersion");
        LoadedSnapshot loaded = load(yaml);
        assertThat(loaded.snapshot().nodes()).hasSize(1);
        assertThat(loaded.snapshot().pods()).hasSize(1);
    }

    @Test
    void otherKindsAreSkippedWithAWarning() {
        LoadedSnapshot loaded = load(NODE + """
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: shop}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: shop}
                ---
                apiVersion: policy/v1beta1
                kind: PodDisruptionBudget
                metadata: {name: old, namespace: shop}
                ---
                apiVersion: autoscaler.vpsie.io/v1alpha1
                kind: NodeGroup
                metadata: {name: general, namespace: default}
                """ + "---\n" + GROUP);
        assertThat(loaded.warnings()).containsExactly(
                "snap.yaml: Service shop/web: skipped; only Node, Pod, PodDisruptionBudget, DaemonSet and NodeGroup objects are read",
                "snap.yaml: Namespace shop: skipped; only Node, Pod, PodDisruptionBudget, DaemonSet and NodeGroup objects are read",
                "snap.yaml: PodDisruptionBudget shop/old: skipped; apiVersion policy/v1beta1 is not read"
                        + " (expected policy/v1)",
                "snap.yaml: NodeGroup default/general: skipped; apiVersion autoscaler.vpsie.io/v1alpha1 is not read"
                        + " (expected autoscaler.vpsie.com/v1alpha1)");
        assertThat(loaded.snapshot().nodes()).hasSize(1);
        assertThat(loaded.snapshot().nodeGroups()).containsOnlyKeys("general");
    }

    @Test
    void aMissingNamespaceIsDefault() {
        ClusterSnapshot s = load("""
                apiVersion: v1
                kind: Pod
                metadata: {name: lonely}
                spec: {containers: [{name: c}]}
                """).snapshot();
        assertThat(s.pods().get(0).key()).isEqualTo("default/lonely");
    }

    @Test
    void emptyDocumentsAreSkippedButCounted() {
        List<String> problems = problems("---\n---\n" + NODE + "---\n\n---\napiVersion: v1\nkind: Pod\n");
        assertThat(problems).containsExactly("snap.yaml: Pod (document 4): metadata.name: required");
    }

    @Test
    void anEmptyFileIsAnEmptySnapshot() {
        ClusterSnapshot s = load("# nothing here\n").snapshot();
        assertThat(s.nodes()).isEmpty();
        assertThat(s.pods()).isEmpty();
    }

    // ---- errors: <file>: <Kind> <namespace/name>: <field>: <problem>

    @Test
    void unparseableQuantity() {
        assertThat(problems(POD.replace("cpu: 500m", "cpu: abc"))).containsExactly(
                "snap.yaml: Pod shop/web-1: spec.containers[0].resources.requests.cpu: cannot parse quantity 'abc'");
    }

    @Test
    void wrongTypeOfValue() {
        assertThat(problems(POD.replace("nodeName: general-1", "priority: high"))).containsExactly(
                "snap.yaml: Pod shop/web-1: spec.priority: cannot read 'high' as an integer");
        assertThat(problems(POD.replace("containers: [", "containers: 3\n  x: ["))).containsExactly(
                "snap.yaml: Pod shop/web-1: spec.containers: expected a list");
        assertThat(problems(GROUP.replace("minNodes: 1", "minNodes: one"))).containsExactly(
                "snap.yaml: NodeGroup vpsie-system/general: spec.minNodes: cannot read 'one' as an integer");
        assertThat(problems(NODE.replace("labels: {", "labels: [").replace("general}", "general]"))).containsExactly(
                "snap.yaml: Node general-1: metadata.labels: expected a map");
        assertThat(problems(POD.replace("cpu: 500m", "cpu: [500m]"))).containsExactly(
                "snap.yaml: Pod shop/web-1: spec.containers[0].resources.requests.cpu: expected a quantity such as"
                        + " 500m or 1Gi");
        assertThat(problems(GROUP.replace("maxNodes: 3,", "maxNodes: 3, allowMixedInstances: maybe,")))
                .containsExactly("snap.yaml: NodeGroup vpsie-system/general: spec.allowMixedInstances: cannot read"
                        + " 'maybe' as true or false");
    }

    @Test
    void missingKindOrName() {
        assertThat(problems("apiVersion: v1\nmetadata: {name: x}\n"))
                .containsExactly("snap.yaml: document 1: kind: required");
        assertThat(problems(NODE + "---\napiVersion: v1\nkind: Node\nmetadata: {labels: {a: b}}\n"))
                .containsExactly("snap.yaml: Node (document 2): metadata.name: required");
        assertThat(problems("kind: List\nitems:\n  - kind: Pod\n    metadata: {namespace: shop}\n"))
                .containsExactly("snap.yaml: Pod (document 1, items[0]): metadata.name: required");
    }

    @Test
    void notAnObject() {
        assertThat(problems("just a string\n"))
                .containsExactly("snap.yaml: document 1: expected a Kubernetes object, found 'just a string'");
        assertThat(problems("kind: List\nitems: {a: b}\n"))
                .containsExactly("snap.yaml: document 1: items: expected a list, found an object");
    }

    @Test
    void yamlSyntaxError() {
        assertThat(problems("kind: Node\nmetadata:\n  name: a\n   bad: indentation\n")).singleElement()
                .satisfies(p -> assertThat(p).startsWith("snap.yaml: line 4, column "));
    }

    @Test
    void jsonSyntaxError() {
        assertThatThrownBy(() -> SnapshotLoader.parse("snap.json", "{\"kind\": \"Node\", \"metadata\": {", List.of()))
                .isInstanceOf(SnapshotException.class)
                .hasMessageStartingWith("snap.json: line 1, column ")
                .hasMessageContaining("end-of-input");
    }

    @Test
    void duplicateKeysAreAnError() {
        assertThat(problems("kind: Node\nkind: Pod\n")).singleElement()
                .satisfies(p -> assertThat(p).startsWith("snap.yaml: line 2").contains("Duplicate field 'kind'"));
    }

    @Test
    void duplicateObjects() {
        assertThat(problems(NODE + "---\n" + POD + "---\n" + POD.replace("app: web", "app: api"))).containsExactly(
                "snap.yaml: Pod shop/web-1: metadata.name: duplicate; the same Pod is also in document 2");
        assertThat(problems("kind: List\nitems:\n" + (NODE.indent(2).replaceFirst("  apiVersion", "- apiVersion"))
                + NODE.indent(2).replaceFirst("  apiVersion", "- apiVersion")))
                .containsExactly("snap.yaml: Node general-1: metadata.name: duplicate; the same Node is also in"
                        + " document 1, items[0]");
    }

    @Test
    void theSameNameInAnotherNamespaceOrKindIsNoDuplicate() {
        LoadedSnapshot loaded = load(POD + "---\n" + POD.replace("namespace: shop", "namespace: other")
                + "---\n" + PDB + "---\n" + PDB.replace("name: web,", "name: web-1,"));
        assertThat(loaded.snapshot().pods()).hasSize(2);
        assertThat(loaded.snapshot().pdbs()).hasSize(2);
    }

    @Test
    void nodeGroupWithMinAboveMax() {
        assertThat(problems(GROUP.replace("minNodes: 1, maxNodes: 3", "minNodes: 5, maxNodes: 3"))).containsExactly(
                "snap.yaml: NodeGroup vpsie-system/general: spec.minNodes: minNodes (5) must not exceed maxNodes (3)");
    }

    @Test
    void nodeGroupMissingRequiredFields() {
        assertThat(problems("""
                apiVersion: autoscaler.vpsie.com/v1alpha1
                kind: NodeGroup
                metadata: {name: general, namespace: vpsie-system}
                spec: {minNodes: 0, maxNodes: 2, offeringIDs: [vps-2c-4g], preferredInstanceType: vps-9c}
                """)).containsExactly(
                "snap.yaml: NodeGroup vpsie-system/general: spec.datacenterID: required",
                "snap.yaml: NodeGroup vpsie-system/general: spec.preferredInstanceType: 'vps-9c' is not one of"
                        + " offeringIDs [vps-2c-4g]");
    }

    @Test
    void nodeGroupNamesMustBeUniqueAcrossNamespaces() {
        assertThat(problems(GROUP + "---\n" + GROUP.replace("namespace: vpsie-system", "namespace: team-b")))
                .containsExactly("snap.yaml: NodeGroup team-b/general: metadata.name: NodeGroup vpsie-system/general"
                        + " has the same name; nodes name their group by the label autoscaler.vpsie.com/nodegroup"
                        + " alone, so NodeGroup names must be unique across namespaces");
    }

    @Test
    void unknownNodeGroupFieldsAreIgnoredWithAWarning() {
        LoadedSnapshot loaded = load(GROUP.replace("minNodes: 1,", "minNodes: 1, maxNode: 9, scaleUpPolicy: {enable: false},"));
        assertThat(loaded.warnings()).containsExactly(
                "snap.yaml: NodeGroup vpsie-system/general: spec.maxNode: unknown field, ignored",
                "snap.yaml: NodeGroup vpsie-system/general: spec.scaleUpPolicy.enable: unknown field, ignored");
        assertThat(loaded.snapshot().nodeGroups().get("general").scaleUpEnabled()).isTrue();
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        String content = POD.replace("cpu: 500m", "cpu: abc") + "---\n" + NODE.replace("Ready, status", "Ready, statuz")
                + "---\n" + NODE.replace("cpu: \"2\"", "cpu: two") + "---\n"
                + GROUP.replace("maxNodes: 3", "maxNodes: 0");
        assertThatThrownBy(() -> load(content))
                .isInstanceOf(SnapshotException.class)
                .hasMessage(String.join("\n",
                        "snap.yaml: Pod shop/web-1: spec.containers[0].resources.requests.cpu: cannot parse quantity 'abc'",
                        "snap.yaml: Node general-1: metadata.name: duplicate; the same Node is also in document 2",
                        "snap.yaml: NodeGroup vpsie-system/general: spec.maxNodes: must be at least 1 (got 0)",
                        "snap.yaml: NodeGroup vpsie-system/general: spec.minNodes: minNodes (1) must not exceed"
                                + " maxNodes (0)"));
    }

    @Test
    void referencesThatDoNotResolveAreWarnings() {
        LoadedSnapshot loaded = SnapshotLoader.parse("snap.yaml",
                NODE.replace("nodegroup: general", "nodegroup: gone") + "---\n"
                        + POD.replace("nodeName: general-1", "nodeName: general-9") + "---\n"
                        + GROUP.replace("[vps-2c-4g]", "[vps-2c-4g, vps-3c-6g]"),
                OFFERINGS);
        assertThat(loaded.warnings()).containsExactly(
                "snap.yaml: Node general-1: metadata.labels.autoscaler.vpsie.com/nodegroup: no NodeGroup named 'gone'"
                        + " in the snapshot; the node is not scaled",
                "snap.yaml: NodeGroup vpsie-system/general: spec.offeringIDs[1]: offering 'vps-3c-6g' is not in the"
                        + " offerings list; new nodes of it cannot be planned",
                "snap.yaml: Pod shop/web-1: spec.nodeName: no Node named 'general-9' in the snapshot");
    }

    @Test
    void withoutOfferingsUnknownOfferingIdsAreNotListed() {
        assertThat(SnapshotLoader.parse("snap.yaml", GROUP, List.of()).warnings()).isEmpty();
    }

    @Test
    void anEmptyListEntry() {
        assertThat(problems(POD.replace("containers: [", "tolerations: [{operator: Exists}, ~]\n  containers: [")))
                .containsExactly("snap.yaml: Pod shop/web-1: spec.tolerations[1]: empty list entry");
    }

    @Test
    void loadsFromAFileAndNamesItInMessages(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("cluster.yaml");
        Files.writeString(file, NODE);
        assertThat(SnapshotLoader.load(file, List.of()).snapshot().nodes()).hasSize(1);

        Files.writeString(file, POD.replace("cpu: 500m", "cpu: abc"));
        assertThatThrownBy(() -> SnapshotLoader.load(file, List.of()))
                .hasMessageStartingWith(file + ": Pod shop/web-1: ");

        Path missing = dir.resolve("missing.yaml");
        assertThatThrownBy(() -> SnapshotLoader.load(missing, List.of()))
                .isInstanceOf(SnapshotException.class)
                .hasMessage(missing + ": cannot read the file: NoSuchFileException " + missing);
    }
}
