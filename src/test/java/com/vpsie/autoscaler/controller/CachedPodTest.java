package com.vpsie.autoscaler.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.vpsie.autoscaler.bench.RealisticPods;
import com.vpsie.autoscaler.model.ClusterSnapshot;
import com.vpsie.autoscaler.snapshot.ClusterObjectConverter;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CachedPodTest {

    @Test
    void holdsTheDecisionCoresViewAndTheIdentityTheInformerNeeds() {
        Pod full = RealisticPods.asListed(4, 7, "shop", "node-3");
        CachedPod cached = CachedPod.of(full);
        assertThat(cached.info()).isEqualTo(ClusterObjectConverter.toPodInfo(full));
        assertThat(cached.problem()).isNull();
        assertThat(cached.getMetadata().getName()).isEqualTo(full.getMetadata().getName());
        assertThat(cached.getMetadata().getNamespace()).isEqualTo("shop");
        assertThat(cached.getMetadata().getUid()).isEqualTo(full.getMetadata().getUid());
        assertThat(cached.getMetadata().getResourceVersion()).isEqualTo(full.getMetadata().getResourceVersion());
        assertThat(InvolvedObject.of(cached)).isEqualTo(InvolvedObject.of(full));
        assertThat(cached.nodeName()).isEqualTo("node-3");
        // Nothing else of the object is held.
        assertThat(cached.getSpec()).isNull();
        assertThat(cached.getStatus()).isNull();
        assertThat(cached.getMetadata().getManagedFields()).isNullOrEmpty();
        assertThat(cached.getMetadata().getLabels()).isNullOrEmpty();
        // The shared empty collections read as fabric8's own would, and the object still serializes.
        assertThat(cached.getMetadata().getFinalizers()).isEmpty();
        assertThat(cached.hasFinalizer("x")).isFalse();
        assertThat(cached.getMetadata().getOwnerReferences()).isEmpty();
        assertThat(new KubernetesSerialization().asJson(cached)).contains(full.getMetadata().getUid());
    }

    @Test
    void replicasInTheCacheHoldTheirEqualPartsOnce() {
        // Each parsed from its own JSON, as the informer receives them: equal parts, separate instances.
        KubernetesSerialization json = new KubernetesSerialization();
        Pod a = json.unmarshal(json.asJson(RealisticPods.asListed(4, 7, "shop", "node-3")), Pod.class);
        Pod b = json.unmarshal(json.asJson(RealisticPods.asListed(4, 8, "shop", "node-3")), Pod.class);
        CachedPod cachedA = CachedPod.of(a);
        CachedPod cachedB = CachedPod.of(b);
        assertThat(cachedA.info()).isEqualTo(ClusterObjectConverter.toPodInfo(a));
        assertThat(cachedB.info()).isEqualTo(ClusterObjectConverter.toPodInfo(b));
        assertThat(cachedB.info().labels()).isSameAs(cachedA.info().labels());
        assertThat(cachedB.info().tolerations()).isSameAs(cachedA.info().tolerations());
        assertThat(cachedB.info().requests()).isSameAs(cachedA.info().requests());
        assertThat(cachedB.getMetadata().getNamespace()).isSameAs(cachedA.getMetadata().getNamespace());
    }

    @Test
    void unschedulableAsTheLoopReadsIt() {
        Pod pending = new PodBuilder().withNewMetadata().withName("p").withNamespace("a").endMetadata()
                .withNewSpec().addNewContainer().withName("c").endContainer().endSpec()
                .withNewStatus().withPhase("Pending").addNewCondition().withType("PodScheduled").withStatus("False")
                .withReason("Unschedulable").endCondition().endStatus().build();
        Pod bound = new PodBuilder(pending).editSpec().withNodeName("n").endSpec().build();
        assertThat(AutoscalingLoop.unschedulable(CachedPod.of(pending))).isTrue();
        assertThat(AutoscalingLoop.unschedulable(pending)).isTrue();
        assertThat(AutoscalingLoop.unschedulable(CachedPod.of(bound))).isFalse();
        assertThat(AutoscalingLoop.unschedulable(bound)).isFalse();
    }

    @Test
    void aPodThatCannotBeConvertedIsLeftOutOfEveryPassWithItsReason() {
        Pod bad = new PodBuilder().withNewMetadata().withName("bad").withNamespace("a").endMetadata()
                .withNewSpec().addNewToleration().withKey("k").withOperator("Sometimes").endToleration().endSpec()
                .build();
        CachedPod cached = CachedPod.of(bad);
        assertThat(cached.info()).isNull();
        assertThat(cached.problem()).contains("Sometimes");
        List<String> warnings = new ArrayList<>();
        Pod good = RealisticPods.asListed(1, 1, "shop", "node-1");
        ClusterSnapshot fromCache = SnapshotFactory.assemble(List.of(), List.of(), List.of(cached, CachedPod.of(good)),
                List.of(), List.of(), List.of(), g -> false, warnings::add);
        List<String> liveWarnings = new ArrayList<>();
        ClusterSnapshot fromLive = SnapshotFactory.assemble(List.of(), List.of(), List.of(bad, good), List.of(),
                List.of(), List.of(), g -> false, liveWarnings::add);
        assertThat(fromCache.pods()).isEqualTo(fromLive.pods()).hasSize(1);
        assertThat(warnings).isEqualTo(liveWarnings).hasSize(1);
        assertThat(warnings.get(0)).contains("pod a/bad left out of planning", "Sometimes");
    }
}
