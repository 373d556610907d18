package com.vpsie.autoscaler.testing;

import com.vpsie.autoscaler.model.Offering;
import com.vpsie.autoscaler.provider.CloudProvider;
import com.vpsie.autoscaler.provider.CreateOutcome;
import com.vpsie.autoscaler.provider.ProviderException;
import com.vpsie.autoscaler.provider.ProviderGroup;
import com.vpsie.autoscaler.provider.ProviderServer;
import java.util.List;
import java.util.Map;

/** Forwards every call to another provider; a test overrides the one call it wants to watch or change. */
public class ForwardingCloudProvider implements CloudProvider {

    private final CloudProvider delegate;

    public ForwardingCloudProvider(CloudProvider delegate) {
        this.delegate = delegate;
    }

    @Override
    public List<ProviderServer> listServers(ProviderGroup group) throws ProviderException {
        return delegate.listServers(group);
    }

    @Override
    public ProviderServer createServer(ProviderGroup group, String offeringId, String requestId)
            throws ProviderException {
        return delegate.createServer(group, offeringId, requestId);
    }

    @Override
    public CreateOutcome requestServer(ProviderGroup group, String offeringId, String requestId)
            throws ProviderException {
        return delegate.requestServer(group, offeringId, requestId);
    }

    @Override
    public void deleteServer(ProviderGroup group, String serverId) throws ProviderException {
        delegate.deleteServer(group, serverId);
    }

    @Override
    public List<Offering> listOfferings(String datacenterId) throws ProviderException {
        return delegate.listOfferings(datacenterId);
    }

    @Override
    public String providerIdPrefix() {
        return delegate.providerIdPrefix();
    }

    @Override
    public Long knownGroupId(String groupKey) {
        return delegate.knownGroupId(groupKey);
    }

    @Override
    public void deleteGroup(ProviderGroup group, long vpsieGroupId) throws ProviderException {
        delegate.deleteGroup(group, vpsieGroupId);
    }

    @Override
    public void prepareOffering(ProviderGroup group, String offeringId) throws ProviderException {
        delegate.prepareOffering(group, offeringId);
    }

    @Override
    public Map<String, Long> knownGroupIds(String groupKey) {
        return delegate.knownGroupIds(groupKey);
    }

    @Override
    public void forgetGroup(String groupKey) {
        delegate.forgetGroup(groupKey);
    }
}
