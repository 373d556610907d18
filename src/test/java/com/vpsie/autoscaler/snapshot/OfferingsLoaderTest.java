package com.vpsie.autoscaler.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vpsie.autoscaler.model.Offering;
import com.vpsie.autoscaler.model.Resources;
import java.util.List;
import org.junit.jupiter.api.Test;

class OfferingsLoaderTest {

    private static final long MI = 1024L * 1024;
    private static final long GI = 1024 * MI;

    private static List<String> problems(String content) {
        try {
            OfferingsLoader.parse("offerings.yaml", content);
        } catch (SnapshotException e) {
            return e.problems();
        }
        throw new AssertionError("expected the offerings to be rejected");
    }

    @Test
    void readsCoresOrQuantitiesWithDefaults() {
        List<Offering> offerings = OfferingsLoader.parse("offerings.yaml", """
                - {id: vps-2c-4g, cpu: 2, memory: 4Gi, pricePerHour: 0.03}
                - {id: vps-half, cpu: 0.5, memory: "512Mi", pods: 32, ephemeralStorage: 20Gi}
                - {id: vps-milli, cpu: "1500m", memory: 3G}
                """);
        assertThat(offerings).containsExactly(
                new Offering("vps-2c-4g", new Resources(2000, 4 * GI, 0, 110), 0.03),
                new Offering("vps-half", new Resources(500, 512 * MI, 20 * GI, 32), Double.NaN),
                new Offering("vps-milli", new Resources(1500, 3_000_000_000L, 0, 110), Double.NaN));
    }

    @Test
    void jsonWorksToo() {
        List<Offering> offerings = OfferingsLoader.parse("offerings.json",
                "[{\"id\": \"a\", \"cpu\": 4, \"memory\": \"8Gi\", \"pricePerHour\": 0.06}]");
        assertThat(offerings).containsExactly(new Offering("a", new Resources(4000, 8 * GI, 0, 110), 0.06));
    }

    @Test
    void yamlFlowStyleThatIsNotJson() {
        List<Offering> offerings = OfferingsLoader.parse("offerings.yaml", "[{id: a, cpu: 1, memory: 1Gi}]");
        assertThat(offerings).extracting(Offering::id).containsExactly("a");
    }

    @Test
    void errorsNameTheOfferingAndTheField() {
        assertThat(problems("""
                - {id: a, cpu: 2, memory: 4GB}
                - {cpu: 2, memory: 4Gi}
                - {id: c, cpu: two, memory: 4Gi}
                - {id: d, cpu: 2, memory: 4Gi, pods: 1.5}
                - {id: e, cpu: 2, memory: 4Gi, pricePerHour: cheap}
                - {id: f, cpu: 2, memory: 4Gi, pricePerHr: 0.1}
                - {id: g, cpu: 0, memory: 4Gi}
                - {id: h, cpu: 2}
                - just-a-string
                """)).containsExactly(
                "offerings.yaml: Offering a: memory: cannot parse quantity '4GB'",
                "offerings.yaml: Offering [1]: id: required",
                "offerings.yaml: Offering c: cpu: cannot parse quantity 'two'",
                "offerings.yaml: Offering d: pods: expected an integer, found '1.5'",
                "offerings.yaml: Offering e: pricePerHour: expected a number, found 'cheap'",
                "offerings.yaml: Offering f: pricePerHr: unknown field (known: id, cpu, memory, pods, pricePerHour,"
                        + " ephemeralStorage)",
                "offerings.yaml: Offering g: cpu: must be positive",
                "offerings.yaml: Offering h: memory: required",
                "offerings.yaml: Offering [8]: expected an object with id, cpu and memory");
    }

    @Test
    void duplicateIds() {
        assertThat(problems("""
                - {id: a, cpu: 2, memory: 4Gi}
                - {id: b, cpu: 2, memory: 4Gi}
                - {id: a, cpu: 4, memory: 8Gi}
                """)).containsExactly("offerings.yaml: Offering a: id: duplicate; also at [0]");
    }

    @Test
    void theFileMustBeAList() {
        assertThatThrownBy(() -> OfferingsLoader.parse("offerings.yaml", "id: a\ncpu: 2\n"))
                .isInstanceOf(SnapshotException.class)
                .hasMessage("offerings.yaml: document 1: expected a list of offerings");
    }
}
