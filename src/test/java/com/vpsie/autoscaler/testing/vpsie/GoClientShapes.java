package com.vpsie.autoscaler.testing.vpsie;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * The VPSie replies as VPSie's own Go autoscaler ({@code vpsieinc/vpsie-k8s-autoscaler}, {@code pkg/vpsie/client})
 * declares them, field by field with its Go types, and a reader as strict as Go's {@code encoding/json}: a
 * number never reads into a string field nor a string into a number or a boolean, and unknown fields are
 * ignored. A reply this reader refuses is one the Go client fails to decode. Written from the Go client's
 * types, not copied from it.
 */
public final class GoClientShapes {

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .withCoercionConfig(LogicalType.Textual, c -> c
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Integer, c -> c
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Float, c -> c
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Boolean, c -> c
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail))
            .build();

    private GoClientShapes() {
    }

    /** Reads {@code json} as the Go client would into {@code type}; throws when Go's decoder would fail. */
    public static <T> T decode(String json, Class<T> type) {
        try {
            return STRICT.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException("the Go client could not decode this as " + type.getSimpleName()
                    + ": " + e.getMessage(), e);
        }
    }

    /** A recorded answer: {@code src/test/resources/vpsie-contract/<shape>/<name>.json}. */
    public static String recorded(String shape, String name) {
        String resource = "/vpsie-contract/" + shape + "/" + name + ".json";
        try (InputStream in = GoClientShapes.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no recorded answer " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Go's {@code time.Time} reads RFC 3339 only; an empty or absent time is left at zero. */
    public static void requireRfc3339(String time) {
        if (time != null && !time.isEmpty()) {
            OffsetDateTime.parse(time);
        }
    }

    /** {@code GET /k8s/node/groups/byClusterId/{cluster}}. */
    public record NodeGroupsReply(@JsonProperty("error") boolean error, @JsonProperty("code") int code,
                                  @JsonProperty("message") String message,
                                  @JsonProperty("data") List<NodeGroup> data) {
    }

    public record NodeGroup(@JsonProperty("id") int id, @JsonProperty("group_name") String groupName,
                            @JsonProperty("identifier") String identifier, @JsonProperty("boxsize_id") int boxsizeId,
                            @JsonProperty("datacenter_id") int datacenterId,
                            @JsonProperty("dcIdentifier") String dcIdentifier, @JsonProperty("ram") int ram,
                            @JsonProperty("cpu") int cpu, @JsonProperty("ssd") int ssd,
                            @JsonProperty("traffic") int traffic, @JsonProperty("nodes_count") int nodesCount,
                            @JsonProperty("cluster_id") int clusterId, @JsonProperty("project_id") int projectId,
                            @JsonProperty("is_active") int isActive, @JsonProperty("is_deleted") int isDeleted,
                            @JsonProperty("created_on") String createdOn,
                            @JsonProperty("last_updated") String lastUpdated) {
    }

    /** {@code POST /k8s/offers}. */
    public record OffersReply(@JsonProperty("error") boolean error, @JsonProperty("code") int code,
                              @JsonProperty("message") String message, @JsonProperty("data") List<Offer> data) {
    }

    public record Offer(@JsonProperty("id") int id, @JsonProperty("name") String name, @JsonProperty("cpu") int cpu,
                        @JsonProperty("ram") int ram, @JsonProperty("disk") int disk,
                        @JsonProperty("price") double price, @JsonProperty("hourly_price") double hourlyPrice) {
    }

    /** {@code GET /k8s/cluster/byId/{cluster}}: the cluster with its nodes. */
    public record ClusterReply(@JsonProperty("error") boolean error, @JsonProperty("code") int code,
                               @JsonProperty("message") String message, @JsonProperty("data") Cluster data) {
    }

    public record Cluster(@JsonProperty("identifier") String identifier,
                          @JsonProperty("nodes") List<ClusterNode> nodes) {
    }

    /** A cluster node: the Go client finds its Kubernetes Node by hostname and by {@code ip}. */
    public record ClusterNode(@JsonProperty("id") int id, @JsonProperty("identifier") String identifier,
                              @JsonProperty("hostname") String hostname, @JsonProperty("ip") String ip,
                              @JsonProperty("role") String role, @JsonProperty("cpu") int cpu,
                              @JsonProperty("ram") int ram, @JsonProperty("disk") int disk,
                              @JsonProperty("boxsize_id") int boxsizeId) {
    }

    /** A VM, bare in {@code GET /vm/{id}}, in {@code data} of {@code GET /vm}. */
    public record Vps(@JsonProperty("id") int id, @JsonProperty("identifier") String identifier,
                      @JsonProperty("name") String name, @JsonProperty("hostname") String hostname,
                      @JsonProperty("status") String status, @JsonProperty("cpu") int cpu, @JsonProperty("ram") int ram,
                      @JsonProperty("ssd") int ssd, @JsonProperty("traffic") int traffic,
                      @JsonProperty("default_ip") String defaultIp, @JsonProperty("default_ipv6") String defaultIpv6,
                      @JsonProperty("boxsize_id") int boxsizeId, @JsonProperty("datacenter_id") int datacenterId,
                      @JsonProperty("os_name") String osName, @JsonProperty("os_version") String osVersion,
                      @JsonProperty("created_on") String createdOn, @JsonProperty("last_updated") String lastUpdated,
                      @JsonProperty("tags") List<String> tags, @JsonProperty("notes") String notes) {

        public Vps {
            requireRfc3339(createdOn);
            requireRfc3339(lastUpdated);
        }
    }

    /** {@code GET /vm}. */
    public record VpsList(@JsonProperty("data") List<Vps> data) {
    }

    /** What the Go client decodes a reply with a status of 400 or more into. */
    public record ErrorResponse(@JsonProperty("error") String error, @JsonProperty("message") String message,
                                @JsonProperty("code") int code) {
    }

    /** The token endpoint's reply, read with a boolean {@code error} whatever the status. */
    public record TokenResponse(@JsonProperty("accessToken") TokenInfo accessToken,
                                @JsonProperty("refreshToken") TokenInfo refreshToken,
                                @JsonProperty("error") boolean error, @JsonProperty("message") String message,
                                @JsonProperty("code") int code) {
    }

    public record TokenInfo(@JsonProperty("token") String token, @JsonProperty("expires") String expires) {
    }

    /** The add-worker reply: a 2xx envelope whose {@code data} is {@code true} or a node. */
    public record AddWorkerReply(@JsonProperty("error") boolean error, @JsonProperty("code") int code,
                                 @JsonProperty("message") String message) {
    }
}
