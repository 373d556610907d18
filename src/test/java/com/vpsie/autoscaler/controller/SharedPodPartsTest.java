package com.vpsie.autoscaler.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.vpsie.autoscaler.bench.RealisticPods;
import com.vpsie.autoscaler.model.PodInfo;
import com.vpsie.autoscaler.model.Resources;
import com.vpsie.autoscaler.model.Toleration;
import com.vpsie.autoscaler.snapshot.ClusterObjectConverter;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SharedPodPartsTest {

    private final SharedPodParts shared = new SharedPodParts();

    @Test
    void equalPartsAreHeldOnceAndDistinctOnesEachKeepTheirOwn() {
        Map<String, String> first = Map.copyOf(labels("app-1"));
        Map<String, String> equalCopy = Map.copyOf(labels("app-1"));
        Map<String, String> other = Map.copyOf(labels("app-2"));
        assertThat(equalCopy).isNotSameAs(first);

        assertThat(shared.intern(first)).isSameAs(first);
        assertThat(shared.intern(equalCopy)).isSameAs(first);
        assertThat(shared.intern(other)).isSameAs(other).isNotEqualTo(first);
        assertThat(shared.intern(new Resources(100, 1 << 20, 0, 1))).isEqualTo(new Resources(100, 1 << 20, 0, 1));
        assertThat((Object) shared.intern(null)).isNull();
    }

    @Test
    void replicasParsedFromTheirOwnJsonShareTheirEqualPartsAndConvertAsBefore() {
        // Two replicas of one Deployment on one node, each parsed from its own JSON as the informer does.
        PodInfo a = parsedAndConverted(RealisticPods.asListed(4, 7, "shop", "node-3"));
        PodInfo b = parsedAndConverted(RealisticPods.asListed(4, 8, "shop", "node-3"));
        assertThat(b.labels()).isNotSameAs(a.labels());

        PodInfo sharedA = shared.share(a);
        PodInfo sharedB = shared.share(b);

        assertThat(sharedA).isEqualTo(a);
        assertThat(sharedB).isEqualTo(b);
        assertThat(sharedB.labels()).isSameAs(sharedA.labels());
        assertThat(sharedB.requests()).isSameAs(sharedA.requests());
        assertThat(sharedB.tolerations()).isSameAs(sharedA.tolerations());
        assertThat(sharedB.requiredNodeAffinity()).isSameAs(sharedA.requiredNodeAffinity()).isNotEmpty();
        assertThat(sharedB.controller()).isSameAs(sharedA.controller());
        assertThat(sharedB.volumes()).isSameAs(sharedA.volumes());
        assertThat(sharedB.namespace()).isSameAs(sharedA.namespace());
        assertThat(sharedB.nodeName()).isSameAs(sharedA.nodeName());
        assertThat(sharedB.name()).isNotEqualTo(sharedA.name());
    }

    @Test
    void threadsInterningEqualPartsAtOnceAllGetTheSameInstance() throws Exception {
        int threads = 8;
        int rounds = 2_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<Object>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    start.await();
                    List<Object> got = new ArrayList<>(rounds);
                    for (int i = 0; i < rounds; i++) {
                        // A fresh but equal value each time, as every parsed pod brings one.
                        got.add(shared.intern(List.of(new Toleration("key-" + (i % 50), Toleration.Operator.EXISTS,
                                null, null))));
                    }
                    return got;
                }));
            }
            start.countDown();
            List<List<Object>> all = new ArrayList<>();
            for (Future<List<Object>> f : results) {
                all.add(f.get(5, TimeUnit.MINUTES)); // a guard against a hang, not a timing assertion
            }
            for (List<Object> got : all) {
                for (int i = 0; i < rounds; i++) {
                    assertThat(got.get(i)).isSameAs(all.get(0).get(i % 50));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aPartNobodyHoldsAnyMoreIsDropped() {
        Map<String, String> held = shared.intern(Map.copyOf(labels("kept")));
        internAndForget("gone-1");
        internAndForget("gone-2");
        assertThat(shared.size()).isEqualTo(3);

        // Collections are not promised by System.gc(); a bounded number of requests, no timing.
        for (int i = 0; i < 50 && shared.size() > 1; i++) {
            System.gc();
        }

        assertThat(shared.size()).isEqualTo(1);
        assertThat(shared.intern(Map.copyOf(labels("kept")))).isSameAs(held);
        Reference.reachabilityFence(held);
    }

    private void internAndForget(String app) {
        shared.intern(Map.copyOf(labels(app)));
    }

    private static Map<String, String> labels(String app) {
        // Built at run time so no string comes from the constant pool, which would hold it for ever.
        Map<String, String> labels = new HashMap<>();
        labels.put(new String(RealisticPods.APP_LABEL), app + "");
        labels.put("team", new StringBuilder("team-").append(app.length()).toString());
        return labels;
    }

    private static PodInfo parsedAndConverted(Pod pod) {
        KubernetesSerialization json = new KubernetesSerialization();
        return ClusterObjectConverter.toPodInfo(json.unmarshal(json.asJson(pod), Pod.class));
    }
}
