package com.vpsie.autoscaler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanCommandTest {

    private static final String SNAPSHOT = """
            apiVersion: autoscaler.vpsie.com/v1alpha1
            kind: NodeGroup
            metadata: {name: general, namespace: vpsie-system}
            spec:
              minNodes: 1
              maxNodes: 5
              datacenterID: us-ny-1
              offeringIDs: [small]
              labels: {workload: general}
            ---
            apiVersion: v1
            kind: Node
            metadata:
              name: n1
              creationTimestamp: "2026-11-01T08:00:00Z"
              labels:
                kubernetes.io/hostname: n1
                autoscaler.vpsie.com/nodegroup: general
                workload: general
            status:
              allocatable: {cpu: "2", memory: 4Gi, pods: "110"}
              conditions:
                - {type: Ready, status: "True"}
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: web-1
              namespace: shop
              ownerReferences:
                - {apiVersion: apps/v1, kind: ReplicaSet, name: web-abc, uid: u1, controller: true}
            spec:
              nodeName: n1
              containers:
                - name: web
                  resources: {requests: {cpu: 1500m, memory: 3Gi}}
            status: {phase: Running}
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: web-2
              namespace: shop
              ownerReferences:
                - {apiVersion: apps/v1, kind: ReplicaSet, name: web-abc, uid: u1, controller: true}
            spec:
              containers:
                - name: web
                  resources: {requests: {cpu: 1500m, memory: 3Gi}}
            status:
              phase: Pending
              conditions:
                - {type: PodScheduled, status: "False", reason: Unschedulable}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings, namespace: shop}
            """;

    private static final String OFFERINGS = """
            - {id: small, cpu: 2, memory: 4Gi, pricePerHour: 0.03}
            """;

    @TempDir
    Path dir;
    Path snapshot;
    Path offerings;

    @BeforeEach
    void files() throws Exception {
        snapshot = Files.writeString(dir.resolve("snapshot.yaml"), SNAPSHOT);
        offerings = Files.writeString(dir.resolve("offerings.yaml"), OFFERINGS);
    }

    private CliRun plan(String... extra) {
        return planAt("2026-11-22T12:00:00Z", extra);
    }

    private CliRun planAt(String now, String... extra) {
        String[] args = new String[4 + extra.length];
        args[0] = "plan";
        args[1] = "--snapshot=" + snapshot;
        args[2] = "--offerings=" + offerings;
        args[3] = "--now=" + now;
        System.arraycopy(extra, 0, args, 4, extra.length);
        return CliRun.of(args);
    }

    @Test
    void jsonOutputIsOneDocumentOnStdoutAndNotesGoToStderr() throws Exception {
        CliRun run = plan("--output", "json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("scaleUp")).hasSize(1);
        assertThat(json.at("/scaleUp/0/nodeGroup").asText()).isEqualTo("general");
        assertThat(json.at("/scaleUp/0/offering").asText()).isEqualTo("small");
        assertThat(json.at("/scaleUp/0/pods/0").asText()).isEqualTo("shop/web-2");
        assertThat(json.has("scaleDown")).isTrue();
        assertThat(json.get("unremovable").size() + json.get("scaleDown").size()).isEqualTo(1);
        assertThat(json.has("noScaleUp")).isTrue();
        assertThat(run.err()).startsWith("note: ").contains("ConfigMap shop/settings").contains("skipped");
    }

    /** An empty group; a DaemonSet takes 1 of the 1.9 cpu a new node has; a pod of 1.5 cpu then fits nowhere. */
    private static final String EMPTY_GROUP_WITH_DAEMONSET = """
            apiVersion: autoscaler.vpsie.com/v1alpha1
            kind: NodeGroup
            metadata: {name: general, namespace: vpsie-system}
            spec: {minNodes: 0, maxNodes: 5, datacenterID: us-ny-1, offeringIDs: [small]}
            ---
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: agent, namespace: kube-system}
            spec:
              selector: {matchLabels: {app: agent}}
              template:
                metadata: {labels: {app: agent}}
                spec:
                  containers:
                    - name: agent
                      resources: {requests: {cpu: "1"}}
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: web-2
              namespace: shop
              ownerReferences:
                - {apiVersion: apps/v1, kind: ReplicaSet, name: web-abc, uid: u1, controller: true}
            spec:
              containers:
                - name: web
                  resources: {requests: {cpu: 1500m, memory: 1Gi}}
            status:
              phase: Pending
              conditions:
                - {type: PodScheduled, status: "False", reason: Unschedulable}
            """;

    @Test
    void daemonSetsInTheSnapshotTakeRoomOnTheNewNodesOfAnEmptyGroup() throws Exception {
        Files.writeString(snapshot, EMPTY_GROUP_WITH_DAEMONSET);
        CliRun run = plan("--output", "json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("scaleUp")).isEmpty();
        assertThat(json.at("/noScaleUp/0/reason").asText()).isEqualTo("NoNodeGroupFits");
        assertThat(run.err()).doesNotContain("DaemonSet");
    }

    /** n1 carries only a pod of a custom controller; n2 has room for it. */
    private static final String CUSTOM_CONTROLLER = """
            apiVersion: autoscaler.vpsie.com/v1alpha1
            kind: NodeGroup
            metadata: {name: general, namespace: vpsie-system}
            spec: {minNodes: 0, maxNodes: 5, datacenterID: us-ny-1, offeringIDs: [small]}
            ---
            apiVersion: v1
            kind: Node
            metadata:
              name: n1
              labels: {kubernetes.io/hostname: n1, autoscaler.vpsie.com/nodegroup: general}
            status:
              allocatable: {cpu: "2", memory: 4Gi, pods: "110"}
              conditions: [{type: Ready, status: "True"}]
            ---
            apiVersion: v1
            kind: Node
            metadata:
              name: n2
              labels: {kubernetes.io/hostname: n2, autoscaler.vpsie.com/nodegroup: general}
            status:
              allocatable: {cpu: "2", memory: 4Gi, pods: "110"}
              conditions: [{type: Ready, status: "True"}]
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: db-0
              namespace: shop
              ownerReferences:
                - {apiVersion: example.com/v1, kind: EtcdCluster, name: db, uid: u2, controller: true}
            spec:
              nodeName: n1
              containers:
                - name: db
                  resources: {requests: {cpu: 100m, memory: 100Mi}}
            status: {phase: Running}
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: web-1
              namespace: shop
              ownerReferences:
                - {apiVersion: apps/v1, kind: ReplicaSet, name: web-abc, uid: u1, controller: true}
            spec:
              nodeName: n2
              containers:
                - name: web
                  resources: {requests: {cpu: 1200m, memory: 1Gi}}
            status: {phase: Running}
            """;

    @Test
    void customControllerPodsKeepTheirNodeUnlessTheFlagSaysOtherwise() throws Exception {
        Files.writeString(snapshot, CUSTOM_CONTROLLER);
        JsonNode byDefault = new ObjectMapper().readTree(plan("--output", "json").out());
        assertThat(byDefault.at("/unremovable/0/node").asText()).isEqualTo("n1");
        assertThat(byDefault.at("/unremovable/0/podReason").asText()).isEqualTo("NotReplicated");

        CliRun run = plan("--output", "json", "--skip-nodes-with-custom-controller-pods=false");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(new ObjectMapper().readTree(run.out()).at("/scaleDown/0/node").asText()).isEqualTo("n1");
    }

    @Test
    void aBadSystemPodTimeoutIsOneLineNamingTheFlag() {
        CliRun run = plan("--blocking-system-pod-disruption-timeout=soon");
        assertOneLineError(run, "--blocking-system-pod-disruption-timeout", "soon");
    }

    @Test
    void textOutputIsAReport() {
        CliRun run = plan();
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("at 2026-11-22T12:00:00Z", "Scale up", "general", "small", "shop/web-2",
                "Unremovable nodes", "Pending pods that trigger no scale-up");
    }

    @Test
    void nowAcceptsOffsetsAndLowerCase() {
        assertThat(planAt("2026-11-22t13:00:00+01:00").out()).contains("at 2026-11-22T12:00:00Z");
    }

    @Test
    void configFileIsApplied() throws Exception {
        Path config = Files.writeString(dir.resolve("planner.yaml"), "expanders: price\nmaxNodesPerScaleUp: 1\n");
        CliRun run = plan("--config", config.toString(), "--output", "json");
        assertThat(run.exitCode()).as(run.err()).isZero();
    }

    @Test
    void badConfigIsOneLineNamingFileAndKey() throws Exception {
        Path config = Files.writeString(dir.resolve("planner.yaml"), "expandrs: price\n");
        CliRun run = plan("--config", config.toString());
        assertOneLineError(run, config.toString(), "expandrs");
    }

    @Test
    void badSnapshotIsOneLineNamingFileObjectAndField() throws Exception {
        Files.writeString(snapshot, SNAPSHOT.replace("cpu: \"2\"", "cpu: lots"));
        CliRun run = plan();
        assertOneLineError(run, snapshot.toString(), "Node n1", "status.allocatable.cpu");
    }

    @Test
    void everySnapshotProblemGetsItsOwnLine() throws Exception {
        Files.writeString(snapshot, SNAPSHOT.replace("cpu: \"2\"", "cpu: lots").replace("cpu: 1500m", "cpu: many"));
        CliRun run = plan();
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().lines()).hasSize(3).allMatch(l -> l.startsWith("error: " + snapshot + ": "));
        assertThat(run.err()).contains("Node n1", "Pod shop/web-1", "Pod shop/web-2").doesNotContain("\tat ");
    }

    @Test
    void nowDefaultsToTheClock() {
        CliRun run = CliRun.of("plan", "--snapshot", snapshot.toString(), "--offerings", offerings.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("Snapshot ");
    }

    @Test
    void missingFileIsOneLine() {
        CliRun run = CliRun.of("plan", "--snapshot", dir.resolve("missing.yaml").toString());
        assertOneLineError(run, "missing.yaml");
    }

    @Test
    void badOfferingsIsOneLine() throws Exception {
        Files.writeString(offerings, "- {id: small, cpu: 2}\n");
        assertOneLineError(plan(), offerings.toString(), "small", "memory");
    }

    @Test
    void badNowIsOneLineNamingTheFlag() {
        assertOneLineError(planAt("yesterday"), "--now", "yesterday");
        assertOneLineError(planAt("2026-11-22 12:00"), "--now");
        assertOneLineError(planAt("2026-11-22T12:00:00"), "--now");
    }

    @Test
    void usageMistakesNameTheFlag() {
        // `plan` alone is no mistake: it reads the live cluster (LivePlanIT)
        assertOneLineError(plan("--output", "xml"), "--output", "xml");
        CliRun typo = CliRun.of("plan", "--snapshto", "x");
        assertOneLineError(typo, "--snapshto");
        assertThat(typo.err()).contains("did you mean --snapshot");
    }

    private static void assertOneLineError(CliRun run, String... fragments) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains(fragments).doesNotContain("Exception:").doesNotContain("\tat ");
        assertThat(run.err().strip().lines()).as(run.err()).hasSize(1);
    }
}
