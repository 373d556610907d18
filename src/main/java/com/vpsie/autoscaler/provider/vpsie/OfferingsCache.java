package com.vpsie.autoscaler.provider.vpsie;

import com.vpsie.autoscaler.model.Offering;
import com.vpsie.autoscaler.provider.ProviderException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Offerings per datacenter, reused for a TTL so planners can ask every pass without calling VPSie. When a
 * refresh fails with a transient error and an older list exists, the older list is served (sizes and prices
 * rarely change) and the failure logged.
 */
final class OfferingsCache {

    private static final Logger LOG = LoggerFactory.getLogger(OfferingsCache.class);

    interface Loader {
        List<Offering> load(String datacenterId) throws ProviderException;
    }

    private record Entry(List<Offering> offerings, Instant fetchedAt) {
    }

    private final Duration ttl;
    private final Clock clock;
    private final Loader loader;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    OfferingsCache(Duration ttl, Clock clock, Loader loader) {
        this.ttl = ttl;
        this.clock = clock;
        this.loader = loader;
    }

    List<Offering> get(String datacenterId) throws ProviderException {
        Entry entry = entries.get(datacenterId);
        Instant now = clock.instant();
        if (entry != null && now.isBefore(entry.fetchedAt.plus(ttl))) {
            return entry.offerings;
        }
        try {
            List<Offering> fresh = List.copyOf(loader.load(datacenterId));
            entries.put(datacenterId, new Entry(fresh, now));
            return fresh;
        } catch (ProviderException.Transient e) {
            if (entry == null) {
                throw e;
            }
            LOG.warn("Serving VPSie offerings of datacenter {} fetched at {}: refresh failed: {}", datacenterId,
                    entry.fetchedAt, e.getMessage());
            return entry.offerings;
        }
    }
}
