package com.vpsie.autoscaler.provider;

import java.time.Instant;

/**
 * One server of a group at the provider.
 *
 * @param id the provider's identifier, used to delete it
 * @param hostname the name the server's Node registers with
 * @param providerId the {@code spec.providerID} its Node will carry
 */
public record ProviderServer(String id, String hostname, String providerId, String offeringId, State state,
                             Instant createdAt, String ipAddress) {

    public enum State { PROVISIONING, RUNNING, DELETING, FAILED }
}
