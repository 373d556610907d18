package com.vpsie.autoscaler.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import com.vpsie.autoscaler.model.ClusterSnapshot;
import com.vpsie.autoscaler.model.NodeInfo;
import com.vpsie.autoscaler.model.Offering;
import com.vpsie.autoscaler.model.PodInfo;
import com.vpsie.autoscaler.model.WellKnown;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The files in examples/ are what the README and the demo use; they must load cleanly. */
class ExamplesTest {

    private static final Path EXAMPLES = Path.of("examples");

    @Test
    void offeringsLoad() {
        List<Offering> offerings = OfferingsLoader.load(EXAMPLES.resolve("offerings.yaml"));
        assertThat(offerings).extracting(Offering::id)
                .containsExactly("vps-2c-4g", "vps-4c-8g", "vps-4c-16g", "vps-8c-32g", "vps-gpu-8c-32g");
        assertThat(offerings).allSatisfy(o -> assertThat(o.pricePerHour()).isPositive());
    }

    @Test
    void snapshotLoadsWithoutWarnings() {
        LoadedSnapshot loaded = SnapshotLoader.load(EXAMPLES.resolve("snapshot.yaml"),
                OfferingsLoader.load(EXAMPLES.resolve("offerings.yaml")));
        assertThat(loaded.warnings()).isEmpty();
        ClusterSnapshot s = loaded.snapshot();

        assertThat(s.nodeGroups()).containsOnlyKeys("general", "highmem", "gpu");
        assertThat(s.nodes()).hasSize(7).allSatisfy(n -> assertThat(n.ready()).isTrue());
        assertThat(s.nodes()).filteredOn(n -> n.nodeGroup() == null).extracting(NodeInfo::name).containsExactly("cp-1");
        assertThat(s.nodesOf("general")).hasSize(4);
        assertThat(s.nodes()).filteredOn(n -> "true".equals(n.annotations().get(WellKnown.CA_SCALE_DOWN_DISABLED_ANNOTATION)))
                .extracting(NodeInfo::name).containsExactly("highmem-m9n0p");
        assertThat(s.podsOn("general-j7k8l")).allSatisfy(p -> assertThat(p.isDaemonSetPod()).isTrue());
        assertThat(s.pods().stream().filter(PodInfo::unschedulable).map(PodInfo::name))
                .containsExactly("analytics-6f9c7b8d5-d7kqp", "analytics-6f9c7b8d5-s2mzv", "search-5d8b6c7f4-n8wq3",
                        "train-big", "nvme-scratch");
        assertThat(s.pdbs()).singleElement().satisfies(p -> assertThat(p.disruptionsAllowed()).isEqualTo(1));
        assertThat(s.pods()).filteredOn(p -> p.volumes().stream().anyMatch(v -> v.isLocalStorage())
                        && !p.isDaemonSetPod() && !p.isMirror())
                .extracting(PodInfo::name).containsExactly("api-5f7b9c8d4-b8n2v", "api-5f7b9c8d4-m4k7p");
    }

    @Test
    void nodeGroupManifestsPassValidation() {
        LoadedSnapshot loaded = SnapshotLoader.load(EXAMPLES.resolve("nodegroups.yaml"),
                OfferingsLoader.load(EXAMPLES.resolve("offerings.yaml")));
        assertThat(loaded.warnings()).isEmpty();
        assertThat(loaded.snapshot().nodeGroups()).containsOnlyKeys("general", "highmem", "gpu");
        assertThat(loaded.snapshot().nodeGroups().get("gpu").taints()).hasSize(1);
        assertThat(loaded.snapshot().nodeGroups().get("general").preferredOffering()).isEqualTo("vps-2c-4g");
    }
}
