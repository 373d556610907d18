package com.vpsie.autoscaler.controller;

import static com.vpsie.autoscaler.testing.IgnoreEvents.ignoring;
import static org.assertj.core.api.Assertions.assertThat;

import com.vpsie.autoscaler.sim.kube.StrictMockServer;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pod informer lists pods a page at a time, so the whole objects of one page, not of the whole cluster,
 * are in the heap at once before the item store trims them. The mock API server ignores {@code limit} and
 * answers every pod in one page (a real API server answers a page and a continue token); what is checked here
 * is that the request asks for pages, and that the cache still fills.
 */
class ClusterCachePodListPagingIT {

    private final StrictMockServer kube = StrictMockServer.start();
    private ClusterCache cache;

    @AfterEach
    void stop() {
        if (cache != null) {
            cache.close();
        }
        kube.close();
    }

    @Test
    void podsAreListedInPages() throws Exception {
        for (int i = 0; i < 3; i++) {
            kube.client().pods().inNamespace("test").resource(new PodBuilder().withNewMetadata().withName("p-" + i)
                    .endMetadata().withNewSpec().addNewContainer().withName("c").endContainer().endSpec().build())
                    .create();
        }
        cache = new ClusterCache(kube.client(), List.of("test"));
        cache.start(ignoring(), ignoring(), ignoring());
        assertThat(cache.awaitSynced(60_000)).isTrue();

        assertThat(cache.pods()).hasSize(3);
        List<String> podLists = new ArrayList<>();
        RecordedRequest r;
        while ((r = kube.server().takeRequest(1, TimeUnit.SECONDS)) != null) {
            String path = r.getPath();
            if ("GET".equals(r.getMethod()) && path.startsWith("/api/v1/pods?") && !path.contains("watch=true")) {
                podLists.add(path);
            }
        }
        assertThat(podLists).isNotEmpty().allMatch(p -> p.contains("limit=" + ClusterCache.POD_LIST_PAGE));
    }
}
