package com.vpsie.autoscaler.provider.vpsie;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vpsie.autoscaler.model.Offering;
import com.vpsie.autoscaler.provider.ProviderServer;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VpsieWireTest {

    @Test
    void pathTemplatesExpandToSegments() {
        assertThat(VpsieWire.Paths.segments("/k8s/cluster/byId/{cluster}/add/slave/group/{group}",
                Map.of("cluster", "a b", "group", "7")))
                .containsExactly("k8s", "cluster", "byId", "a b", "add", "slave", "group", "7");
        assertThatThrownBy(() -> VpsieWire.Paths.segments("/vm/{id}", Map.of()))
                .hasMessageContaining("{id}");
        assertThatThrownBy(() -> new VpsieWire.Paths("auth", "/a", "/a", "/a", "/a", "/a", "/a", "/a", "/a", "/a", "/a"))
                .hasMessageContaining("must start with '/'");
    }

    @Test
    void timestampsInEveryFormSeen() {
        Instant t = Instant.parse("2026-03-01T10:00:00Z");
        assertThat(VpsieWire.parseTimestamp("2026-03-01T10:00:00Z")).isEqualTo(t);
        assertThat(VpsieWire.parseTimestamp("2026-03-01T11:00:00+01:00")).isEqualTo(t);
        assertThat(VpsieWire.parseTimestamp("2026-03-01 10:00:00")).isEqualTo(t);
        assertThat(VpsieWire.parseTimestamp(Long.toString(t.getEpochSecond()))).isEqualTo(t);
        assertThat(VpsieWire.parseTimestamp(Long.toString(t.toEpochMilli()))).isEqualTo(t);
        assertThat(VpsieWire.parseTimestamp("yesterday")).isNull();
        assertThat(VpsieWire.parseTimestamp(" ")).isNull();
        assertThat(VpsieWire.formatTimestamp(t)).isEqualTo("2026-03-01T10:00:00Z");
    }

    @Test
    void nodesAreReadWithTheGroupFieldUnderAnyOfItsNames() throws Exception {
        var mapper = VpsieWire.mapper();
        for (String field : new String[] {"group_id", "groupId", "node_group_id", "nodeGroupId"}) {
            VpsieWire.ClusterNodeDto node = mapper.readValue(
                    "{\"id\": 5, \"identifier\": \"u\", \"" + field + "\": \"12\", \"boxsize_id\": 3, \"extra\": 1}",
                    VpsieWire.ClusterNodeDto.class);
            assertThat(node.groupId()).as(field).isEqualTo(12L);
            assertThat(node.boxsizeId()).isEqualTo("3");
        }
    }

    @Test
    void nodesMapToServers() {
        VpsieMapping mapping = new VpsieMapping("vpsie://", 110);
        var node = new VpsieWire.ClusterNodeDto(5L, null, "h", null, "10.1.0.2", 2, 1L, null, null, "Installing",
                "2026-03-01 10:00:00", null, null, null, null, null);

        ProviderServer s = mapping.server(node, "2", ProviderServer.State.RUNNING);

        assertThat(s.id()).isEqualTo("5");
        assertThat(s.providerId()).isEqualTo("vpsie://5");
        assertThat(s.offeringId()).isEqualTo("2");
        assertThat(s.ipAddress()).isEqualTo("10.1.0.2");
        assertThat(s.state()).isEqualTo(ProviderServer.State.PROVISIONING);
        assertThat(s.createdAt()).isEqualTo(Instant.parse("2026-03-01T10:00:00Z"));
        assertThat(VpsieMapping.state("running", null)).isEqualTo(ProviderServer.State.RUNNING);
        assertThat(VpsieMapping.state("Deleting", null)).isEqualTo(ProviderServer.State.DELETING);
        assertThat(VpsieMapping.state("error", null)).isEqualTo(ProviderServer.State.FAILED);
        assertThat(VpsieMapping.state(null, ProviderServer.State.RUNNING)).isEqualTo(ProviderServer.State.RUNNING);
    }

    @Test
    void offersMapToOfferingsWithHourlyPrices() {
        VpsieMapping mapping = new VpsieMapping("vpsie://", 110);

        Offering monthly = mapping.offering(new VpsieWire.OfferDto("9", "m", 1, 1024, null, 73.0, null));
        Offering unpriced = mapping.offering(new VpsieWire.OfferDto("8", "u", 1, 1024, 20, null, 0.0));

        assertThat(monthly.pricePerHour()).isEqualTo(0.1);
        assertThat(monthly.resources().memoryBytes()).isEqualTo(1024L * 1024 * 1024);
        assertThat(monthly.resources().ephemeralStorageBytes()).isZero();
        assertThat(unpriced.pricePerHour()).isNaN();
    }
}
