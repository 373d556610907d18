package com.vpsie.autoscaler.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnavailableOfferingsTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private final UnavailableOfferings cache = new UnavailableOfferings(Duration.ofMinutes(3));

    @Test
    void aRefusedOfferingIsUnavailableInItsDatacenterOnlyAndUntilTheTtlEnds() {
        Instant until = cache.refused("dc-1", "2", T0);

        assertThat(until).isEqualTo(T0.plus(Duration.ofMinutes(3)));
        assertThat(cache.unavailableUntil("dc-1", "2", T0.plusSeconds(179))).isEqualTo(until);
        assertThat(cache.unavailableUntil("dc-2", "2", T0)).as("another datacenter").isNull();
        assertThat(cache.unavailableUntil("dc-1", "3", T0)).as("another offering").isNull();
        assertThat(cache.unavailableUntil("dc-1", "2", until)).as("expired at the end").isNull();
    }

    @Test
    void expiredEntriesAreDroppedNotJustHidden() {
        cache.refused("dc-1", "1", T0);
        cache.refused("dc-1", "2", T0.plusSeconds(60));

        assertThat(cache.entries(T0.plusSeconds(200))).extracting(UnavailableOfferings.Entry::offering)
                .containsExactly("2");
        assertThat(cache.size()).isEqualTo(1);
        assertThat(cache.unavailableOf("dc-1", List.of("1", "2"), T0.plusSeconds(240))).isEmpty();
        assertThat(cache.size()).isZero();
    }

    @Test
    void aRepeatedRefusalExtendsTheWait() {
        cache.refused("dc-1", "2", T0);
        Instant later = cache.refused("dc-1", "2", T0.plusSeconds(120));

        assertThat(cache.unavailableUntil("dc-1", "2", T0.plusSeconds(200))).isEqualTo(later);
        assertThat(cache.unavailableOf("dc-1", List.of("1", "2"), T0.plusSeconds(200))).containsOnlyKeys("2");
    }

    @Test
    void theCacheStaysBoundedDroppingWhatExpiresFirst() {
        for (int i = 0; i <= UnavailableOfferings.MAX_ENTRIES; i++) {
            cache.refused("dc-1", "o" + i, T0.plusMillis(i));
        }

        assertThat(cache.size()).isEqualTo(UnavailableOfferings.MAX_ENTRIES);
        assertThat(cache.unavailableUntil("dc-1", "o0", T0.plusMillis(10))).isNull();
        assertThat(cache.unavailableUntil("dc-1", "o" + UnavailableOfferings.MAX_ENTRIES, T0.plusMillis(10)))
                .isNotNull();
    }

    @Test
    void aTtlMustBePositive() {
        assertThatThrownBy(() -> new UnavailableOfferings(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TTL");
    }
}
