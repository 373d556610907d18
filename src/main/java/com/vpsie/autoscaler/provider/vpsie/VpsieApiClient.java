package com.vpsie.autoscaler.provider.vpsie;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.vpsie.autoscaler.metrics.AutoscalerMetrics;
import com.vpsie.autoscaler.provider.ProviderException;
import dev.failsafe.Bulkhead;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import okhttp3.MediaType;
import okhttp3.RequestBody;

/**
 * The VPSie calls the autoscaler makes, typed. Each method is one API operation with the transport's deadlines,
 * retries, circuit breakers and rate limit; server creations also pass a bulkhead. Errors are
 * {@link ProviderException.Transient} or {@link ProviderException.Terminal} with the endpoint named.
 */
public final class VpsieApiClient implements AutoCloseable, VpsieGroupDirectory.Api {

    private static final MediaType JSON = MediaType.get("application/json");

    private final VpsieConfig config;
    private final VpsieTransport transport;
    private final VpsieAuthenticator authenticator;
    private final ObjectMapper mapper;
    private final Bulkhead<Object> createBulkhead;

    VpsieApiClient(VpsieConfig config, VpsieTransport transport) {
        this.config = config;
        this.transport = transport;
        this.authenticator = new VpsieAuthenticator(transport);
        this.mapper = transport.mapper();
        this.createBulkhead = Bulkhead.builder(config.maxConcurrentCreates()).build();
    }

    /** A client with its own HTTP connection pool; {@link #close()} releases it. */
    public static VpsieApiClient create(VpsieConfig config, VpsieCredentialsSource credentials,
                                        AutoscalerMetrics metrics, Clock clock) {
        Objects.requireNonNull(config, "config");
        VpsieTransport transport = new VpsieTransport(config, credentials, metrics, clock,
                VpsieTransport.httpClient(config), VpsieWire.mapper());
        return new VpsieApiClient(config, transport);
    }

    public VpsieConfig config() {
        return config;
    }

    /** The node groups of a VPSie Kubernetes cluster. */
    public List<VpsieWire.NodeGroupDto> listNodeGroups(String clusterId) throws ProviderException {
        ApiCall call = new ApiCall(EndpointFamily.NODE_GROUPS, "GET", config.paths().nodeGroups(),
                Map.of(VpsieWire.CLUSTER, clusterId), null, true, true);
        return list(call, run(call), VpsieWire.NodeGroupDto.class);
    }

    /**
     * Asks VPSie for a new node group of one size. Not idempotent: only failures that prove nothing happened are
     * retried here; otherwise the answer says whether it was acted on, and the caller looks for the group by name.
     *
     * @return false when the outcome is unknown (a timeout, a lost reply, a 5xx): the group may or may not exist
     */
    public boolean createNodeGroup(String clusterId, String groupName, long kubeSizeId) throws ProviderException {
        ApiCall call = new ApiCall(EndpointFamily.ADD_GROUP, "POST", config.paths().addGroup(), Map.of(),
                c -> json(new VpsieWire.CreateGroupRequest(clusterId, groupName, kubeSizeId)), true, false);
        try {
            JsonNode data = transport.execute(call, authenticator).path(VpsieWire.ENVELOPE_DATA);
            if (data.isBoolean() && !data.booleanValue()) {
                throw new ProviderException.Transient(ErrorClassifier.prefix(call) + "VPSie answered data=false");
            }
            return true;
        } catch (CallFailure f) {
            if (f.kind() == CallFailure.Kind.TRANSIENT && !f.notActedOn()) {
                return false;
            }
            throw f.toProviderException();
        }
    }

    /**
     * Deletes a node group.
     *
     * @return false when VPSie says it does not exist (already deleted)
     */
    public boolean deleteNodeGroup(long groupId) throws ProviderException {
        return delete(new ApiCall(EndpointFamily.DELETE_GROUP, "DELETE", config.paths().deleteGroup(),
                Map.of(VpsieWire.GROUP, Long.toString(groupId)), null, true, true));
    }

    /** A cluster with all its nodes. */
    public VpsieWire.ClusterDto getCluster(String clusterId) throws ProviderException {
        ApiCall call = new ApiCall(EndpointFamily.CLUSTER, "GET", config.paths().cluster(),
                Map.of(VpsieWire.CLUSTER, clusterId), null, true, true);
        JsonNode data = run(call).path(VpsieWire.ENVELOPE_DATA);
        if (!data.isObject()) {
            throw malformed(call, "'data' is not an object");
        }
        return convert(call, data, mapper.constructType(VpsieWire.ClusterDto.class));
    }

    /** Every VM of the account ({@code GET /vm}, an enveloped list). */
    public List<VpsieWire.VmDto> listVms() throws ProviderException {
        ApiCall call = new ApiCall(EndpointFamily.VMS, "GET", config.paths().vms(), Map.of(), null, true, true);
        return list(call, run(call), VpsieWire.VmDto.class);
    }

    /**
     * One VM, or empty when VPSie does not know it. VPSie's Go client reads {@code GET /vm/{id}} as the bare VM
     * object; a reply wrapped in the usual envelope ({@code data}) is read as well.
     */
    public Optional<VpsieWire.VmDto> getVm(long id) throws ProviderException {
        ApiCall call = new ApiCall(EndpointFamily.VMS, "GET", config.paths().vm(),
                Map.of(VpsieWire.ID, Long.toString(id)), null, true, true);
        JsonNode body;
        try {
            body = transport.execute(call, authenticator);
        } catch (CallFailure f) {
            if (f.kind() == CallFailure.Kind.NOT_FOUND) {
                return Optional.empty();
            }
            throw f.toProviderException();
        }
        JsonNode vm = body.has(VpsieWire.ENVELOPE_DATA) ? body.get(VpsieWire.ENVELOPE_DATA) : body;
        if (!vm.isObject() || !(vm.hasNonNull("id") || vm.hasNonNull("identifier"))) {
            throw malformed(call, "the reply holds no VM");
        }
        return Optional.of(convert(call, vm, mapper.constructType(VpsieWire.VmDto.class)));
    }

    /** Kubernetes node sizes offered in a datacenter. Read-only, so retried like a GET although it is a POST. */
    public List<VpsieWire.OfferDto> listOffers(String datacenterId) throws ProviderException {
        ApiCall call = new ApiCall(EndpointFamily.OFFERS, "POST", config.paths().offers(), Map.of(),
                c -> json(new VpsieWire.OffersRequest(datacenterId)), true, true);
        return list(call, run(call), VpsieWire.OfferDto.class);
    }

    /**
     * Asks VPSie for one more worker in a node group. Not idempotent: only failures that prove nothing happened
     * are retried here; a timeout, lost reply or 5xx is reported as {@link AddWorkerOutcome.Unknown}.
     */
    public AddWorkerOutcome addWorker(String clusterId, long groupId) throws ProviderException {
        ApiCall call = new ApiCall(EndpointFamily.ADD_WORKER, "POST", config.paths().addWorker(),
                Map.of(VpsieWire.CLUSTER, clusterId, VpsieWire.GROUP, Long.toString(groupId)), null, true, false);
        boolean permitted;
        try {
            permitted = createBulkhead.tryAcquirePermit(config.createQueueWait());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException.Transient(ErrorClassifier.prefix(call) + "interrupted");
        }
        if (!permitted) {
            throw new ProviderException.Transient(ErrorClassifier.prefix(call) + "more than "
                    + config.maxConcurrentCreates() + " server creations in flight");
        }
        try {
            JsonNode data = transport.execute(call, authenticator).path(VpsieWire.ENVELOPE_DATA);
            if (data.isObject() && (data.hasNonNull("identifier") || data.hasNonNull("id"))) {
                return new AddWorkerOutcome.Created(
                        convert(call, data, mapper.constructType(VpsieWire.ClusterNodeDto.class)));
            }
            if (data.isBoolean() && !data.booleanValue()) {
                throw new ProviderException.Transient(ErrorClassifier.prefix(call) + "VPSie answered data=false");
            }
            return new AddWorkerOutcome.Accepted();
        } catch (CallFailure f) {
            if (f.kind() == CallFailure.Kind.TRANSIENT && !f.notActedOn()) {
                return new AddWorkerOutcome.Unknown(f.getMessage());
            }
            throw f.toProviderException();
        } finally {
            createBulkhead.releasePermit();
        }
    }

    /**
     * Deletes one named worker.
     *
     * @return false when VPSie says it does not exist (already deleted)
     */
    public boolean deleteWorker(String clusterId, String identifier) throws ProviderException {
        return delete(new ApiCall(EndpointFamily.DELETE_WORKER, "DELETE", config.paths().deleteWorker(),
                Map.of(VpsieWire.CLUSTER, clusterId), c -> json(new VpsieWire.DeleteWorkerRequest(identifier)),
                true, true));
    }

    /** Runs a delete; false when VPSie says the object is not there (deleted already). */
    private boolean delete(ApiCall call) throws ProviderException {
        try {
            transport.execute(call, authenticator);
            return true;
        } catch (CallFailure f) {
            if (f.kind() == CallFailure.Kind.NOT_FOUND) {
                return false;
            }
            throw f.toProviderException();
        }
    }

    private JsonNode run(ApiCall call) throws ProviderException {
        try {
            return transport.execute(call, authenticator);
        } catch (CallFailure f) {
            throw f.toProviderException();
        }
    }

    private <T> List<T> list(ApiCall call, JsonNode body, Class<T> type) throws ProviderException {
        JsonNode data = body.path(VpsieWire.ENVELOPE_DATA);
        if (data.isMissingNode() || data.isNull()) {
            return List.of();
        }
        if (!data.isArray()) {
            throw malformed(call, "'data' is not a list");
        }
        return convert(call, data, mapper.getTypeFactory().constructCollectionType(List.class, type));
    }

    private <T> T convert(ApiCall call, JsonNode node, JavaType type) throws ProviderException {
        try {
            return mapper.treeToValue(node, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw malformed(call, "unexpected reply shape");
        }
    }

    private static ProviderException malformed(ApiCall call, String what) {
        return new ProviderException.Transient(ErrorClassifier.prefix(call) + what);
    }

    private RequestBody json(Object body) {
        try {
            return RequestBody.create(mapper.writeValueAsBytes(body), JSON);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + body.getClass().getSimpleName(), e);
        }
    }

    @Override
    public void close() {
        transport.close();
    }
}
