package com.vpsie.autoscaler.controller;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupSpec;
import com.vpsie.autoscaler.config.ControllerConfig;
import com.vpsie.autoscaler.provider.vpsie.StaticTokenAuth;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Kubernetes objects for controller tests. */
final class ControllerFixtures {

    private ControllerFixtures() {
    }

    /**
     * Defaults with test-sized timings: a pass every 300 ms, a lease of 1.5 s renewed within 1 s,
     * NodeGroups of namespace "test".
     */
    static ControllerConfig config(boolean leaderElect, String identity) {
        return config(leaderElect, identity, Duration.ofMillis(200));
    }

    /** As {@link #config(boolean, String)}, with candidates and the leader trying the lease every {@code retryPeriod}. */
    static ControllerConfig config(boolean leaderElect, String identity, Duration retryPeriod) {
        ControllerConfig d = ControllerConfig.defaults();
        return new ControllerConfig(null, List.of("test"), Duration.ofMillis(300), leaderElect, "vpsie-autoscaler",
                "test", identity, Duration.ofMillis(1500), Duration.ofMillis(1000), retryPeriod, 0, 2,
                "fake", d.vpsieSecretName(), d.vpsieSecretNamespace(), d.vpsieBaseUrl(), d.vpsieTokenAuth(),
                "cluster-1",
                Duration.ofMinutes(15), d.maxGracefulTermination(), d.maxPodEvictionTime(), d.maxEmptyBulkDelete(),
                d.maxDrainParallelism(), d.scaleDownFailureCooldown(), Duration.ofSeconds(2), "text", d.planner(), null);
    }

    /**
     * The `run` process's settings against a mock API server (kubeconfig, namespace "test") and the VPSie
     * simulator, with the token in Secret test/vpsie-credentials and metrics on a free port.
     */
    static ControllerConfig runConfig(Path kubeconfig, String vpsieBaseUrl, Duration scanInterval, boolean leaderElect,
                                      String identity) {
        ControllerConfig d = config(leaderElect, identity);
        return new ControllerConfig(kubeconfig, d.namespaces(), scanInterval, leaderElect,
                d.leaseName(), "test", identity, d.leaseDuration(), d.renewDeadline(), d.retryPeriod(), 0, 2,
                "vpsie", "vpsie-credentials", "test", vpsieBaseUrl, StaticTokenAuth.BOTH, "cluster-1",
                d.provisioningTimeout(),
                d.maxGracefulTermination(), d.maxPodEvictionTime(), d.maxEmptyBulkDelete(), d.maxDrainParallelism(),
                d.scaleDownFailureCooldown(), Duration.ofSeconds(2), "text", d.planner(), null);
    }

    static NodeGroup group(String name, int min, int max) {
        NodeGroup g = new NodeGroup();
        g.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("test").build());
        NodeGroupSpec spec = new NodeGroupSpec();
        spec.setMinNodes(min);
        spec.setMaxNodes(max);
        spec.setDatacenterID("dc1");
        spec.setOfferingIDs(List.of("small"));
        g.setSpec(spec);
        return g;
    }

    /** A pod of a ReplicaSet bound to {@code node}; the simulated kubelets run it. */
    static Pod boundPod(String name, String node, String cpu, String memory) {
        return new PodBuilder()
                .withNewMetadata().withName(name).withNamespace("test").addToLabels("app", name)
                .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName(name)
                .withUid(name + "-uid").withController(true).endOwnerReference()
                .endMetadata()
                .withNewSpec().withNodeName(node).addNewContainer().withName("c").withImage("busybox")
                .withNewResources().withRequests(Map.of("cpu", new Quantity(cpu), "memory", new Quantity(memory)))
                .endResources().endContainer().endSpec()
                .withNewStatus().withPhase("Running").endStatus()
                .build();
    }

    /** A pod of a ReplicaSet that the scheduler marked Unschedulable. */
    static Pod unschedulablePod(String name, String cpu, String memory) {
        return new PodBuilder()
                .withNewMetadata().withName(name).withNamespace("test").addToLabels("app", "burst")
                .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName("burst")
                .withUid("rs-uid").withController(true).endOwnerReference()
                .endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("busybox")
                .withNewResources().withRequests(Map.of("cpu", new Quantity(cpu), "memory", new Quantity(memory)))
                .endResources().endContainer().endSpec()
                .withNewStatus().withPhase("Pending").addNewCondition().withType("PodScheduled").withStatus("False")
                .withReason("Unschedulable").withMessage("0/1 nodes are available").endCondition().endStatus()
                .build();
    }
}
