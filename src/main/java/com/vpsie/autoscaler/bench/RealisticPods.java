package com.vpsie.autoscaler.bench;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Pods shaped like those of a real Deployment, for memory and scale measurements: two or three containers
 * with env, probes, ports and volume mounts, a projected token volume, a ConfigMap and an emptyDir, the
 * usual labels, a required node affinity and a zone spread on some; and, as the API server returns them,
 * managed fields and a status with container statuses. Deterministic for a given index.
 */
public final class RealisticPods {

    /** Label every generated pod carries with its deployment's name. */
    public static final String APP_LABEL = "app.kubernetes.io/name";

    private RealisticPods() {
    }

    /** The spec of deployment {@code d}'s pods: what a Deployment's template would hold. */
    public static PodSpec spec(int d, String cpu, String memory) {
        List<Container> containers = new ArrayList<>();
        containers.add(container("app", "registry.example.com/team/app-" + d + ":1.4." + (d % 7), cpu, memory, 8080));
        containers.add(container("metrics-exporter", "registry.example.com/infra/exporter:0.9.2", "20m", "32Mi", 9102));
        if (d % 3 == 0) {
            containers.add(container("log-shipper", "registry.example.com/infra/fluent-bit:2.2", "10m", "24Mi", 2020));
        }
        PodSpecBuilder b = new PodSpecBuilder()
                .withContainers(containers)
                .withServiceAccountName("app-" + d)
                .withTerminationGracePeriodSeconds(30L)
                .addNewVolume().withName("config").withNewConfigMap().withName("app-" + d + "-config").endConfigMap()
                .endVolume()
                .addNewVolume().withName("scratch").withNewEmptyDir().endEmptyDir().endVolume()
                .addNewVolume().withName("kube-api-access").withNewProjected().withDefaultMode(420)
                .addNewSource().withNewServiceAccountToken().withPath("token").withExpirationSeconds(3607L)
                .endServiceAccountToken().endSource()
                .addNewSource().withNewConfigMap().withName("kube-root-ca.crt").addNewItem().withKey("ca.crt")
                .withPath("ca.crt").endItem().endConfigMap().endSource()
                .endProjected().endVolume()
                .addNewToleration().withKey("node.kubernetes.io/not-ready").withOperator("Exists")
                .withEffect("NoExecute").withTolerationSeconds(300L).endToleration()
                .addNewToleration().withKey("node.kubernetes.io/unreachable").withOperator("Exists")
                .withEffect("NoExecute").withTolerationSeconds(300L).endToleration();
        if (d % 4 == 0) {
            b.withNewAffinity().withNewNodeAffinity().withNewRequiredDuringSchedulingIgnoredDuringExecution()
                    .addNewNodeSelectorTerm().addNewMatchExpression().withKey("kubernetes.io/arch").withOperator("In")
                    .withValues("amd64").endMatchExpression().endNodeSelectorTerm()
                    .endRequiredDuringSchedulingIgnoredDuringExecution()
                    .addNewPreferredDuringSchedulingIgnoredDuringExecution().withWeight(50).withNewPreference()
                    .addNewMatchExpression().withKey("node.kubernetes.io/instance-type").withOperator("In")
                    .withValues("standard-4").endMatchExpression().endPreference()
                    .endPreferredDuringSchedulingIgnoredDuringExecution()
                    .endNodeAffinity().endAffinity();
        }
        if (d % 5 == 0) {
            b.addNewTopologySpreadConstraint().withMaxSkew(1).withTopologyKey("topology.kubernetes.io/zone")
                    .withWhenUnsatisfiable("ScheduleAnyway").withNewLabelSelector()
                    .addToMatchLabels(APP_LABEL, "app-" + d).endLabelSelector().endTopologySpreadConstraint();
        }
        return b.build();
    }

    /** Labels of deployment {@code d}'s pods. */
    public static Map<String, String> labels(int d) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(APP_LABEL, "app-" + d);
        labels.put("app.kubernetes.io/instance", "app-" + d + "-prod");
        labels.put("app.kubernetes.io/part-of", "shop");
        labels.put("app.kubernetes.io/version", "1.4." + (d % 7));
        labels.put("pod-template-hash", Integer.toHexString(0x5f3c1a00 + d));
        labels.put("team", "team-" + (d % 6));
        return labels;
    }

    /**
     * Pod {@code i} of deployment {@code d} as the API server would return it once running on {@code node}
     * (managed fields and status included).
     */
    public static Pod asListed(int d, int i, String namespace, String node) {
        String name = "app-" + d + "-" + Integer.toHexString(0x5f3c1a00 + d) + "-" + String.format("%05d", i);
        String created = "2026-11-22T10:00:00Z";
        PodSpec spec = spec(d, "100m", "128Mi");
        spec.setNodeName(node);
        spec.setSchedulerName("default-scheduler");
        spec.setDnsPolicy("ClusterFirst");
        spec.setRestartPolicy("Always");
        spec.setEnableServiceLinks(true);
        spec.setPriority(0);
        List<ContainerStatus> statuses = new ArrayList<>();
        for (Container c : spec.getContainers()) {
            statuses.add(new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage())
                    .withImageID(c.getImage() + "@sha256:" + UUID.nameUUIDFromBytes((c.getImage()).getBytes())
                            .toString().replace("-", "") + "0123456789abcdef0123456789abcdef")
                    .withContainerID("containerd://" + UUID.nameUUIDFromBytes((name + c.getName()).getBytes())
                            .toString().replace("-", ""))
                    .withReady(true).withStarted(true).withRestartCount(0)
                    .withNewState().withNewRunning().withStartedAt(created).endRunning().endState().build());
        }
        return new PodBuilder()
                .withApiVersion("v1").withKind("Pod")
                .withNewMetadata().withName(name).withNamespace(namespace)
                .withGenerateName("app-" + d + "-" + Integer.toHexString(0x5f3c1a00 + d) + "-")
                .withUid(UUID.nameUUIDFromBytes(name.getBytes()).toString())
                .withResourceVersion(Integer.toString(100000 + i))
                .withCreationTimestamp(created)
                .withLabels(labels(d))
                .addToAnnotations("kubectl.kubernetes.io/restartedAt", "2026-11-20T08:00:00Z")
                .addToAnnotations("prometheus.io/scrape", "true")
                .addToAnnotations("prometheus.io/port", "9102")
                .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet")
                .withName("app-" + d + "-" + Integer.toHexString(0x5f3c1a00 + d))
                .withUid(UUID.nameUUIDFromBytes(("rs" + d).getBytes()).toString())
                .withController(true).withBlockOwnerDeletion(true).endOwnerReference()
                .withManagedFields(
                        new ManagedFieldsEntryBuilder().withManager("kube-controller-manager").withOperation("Update")
                                .withApiVersion("v1").withTime(created).withFieldsType("FieldsV1")
                                .withFieldsV1(fieldsV1(spec)).build(),
                        new ManagedFieldsEntryBuilder().withManager("kubelet").withOperation("Update")
                                .withApiVersion("v1").withTime(created).withFieldsType("FieldsV1")
                                .withSubresource("status").withFieldsV1(statusFieldsV1()).build())
                .endMetadata()
                .withSpec(spec)
                .withNewStatus().withPhase("Running").withQosClass("Burstable")
                .withHostIP("10.0." + (i % 250) + ".1").withPodIP("10.244." + (i % 250) + "." + (i % 200 + 2))
                .addNewPodIP().withIp("10.244." + (i % 250) + "." + (i % 200 + 2)).endPodIP()
                .withStartTime(created)
                .addNewCondition().withType("PodReadyToStartContainers").withStatus("True")
                .withLastTransitionTime(created).endCondition()
                .addNewCondition().withType("Initialized").withStatus("True").withLastTransitionTime(created)
                .endCondition()
                .addNewCondition().withType("Ready").withStatus("True").withLastTransitionTime(created).endCondition()
                .addNewCondition().withType("ContainersReady").withStatus("True").withLastTransitionTime(created)
                .endCondition()
                .addNewCondition().withType("PodScheduled").withStatus("True").withLastTransitionTime(created)
                .endCondition()
                .withContainerStatuses(statuses)
                .endStatus()
                .build();
    }

    private static Container container(String name, String image, String cpu, String memory, int port) {
        return new ContainerBuilder()
                .withName(name).withImage(image).withImagePullPolicy("IfNotPresent")
                .addNewEnv().withName("LOG_LEVEL").withValue("info").endEnv()
                .addNewEnv().withName("POD_NAME").withNewValueFrom().withNewFieldRef().withApiVersion("v1")
                .withFieldPath("metadata.name").endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("POD_NAMESPACE").withNewValueFrom().withNewFieldRef().withApiVersion("v1")
                .withFieldPath("metadata.namespace").endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("OTEL_EXPORTER_OTLP_ENDPOINT").withValue("http://otel-collector.observability:4317")
                .endEnv()
                .addNewPort().withName("http").withContainerPort(port).withProtocol("TCP").endPort()
                .withNewResources().addToRequests("cpu", new Quantity(cpu)).addToRequests("memory", new Quantity(memory))
                .addToLimits("memory", new Quantity(memory)).endResources()
                .addNewVolumeMount().withName("config").withMountPath("/etc/app").withReadOnly(true).endVolumeMount()
                .addNewVolumeMount().withName("scratch").withMountPath("/tmp").endVolumeMount()
                .addNewVolumeMount().withName("kube-api-access").withMountPath("/var/run/secrets/kubernetes.io/serviceaccount")
                .withReadOnly(true).endVolumeMount()
                .withNewReadinessProbe().withNewHttpGet().withPath("/ready").withNewPort(port).endHttpGet()
                .withPeriodSeconds(10).withTimeoutSeconds(1).withSuccessThreshold(1).withFailureThreshold(3)
                .endReadinessProbe()
                .withNewLivenessProbe().withNewHttpGet().withPath("/healthz").withNewPort(port).endHttpGet()
                .withPeriodSeconds(10).withTimeoutSeconds(1).withSuccessThreshold(1).withFailureThreshold(3)
                .endLivenessProbe()
                .withTerminationMessagePath("/dev/termination-log").withTerminationMessagePolicy("File")
                .build();
    }

    /** A managed-fields tree of the size the API server writes for such a pod (one entry per field set). */
    private static FieldsV1 fieldsV1(PodSpec spec) {
        Map<String, Object> containers = new LinkedHashMap<>();
        for (Container c : spec.getContainers()) {
            Map<String, Object> fields = new LinkedHashMap<>();
            for (String f : List.of("f:env", "f:image", "f:imagePullPolicy", "f:livenessProbe", "f:name", "f:ports",
                    "f:readinessProbe", "f:resources", "f:terminationMessagePath", "f:terminationMessagePolicy",
                    "f:volumeMounts")) {
                fields.put(f, Map.of(".", Map.of()));
            }
            containers.put("k:{\"name\":\"" + c.getName() + "\"}", fields);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("f:metadata", Map.of("f:generateName", Map.of(), "f:labels", Map.of(".", Map.of()),
                "f:ownerReferences", Map.of(".", Map.of())));
        root.put("f:spec", Map.of("f:containers", containers, "f:dnsPolicy", Map.of(), "f:restartPolicy", Map.of(),
                "f:volumes", Map.of(".", Map.of())));
        FieldsV1 f = new FieldsV1();
        f.setAdditionalProperty("f:metadata", root.get("f:metadata"));
        f.setAdditionalProperty("f:spec", root.get("f:spec"));
        return f;
    }

    private static FieldsV1 statusFieldsV1() {
        FieldsV1 f = new FieldsV1();
        f.setAdditionalProperty("f:status", Map.of("f:conditions", Map.of(".", Map.of()),
                "f:containerStatuses", Map.of(), "f:hostIP", Map.of(), "f:phase", Map.of(), "f:podIP", Map.of(),
                "f:podIPs", Map.of(".", Map.of()), "f:startTime", Map.of()));
        return f;
    }
}
