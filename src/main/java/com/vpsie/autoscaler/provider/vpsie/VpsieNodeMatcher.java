package com.vpsie.autoscaler.provider.vpsie;

import com.vpsie.autoscaler.provider.ProviderServer;
import java.util.Collection;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds the server behind a Kubernetes node: by {@code spec.providerID} first, by hostname second. Nodes whose
 * providerID belongs to another provider are never matched.
 */
public final class VpsieNodeMatcher {

    private final String prefix;

    public VpsieNodeMatcher(String providerIdPrefix) {
        this.prefix = Objects.requireNonNull(providerIdPrefix, "providerIdPrefix");
    }

    /** True when the node carries another provider's providerID. */
    public boolean isForeign(String providerId) {
        return providerId != null && !providerId.isBlank() && !providerId.startsWith(prefix);
    }

    /**
     * @param nodeName the Node's name
     * @param providerId the Node's {@code spec.providerID}, possibly empty (not yet set by the cloud controller)
     */
    public Optional<ProviderServer> match(String nodeName, String providerId, Collection<ProviderServer> servers) {
        if (isForeign(providerId)) {
            return Optional.empty();
        }
        if (providerId != null && !providerId.isBlank()) {
            String suffix = providerId.substring(prefix.length());
            for (ProviderServer s : servers) {
                if (providerId.equals(s.providerId()) || suffix.equals(s.id())) {
                    return Optional.of(s);
                }
            }
        }
        if (nodeName == null || nodeName.isBlank()) {
            return Optional.empty();
        }
        String name = nodeName.toLowerCase(Locale.ROOT);
        for (ProviderServer s : servers) {
            if (s.hostname() == null) {
                continue;
            }
            String host = s.hostname().toLowerCase(Locale.ROOT);
            // VPSie may report a fully qualified hostname for a node registered under its short name.
            if (host.equals(name) || host.startsWith(name + ".")) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
