package com.vpsie.autoscaler.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vpsie.autoscaler.model.HostPort;
import com.vpsie.autoscaler.model.NodeSelectorTerm;
import com.vpsie.autoscaler.model.OwnerRef;
import com.vpsie.autoscaler.model.PodAffinityTerm;
import com.vpsie.autoscaler.model.PodInfo;
import com.vpsie.autoscaler.model.PodVolume;
import com.vpsie.autoscaler.model.Resources;
import com.vpsie.autoscaler.model.SelectorOperator;
import com.vpsie.autoscaler.model.SelectorRequirement;
import com.vpsie.autoscaler.model.Taint;
import com.vpsie.autoscaler.model.TaintEffect;
import com.vpsie.autoscaler.model.Toleration;
import com.vpsie.autoscaler.model.TopologySpreadConstraint;
import com.vpsie.autoscaler.model.VolumeKind;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClusterObjectConverterPodTest {

    private static final long MI = 1024L * 1024;
    private static final long GI = 1024 * MI;
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    /** A pod in default/web-1 with the given spec (indented by two spaces under "spec:"). */
    static Pod pod(String spec) {
        return SERIALIZATION.unmarshal("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web-1
                  namespace: default
                  labels: {app: web, tier: front}
                spec:
                """ + spec.stripIndent().indent(2), Pod.class);
    }

    static PodInfo convert(String spec) {
        return ClusterObjectConverter.toPodInfo(pod(spec));
    }

    @Test
    void requestsAreTheSumOfTheContainersWithOnePodSlot() {
        PodInfo p = convert("""
                containers:
                  - name: a
                    resources: {requests: {cpu: 100m, memory: 128Mi, ephemeral-storage: 1Gi}}
                  - name: b
                    resources: {requests: {cpu: "0.2", memory: 256Mi}}
                  - name: no-requests
                """);
        assertThat(p.requests()).isEqualTo(new Resources(300, 384 * MI, GI, 1));
    }

    @Test
    void aLargerInitContainerSetsTheRequest() {
        PodInfo p = convert("""
                initContainers:
                  - name: migrate
                    resources: {requests: {cpu: "1", memory: 64Mi}}
                  - name: warm
                    resources: {requests: {cpu: 300m, memory: 512Mi}}
                containers:
                  - name: app
                    resources: {requests: {cpu: 200m, memory: 256Mi}}
                """);
        // cpu from the first init container, memory from the second; they run one at a time.
        assertThat(p.requests()).isEqualTo(new Resources(1000, 512 * MI, 0, 1));
    }

    @Test
    void sidecarsRunBesideTheAppAndBesideLaterInitContainers() {
        PodInfo p = convert("""
                initContainers:
                  - name: proxy
                    restartPolicy: Always
                    resources: {requests: {cpu: 100m, memory: 64Mi}}
                  - name: migrate
                    resources: {requests: {cpu: 500m, memory: 1Gi}}
                containers:
                  - name: app
                    resources: {requests: {cpu: 200m, memory: 128Mi}}
                """);
        // running: app + proxy = 300m / 192Mi; migrate runs beside proxy: 600m / 1088Mi.
        assertThat(p.requests()).isEqualTo(new Resources(600, 1088 * MI, 0, 1));
    }

    @Test
    void anInitContainerBeforeASidecarDoesNotRunBesideIt() {
        PodInfo p = convert("""
                initContainers:
                  - name: migrate
                    resources: {requests: {cpu: 250m}}
                  - name: proxy
                    restartPolicy: Always
                    resources: {requests: {cpu: 100m}}
                containers:
                  - name: app
                    resources: {requests: {cpu: 200m}}
                """);
        assertThat(p.requests().cpuMillis()).isEqualTo(300);

        PodInfo reversed = convert("""
                initContainers:
                  - name: proxy
                    restartPolicy: Always
                    resources: {requests: {cpu: 100m}}
                  - name: migrate
                    resources: {requests: {cpu: 250m}}
                containers:
                  - name: app
                    resources: {requests: {cpu: 200m}}
                """);
        assertThat(reversed.requests().cpuMillis()).isEqualTo(350);
    }

    @Test
    void overheadIsAddedAfterwards() {
        PodInfo p = convert("""
                overhead: {cpu: 250m, memory: 120Mi}
                initContainers:
                  - name: init
                    resources: {requests: {cpu: "1"}}
                containers:
                  - name: app
                    resources: {requests: {cpu: 100m, memory: 100Mi}}
                """);
        assertThat(p.requests()).isEqualTo(new Resources(1250, 220 * MI, 0, 1));
    }

    @Test
    void aLimitWithoutARequestCountsAsTheRequest() {
        PodInfo p = convert("""
                containers:
                  - name: limits-only
                    resources: {limits: {cpu: "1", memory: 512Mi}}
                  - name: both
                    resources: {requests: {cpu: 100m}, limits: {cpu: "2", memory: 1Gi}}
                """);
        assertThat(p.requests()).isEqualTo(new Resources(1100, 1536 * MI, 0, 1));
    }

    @Test
    void podLevelResourcesReplaceTheContainersCpuAndMemory() {
        PodInfo p = convert("""
                resources: {requests: {cpu: "2"}, limits: {memory: 3Gi}}
                containers:
                  - name: app
                    resources: {requests: {cpu: 100m, memory: 100Mi, ephemeral-storage: 2Gi}}
                """);
        assertThat(p.requests()).isEqualTo(new Resources(2000, 3 * GI, 2 * GI, 1));
    }

    @Test
    void basicFields() {
        Pod source = pod("""
                nodeName: worker-1
                priority: 1000
                priorityClassName: high
                terminationGracePeriodSeconds: 120
                nodeSelector: {disktype: ssd}
                containers: [{name: app}]
                """);
        source.getMetadata().setCreationTimestamp("2026-11-02T03:04:05Z");
        source.getMetadata().setAnnotations(Map.of("cluster-autoscaler.kubernetes.io/safe-to-evict", "true"));
        source.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Running").build());
        PodInfo p = ClusterObjectConverter.toPodInfo(source);
        assertThat(p.namespace()).isEqualTo("default");
        assertThat(p.name()).isEqualTo("web-1");
        assertThat(p.labels()).isEqualTo(Map.of("app", "web", "tier", "front"));
        assertThat(p.annotations()).containsEntry("cluster-autoscaler.kubernetes.io/safe-to-evict", "true");
        assertThat(p.nodeName()).isEqualTo("worker-1");
        assertThat(p.phase()).isEqualTo("Running");
        assertThat(p.priority()).isEqualTo(1000);
        assertThat(p.priorityClassName()).isEqualTo("high");
        assertThat(p.terminationGracePeriodSeconds()).isEqualTo(120);
        assertThat(p.nodeSelector()).isEqualTo(Map.of("disktype", "ssd"));
        assertThat(p.creationTimestamp()).isEqualTo(Instant.parse("2026-11-02T03:04:05Z"));
        assertThat(p.deleting()).isFalse();
        assertThat(p.unschedulable()).isFalse();
    }

    @Test
    void defaults() {
        PodInfo p = convert("containers: [{name: app}]");
        assertThat(p.priority()).isZero();
        assertThat(p.terminationGracePeriodSeconds()).isEqualTo(30);
        assertThat(p.nodeName()).isNull();
        assertThat(p.controller()).isNull();
        assertThat(p.creationTimestamp()).isNull();
        assertThat(p.requests()).isEqualTo(new Resources(0, 0, 0, 1));
    }

    @Test
    void deletingWhenADeletionTimestampIsSet() {
        Pod source = pod("containers: [{name: app}]");
        source.getMetadata().setDeletionTimestamp("2026-11-22T11:59:00Z");
        assertThat(ClusterObjectConverter.toPodInfo(source).deleting()).isTrue();
    }

    @Test
    void unschedulableOnlyWithPodScheduledFalseAndReasonUnschedulable() {
        assertThat(withStatus("{type: PodScheduled, status: \"False\", reason: Unschedulable}").unschedulable())
                .isTrue();
        assertThat(withStatus("{type: PodScheduled, status: \"False\", reason: SchedulingGated}").unschedulable())
                .isFalse();
        assertThat(withStatus("{type: PodScheduled, status: \"True\"}").unschedulable()).isFalse();
        assertThat(withStatus("{type: Ready, status: \"False\", reason: Unschedulable}").unschedulable()).isFalse();
    }

    private static PodInfo withStatus(String condition) {
        Pod p = SERIALIZATION.unmarshal("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: default}
                spec: {containers: [{name: app}]}
                status:
                  phase: Pending
                  conditions: [%s]
                """.formatted(condition), Pod.class);
        return ClusterObjectConverter.toPodInfo(p);
    }

    @Test
    void theControllerIsTheOwnerMarkedController() {
        Pod source = pod("containers: [{name: app}]");
        source.getMetadata().setOwnerReferences(List.of(
                new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder()
                        .withApiVersion("v1").withKind("ConfigMap").withName("other").withUid("1").build(),
                new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder()
                        .withApiVersion("apps/v1").withKind("ReplicaSet").withName("web-5d8")
                        .withUid("2").withController(true).build()));
        assertThat(ClusterObjectConverter.toPodInfo(source).controller()).isEqualTo(new OwnerRef("ReplicaSet", "web-5d8"));

        source.getMetadata().getOwnerReferences().get(1).setController(false);
        assertThat(ClusterObjectConverter.toPodInfo(source).controller()).isNull();
    }

    @Test
    void volumeKinds() {
        PodInfo p = convert("""
                containers: [{name: app}]
                volumes:
                  - {name: logs, hostPath: {path: /var/log}}
                  - {name: shm, emptyDir: {medium: Memory}}
                  - {name: scratch, emptyDir: {}}
                  - {name: sized, emptyDir: {sizeLimit: 1Gi}}
                  - {name: config, configMap: {name: web}}
                  - {name: data, persistentVolumeClaim: {claimName: data-0}}
                """);
        assertThat(p.volumes()).containsExactly(
                new PodVolume("logs", VolumeKind.HOST_PATH),
                new PodVolume("shm", VolumeKind.EMPTY_DIR_MEMORY),
                new PodVolume("scratch", VolumeKind.EMPTY_DIR_DISK),
                new PodVolume("sized", VolumeKind.EMPTY_DIR_DISK),
                new PodVolume("config", VolumeKind.OTHER),
                new PodVolume("data", VolumeKind.OTHER));
    }

    @Test
    void hostPortsOfAppAndInitContainers() {
        PodInfo p = convert("""
                initContainers:
                  - name: init
                    ports: [{containerPort: 9000, hostPort: 9000, protocol: UDP, hostIP: 10.0.0.5}]
                containers:
                  - name: app
                    ports:
                      - {containerPort: 8080, hostPort: 80}
                      - {containerPort: 9090}
                """);
        assertThat(p.hostPorts()).containsExactly(
                new HostPort("UDP", "10.0.0.5", 9000),
                new HostPort("TCP", "0.0.0.0", 80));
    }

    @Test
    void withHostNetworkTheContainerPortIsTheHostPort() {
        PodInfo p = convert("""
                hostNetwork: true
                containers:
                  - name: agent
                    ports: [{containerPort: 9100}]
                """);
        assertThat(p.hostPorts()).containsExactly(new HostPort("TCP", null, 9100));
    }

    @Test
    void requiredNodeAffinityTerms() {
        PodInfo p = convert("""
                containers: [{name: app}]
                affinity:
                  nodeAffinity:
                    requiredDuringSchedulingIgnoredDuringExecution:
                      nodeSelectorTerms:
                        - matchExpressions:
                            - {key: zone, operator: In, values: [a, b]}
                            - {key: cores, operator: Gt, values: ["3"]}
                        - matchFields:
                            - {key: metadata.name, operator: In, values: [worker-9]}
                    preferredDuringSchedulingIgnoredDuringExecution:
                      - weight: 1
                        preference:
                          matchExpressions: [{key: ignored, operator: Exists}]
                """);
        assertThat(p.requiredNodeAffinity()).containsExactly(
                new NodeSelectorTerm(List.of(
                        new SelectorRequirement("zone", SelectorOperator.IN, List.of("a", "b")),
                        new SelectorRequirement("cores", SelectorOperator.GT, List.of("3"))), List.of()),
                new NodeSelectorTerm(List.of(),
                        List.of(new SelectorRequirement("metadata.name", SelectorOperator.IN, List.of("worker-9")))));
    }

    @Test
    void podAffinityAndAntiAffinityTerms() {
        PodInfo p = convert("""
                containers: [{name: app}]
                affinity:
                  podAffinity:
                    requiredDuringSchedulingIgnoredDuringExecution:
                      - labelSelector: {matchLabels: {app: cache}}
                        namespaces: [infra]
                        topologyKey: kubernetes.io/hostname
                  podAntiAffinity:
                    requiredDuringSchedulingIgnoredDuringExecution:
                      - labelSelector:
                          matchExpressions: [{key: app, operator: In, values: [web]}]
                        namespaceSelector: {}
                        topologyKey: topology.kubernetes.io/zone
                      - labelSelector: {matchLabels: {app: web}}
                        namespaceSelector: {matchLabels: {team: shop}}
                        topologyKey: kubernetes.io/hostname
                      - topologyKey: kubernetes.io/hostname
                """);
        PodAffinityTerm affinity = p.requiredAffinity().get(0);
        assertThat(affinity.namespaces()).isEqualTo(Set.of("infra"));
        assertThat(affinity.allNamespaces()).isFalse();
        assertThat(affinity.topologyKey()).isEqualTo("kubernetes.io/hostname");
        assertThat(affinity.selects("default", "infra", Map.of("app", "cache"))).isTrue();
        assertThat(affinity.selects("default", "default", Map.of("app", "cache"))).isFalse();

        List<PodAffinityTerm> anti = p.requiredAntiAffinity();
        assertThat(anti).hasSize(3);
        assertThat(anti.get(0).allNamespaces()).as("empty namespaceSelector: all namespaces").isTrue();
        assertThat(anti.get(0).topologyKey()).isEqualTo("topology.kubernetes.io/zone");
        assertThat(anti.get(0).selects("default", "other", Map.of("app", "web"))).isTrue();
        assertThat(anti.get(1).allNamespaces()).as("non-empty namespaceSelector read as all namespaces").isTrue();
        assertThat(anti.get(2).selector().matchesNothing()).as("null labelSelector selects no pod").isTrue();
        assertThat(anti.get(2).selects("default", "default", Map.of("app", "web"))).isFalse();
    }

    @Test
    void matchLabelKeysAddTheOwnLabelValue() {
        PodInfo p = convert("""
                containers: [{name: app}]
                affinity:
                  podAntiAffinity:
                    requiredDuringSchedulingIgnoredDuringExecution:
                      - labelSelector: {matchLabels: {app: web}}
                        matchLabelKeys: [tier]
                        mismatchLabelKeys: [app]
                        topologyKey: kubernetes.io/hostname
                """);
        PodAffinityTerm term = p.requiredAntiAffinity().get(0);
        assertThat(term.selector().matchExpressions()).containsExactly(
                new SelectorRequirement("tier", SelectorOperator.IN, List.of("front")),
                new SelectorRequirement("app", SelectorOperator.NOT_IN, List.of("web")));
    }

    @Test
    void onlyDoNotScheduleSpreadConstraintsAreKept() {
        PodInfo p = convert("""
                containers: [{name: app}]
                topologySpreadConstraints:
                  - {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway,
                     labelSelector: {matchLabels: {app: web}}}
                  - {maxSkew: 2, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule,
                     labelSelector: {matchLabels: {app: web}}, matchLabelKeys: [tier]}
                """);
        assertThat(p.topologySpread()).hasSize(1);
        TopologySpreadConstraint c = p.topologySpread().get(0);
        assertThat(c.maxSkew()).isEqualTo(2);
        assertThat(c.topologyKey()).isEqualTo("kubernetes.io/hostname");
        assertThat(c.selector().matches(Map.of("app", "web", "tier", "front"))).isTrue();
        assertThat(c.selector().matches(Map.of("app", "web", "tier", "back"))).isFalse();
    }

    @Test
    void tolerations() {
        PodInfo p = convert("""
                containers: [{name: app}]
                tolerations:
                  - operator: Exists
                  - {key: dedicated, operator: Equal, value: gpu, effect: NoSchedule}
                  - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 300}
                  - {key: team, value: a}
                """);
        assertThat(p.tolerations()).containsExactly(
                new Toleration(null, Toleration.Operator.EXISTS, null, null),
                new Toleration("dedicated", Toleration.Operator.EQUAL, "gpu", TaintEffect.NO_SCHEDULE),
                new Toleration("node.kubernetes.io/not-ready", Toleration.Operator.EXISTS, null, TaintEffect.NO_EXECUTE),
                new Toleration("team", Toleration.Operator.EQUAL, "a", null));
        Taint gpu = new Taint("dedicated", "gpu", TaintEffect.NO_SCHEDULE);
        assertThat(p.tolerations().get(0).tolerates(gpu)).isTrue();
        assertThat(p.tolerations().get(3).tolerates(new Taint("team", "a", TaintEffect.NO_EXECUTE)))
                .as("an empty effect tolerates every effect").isTrue();
    }

    @Test
    void convertingDoesNotModifyThePod() {
        Pod source = pod("""
                initContainers:
                  - name: proxy
                    restartPolicy: Always
                    resources: {limits: {cpu: 100m}}
                containers:
                  - name: app
                    resources: {limits: {memory: 1Gi}}
                affinity:
                  podAntiAffinity:
                    requiredDuringSchedulingIgnoredDuringExecution:
                      - labelSelector: {matchLabels: {app: web}}
                        matchLabelKeys: [tier]
                        topologyKey: kubernetes.io/hostname
                """);
        Pod before = new io.fabric8.kubernetes.api.model.PodBuilder(source).build();
        ClusterObjectConverter.toPodInfo(source);
        assertThat(source).isEqualTo(before);
        assertThat(source.getSpec().getContainers().get(0).getResources().getRequests()).isNullOrEmpty();
    }

    // ---- errors name the object, the field and the problem

    @Test
    void badQuantity() {
        assertThatThrownBy(() -> convert("""
                containers:
                  - name: app
                    resources: {requests: {cpu: abc}}
                """))
                .isInstanceOf(SnapshotException.class)
                .hasMessage("Pod default/web-1: spec.containers[0].resources.requests.cpu: cannot parse quantity 'abc'");
    }

    @Test
    void badQuantityInALimitOfAnInitContainer() {
        assertThatThrownBy(() -> convert("""
                initContainers:
                  - name: a
                  - name: b
                    resources: {limits: {memory: 12XB}}
                containers: [{name: app}]
                """))
                .hasMessage("Pod default/web-1: spec.initContainers[1].resources.limits.memory: "
                        + "cannot parse quantity '12XB'");
    }

    @Test
    void negativeOverhead() {
        assertThatThrownBy(() -> convert("""
                overhead: {memory: "-1Mi"}
                containers: [{name: app}]
                """))
                .hasMessage("Pod default/web-1: spec.overhead.memory: negative quantity '-1Mi'");
    }

    @Test
    void badGtValue() {
        assertThatThrownBy(() -> convert("""
                containers: [{name: app}]
                affinity:
                  nodeAffinity:
                    requiredDuringSchedulingIgnoredDuringExecution:
                      nodeSelectorTerms:
                        - matchExpressions: [{key: cores, operator: Gt, values: [four]}]
                """))
                .hasMessage("Pod default/web-1: spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
                        + ".nodeSelectorTerms[0].matchExpressions[0].values: operator Gt needs exactly one integer value,"
                        + " got [four]");
    }

    @Test
    void unknownOperatorInALabelSelector() {
        assertThatThrownBy(() -> convert("""
                containers: [{name: app}]
                affinity:
                  podAffinity:
                    requiredDuringSchedulingIgnoredDuringExecution:
                      - labelSelector:
                          matchExpressions: [{key: app, operator: Within, values: [web]}]
                        topologyKey: kubernetes.io/hostname
                """))
                .hasMessage("Pod default/web-1: spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]"
                        + ".labelSelector.matchExpressions[0].operator: unknown operator 'Within'");
    }

    @Test
    void gtIsNotALabelSelectorOperator() {
        assertThatThrownBy(() -> convert("""
                containers: [{name: app}]
                topologySpreadConstraints:
                  - maxSkew: 1
                    topologyKey: zone
                    whenUnsatisfiable: DoNotSchedule
                    labelSelector:
                      matchExpressions: [{key: rev, operator: Gt, values: ["3"]}]
                """))
                .hasMessage("Pod default/web-1: spec.topologySpreadConstraints[0].labelSelector.matchExpressions[0]"
                        + ".operator: operator 'Gt' is only allowed in node selectors");
    }

    @Test
    void unsupportedMatchField() {
        assertThatThrownBy(() -> convert("""
                containers: [{name: app}]
                affinity:
                  nodeAffinity:
                    requiredDuringSchedulingIgnoredDuringExecution:
                      nodeSelectorTerms:
                        - matchFields: [{key: spec.unschedulable, operator: In, values: ["false"]}]
                """))
                .hasMessageEndingWith("nodeSelectorTerms[0].matchFields[0].key: unsupported field "
                        + "'spec.unschedulable' (only metadata.name can be selected)");
    }

    @Test
    void unknownTolerationOperatorAndEffect() {
        assertThatThrownBy(() -> convert("""
                containers: [{name: app}]
                tolerations: [{key: a, operator: Maybe}]
                """))
                .hasMessage("Pod default/web-1: spec.tolerations[0].operator: unknown toleration operator 'Maybe'"
                        + " (Equal or Exists)");
        assertThatThrownBy(() -> convert("""
                containers: [{name: app}]
                tolerations: [{operator: Exists}, {key: a, operator: Exists, effect: NoWay}]
                """))
                .hasMessage("Pod default/web-1: spec.tolerations[1].effect: unknown taint effect 'NoWay'");
    }

    @Test
    void badCreationTimestamp() {
        Pod source = pod("containers: [{name: app}]");
        source.getMetadata().setCreationTimestamp("yesterday");
        assertThatThrownBy(() -> ClusterObjectConverter.toPodInfo(source))
                .hasMessage("Pod default/web-1: metadata.creationTimestamp: cannot parse time 'yesterday'"
                        + " (RFC 3339 expected, e.g. 2026-11-01T08:00:00Z)");
    }

    @Test
    void aLabelWithoutAValue() {
        Pod source = pod("containers: [{name: app}]");
        Map<String, String> labels = new java.util.HashMap<>();
        labels.put("app", null);
        source.getMetadata().setLabels(labels);
        assertThatThrownBy(() -> ClusterObjectConverter.toPodInfo(source))
                .hasMessage("Pod default/web-1: metadata.labels.app: value required");
    }
}
