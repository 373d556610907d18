package com.vpsie.autoscaler.provider;

import com.vpsie.autoscaler.model.Offering;
import java.util.List;

/**
 * The cloud as the controller sees it: servers per node group, created one at a time and deleted by
 * name, never by count. Every method has a deadline and throws {@link ProviderException.Transient}
 * for errors worth retrying and {@link ProviderException.Terminal} for those that are not.
 */
public interface CloudProvider {

    /** Servers the cloud holds for the group, including ones still provisioning. */
    List<ProviderServer> listServers(ProviderGroup group) throws ProviderException;

    /**
     * Adds one server to the group. Idempotent per {@code requestId}: a retry after a lost answer must
     * return the server the first call created instead of creating a second one.
     */
    ProviderServer createServer(ProviderGroup group, String offeringId, String requestId) throws ProviderException;

    /**
     * Sends one add call for the group and returns what it achieved without waiting for the server to be listed;
     * the caller matches the server when it appears and never sends {@code requestId} twice. The default waits as
     * {@link #createServer} does, for clouds that name their servers at once.
     */
    default CreateOutcome requestServer(ProviderGroup group, String offeringId, String requestId)
            throws ProviderException {
        return new CreateOutcome.Created(createServer(group, offeringId, requestId));
    }

    /** Deletes the named server; deleting one that is already gone succeeds. */
    void deleteServer(ProviderGroup group, String serverId) throws ProviderException;

    /** Server sizes available in a datacenter. */
    List<Offering> listOfferings(String datacenterId) throws ProviderException;

    /** The {@code spec.providerID} prefix of this provider's nodes, e.g. {@code vpsie://}. */
    String providerIdPrefix();

    /**
     * The provider's own id of a NodeGroup's group ("namespace/name") once it has found it, else null; answers
     * from memory, never calls out. The reconciler records it in {@code status.vpsieGroupID}.
     */
    default Long knownGroupId(String groupKey) {
        return null;
    }

    /** Removes a VPSie node group of this NodeGroup; succeeds when it is already gone. */
    default void deleteGroup(ProviderGroup group, long vpsieGroupId) throws ProviderException {
        throw new ProviderException.Terminal("this provider cannot delete node groups");
    }

    /** Drops what the provider remembers about a NodeGroup ("namespace/name") that was deleted. */
    default void forgetGroup(String groupKey) {
    }
}
