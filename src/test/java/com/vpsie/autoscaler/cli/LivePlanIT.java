package com.vpsie.autoscaler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupSpec;
import com.vpsie.autoscaler.sim.kube.StrictMockServer;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `plan` without --snapshot reads a live API (fabric8's mock here) through a kubeconfig and writes nothing. */
class LivePlanIT {

    private StrictMockServer kube;

    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        kube = StrictMockServer.start();
        NodeGroup g = new NodeGroup();
        g.setMetadata(new ObjectMetaBuilder().withName("general").withNamespace("test").build());
        NodeGroupSpec spec = new NodeGroupSpec();
        spec.setMinNodes(0);
        spec.setMaxNodes(5);
        spec.setDatacenterID("dc1");
        spec.setOfferingIDs(List.of("small"));
        g.setSpec(spec);
        kube.client().resources(NodeGroup.class).inNamespace("test").resource(g).create();
        kube.client().nodes().resource(new NodeBuilder().withNewMetadata().withName("idle-1")
                .addToLabels("autoscaler.vpsie.com/nodegroup", "general").endMetadata()
                .withNewStatus().withAllocatable(Map.of("cpu", new Quantity("2"), "memory", new Quantity("4Gi"),
                        "pods", new Quantity("110")))
                .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build()).create();
        kube.client().pods().inNamespace("test").resource(new PodBuilder().withNewMetadata().withName("big")
                .addNewOwnerReference().withKind("ReplicaSet").withName("rs").withApiVersion("apps/v1").withUid("u")
                .withController(true).endOwnerReference().endMetadata()
                .withNewSpec().addNewContainer().withName("c").withNewResources()
                .withRequests(Map.of("cpu", new Quantity("3"))).endResources().endContainer().endSpec()
                .withNewStatus().withPhase("Pending").addNewCondition().withType("PodScheduled").withStatus("False")
                .withReason("Unschedulable").endCondition().endStatus().build()).create();
    }

    @AfterEach
    void stop() {
        kube.close();
    }

    @Test
    void plansFromTheLiveClusterAndChangesNothing() throws Exception {
        Path kubeconfig = kube.writeKubeconfig(dir.resolve("kubeconfig"), "test");
        Path offerings = dir.resolve("offerings.yaml");
        Files.writeString(offerings, "- {id: small, cpu: 2, memory: 4Gi, pricePerHour: 0.01}\n");
        while (kube.server().takeRequest(10, TimeUnit.MILLISECONDS) != null) {
            // the set-up's own writes are not the plan's
        }

        CliRun run = CliRun.of("plan", "--kubeconfig", kubeconfig.toString(), "--offerings", offerings.toString(),
                "--now", "2026-11-22T12:00:00Z", "--output", "json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode plan = new ObjectMapper().readTree(run.out());
        assertThat(plan.at("/scaleDown/0/node").asText()).isEqualTo("idle-1");
        assertThat(plan.at("/noScaleUp/0/pod").asText()).isEqualTo("test/big");
        assertThat(plan.at("/noScaleUp/0/reason").asText()).isEqualTo("NoNodeGroupFits");
        List<String> methods = new ArrayList<>();
        for (RecordedRequest r = kube.server().takeRequest(100, TimeUnit.MILLISECONDS); r != null;
                r = kube.server().takeRequest(100, TimeUnit.MILLISECONDS)) {
            methods.add(r.getMethod());
        }
        assertThat(methods).isNotEmpty().allMatch("GET"::equals);
    }

    @Test
    void anUnreachableClusterIsOneLine() throws Exception {
        Path kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters: [{name: gone, cluster: {server: "http://127.0.0.1:1"}}]
                contexts: [{name: gone, context: {cluster: gone, user: u}}]
                current-context: gone
                users: [{name: u, user: {token: t}}]
                """);
        CliRun run = CliRun.of("plan", "--kubeconfig", kubeconfig.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip()).startsWith("error: cannot read the cluster").doesNotContain("\n");
    }
}
