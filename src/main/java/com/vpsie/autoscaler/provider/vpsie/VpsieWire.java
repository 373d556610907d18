package com.vpsie.autoscaler.provider.vpsie;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The VPSie wire format in one place: paths, header and form names, the reply envelope and the DTOs. The client
 * and the simulator both use it, so they cannot drift apart.
 *
 * <p>No public reference documentation of the VPSie API exists. Everything here comes from VPSie's own open
 * clients (the Go SDK {@code govpsie}, the Terraform provider, the cloud-controller-manager and the Go
 * autoscaler). Where those clients do not show a detail, it is <b>inferred</b> and marked so on the member;
 * paths are configurable through {@link Paths} for that reason. Inferred, in short:
 * <ul>
 *   <li>which node group a cluster node belongs to ({@code group_id} on {@link ClusterNodeDto}), and a node's
 *       {@code status};</li>
 *   <li>the words {@code status} takes ("running", "provisioning", ...) and {@code role} takes ("master",
 *       "slave", after the API's own add/delete "slave" calls);</li>
 *   <li>that deleting an unknown worker answers 404 or an error whose message says "not found";</li>
 *   <li>that the envelope's {@code code} follows HTTP status numbers (401, 404, 429, 5xx) when present;</li>
 *   <li>the token's {@code expires} formats other than RFC 3339.</li>
 * </ul>
 * Shown by the public clients: the paths, the form fields of the token exchange, the {@code Vpsie-Auth}
 * header (Go SDK) and {@code Authorization: Bearer} for a static token (Go autoscaler), the envelope, the
 * add-worker reply being {@code data: true} or an object with {@code id} and {@code identifier}, and the field
 * names of node groups, offers, cluster nodes and VMs.
 *
 * <p>Where VPSie's Go autoscaler ({@code pkg/vpsie/client}) reads a shape, the simulator serves that shape and
 * the client reads it as well as the looser one it met before (contract tests hold both):
 * <ul>
 *   <li>{@code boxsize_id} of node groups, cluster nodes and VMs and the offer {@code id} are JSON integers
 *       (read as text either way; see {@link NumericId});</li>
 *   <li>an error reply's {@code error} is its message (a string) when the HTTP status is not 2xx, and a boolean
 *       in a 2xx envelope; {@link #isErrorEnvelope} and {@link #envelopeMessage} read both;</li>
 *   <li>{@code GET /vm/{id}} answers the bare VM object, not an envelope;</li>
 *   <li>cluster nodes carry {@code ip}, {@code role}, {@code cpu}, {@code ram} and {@code disk}.</li>
 * </ul>
 */
public final class VpsieWire {

    /** Header carrying a static access token, as VPSie's Go SDK sends it. */
    public static final String STATIC_TOKEN_HEADER = "Vpsie-Auth";
    /** Carries {@code Bearer <token>}: exchanged tokens, and static ones as VPSie's Go autoscaler sends them. */
    public static final String AUTHORIZATION_HEADER = "Authorization";
    public static final String FORM_CLIENT_ID = "clientId";
    public static final String FORM_CLIENT_SECRET = "clientSecret";

    // Reply envelope {error, code, message, data}: an HTTP 200 can still carry error=true; a non-2xx reply's
    // error is its message.
    public static final String ENVELOPE_ERROR = "error";
    public static final String ENVELOPE_CODE = "code";
    public static final String ENVELOPE_MESSAGE = "message";
    public static final String ENVELOPE_DATA = "data";

    /** Cluster node roles (inferred words). */
    public static final String ROLE_MASTER = "master";
    public static final String ROLE_WORKER = "slave";

    /** Path placeholders used by {@link Paths}. */
    public static final String CLUSTER = "cluster";
    public static final String GROUP = "group";
    public static final String ID = "id";

    private static final DateTimeFormatter SPACE_SEPARATED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private VpsieWire() {
    }

    /** One Jackson mapper configured for VPSie replies: unknown fields are ignored, numbers coerce to strings. */
    public static ObjectMapper mapper() {
        return JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }

    /**
     * Path templates relative to the base URL, with {@code {cluster}}, {@code {group}} and {@code {id}}
     * placeholders. Defaults are the paths the Go autoscaler calls; the Go SDK puts the same Kubernetes calls
     * under {@code /apps/v2} and VM calls under {@code /api/v2}, which a different base URL covers.
     */
    public record Paths(String auth, String nodeGroups, String offers, String addWorker, String deleteWorker,
                        String cluster, String clusters, String vms, String vm, String addGroup,
                        String deleteGroup) {

        public Paths {
            for (String p : List.of(auth, nodeGroups, offers, addWorker, deleteWorker, cluster, clusters, vms, vm,
                    addGroup, deleteGroup)) {
                Objects.requireNonNull(p, "path template");
                if (!p.startsWith("/")) {
                    throw new IllegalArgumentException("path template must start with '/': " + p);
                }
            }
        }

        /**
         * The Go autoscaler's paths. Creating a node group is its {@code POST /k8s/cluster/add/group}; deleting one
         * is <b>inferred</b> (no public client deletes node groups): {@code DELETE /k8s/node/group/{group}}, after
         * the API's pattern of naming the object in the path.
         */
        public static Paths defaults() {
            return new Paths(
                    "/auth/from/api",
                    "/k8s/node/groups/byClusterId/{cluster}",
                    "/k8s/offers",
                    "/k8s/cluster/byId/{cluster}/add/slave/group/{group}",
                    "/k8s/cluster/byId/{cluster}/delete/slave",
                    "/k8s/cluster/byId/{cluster}",
                    "/k8s/cluster/all",
                    "/vm",
                    "/vm/{id}",
                    "/k8s/cluster/add/group",
                    "/k8s/node/group/{group}");
        }

        /** The template's segments with placeholders replaced (values are not yet URL-encoded). */
        public static List<String> segments(String template, Map<String, String> params) {
            List<String> out = new ArrayList<>();
            for (String segment : template.split("/")) {
                if (segment.isEmpty()) {
                    continue;
                }
                if (segment.startsWith("{") && segment.endsWith("}")) {
                    String key = segment.substring(1, segment.length() - 1);
                    String value = params.get(key);
                    if (value == null || value.isEmpty()) {
                        throw new IllegalArgumentException("no value for path placeholder {" + key + "}");
                    }
                    out.add(value);
                } else {
                    out.add(segment);
                }
            }
            return out;
        }
    }

    // ---- auth ----

    /** Reply of {@code POST /auth/from/api}: {@code {accessToken: {token, expires}, refreshToken, error, message, code}}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TokenReply(@JsonProperty("accessToken") TokenValue accessToken,
                             @JsonProperty("refreshToken") TokenValue refreshToken,
                             @JsonProperty("error") JsonNode error,
                             @JsonProperty("message") String message,
                             @JsonProperty("code") Object code) {

        @Override
        public String toString() {
            return "TokenReply[error=" + error + ", code=" + code + "]";
        }
    }

    /**
     * A token and its expiry. {@code expires} is RFC 3339 in the Go autoscaler; epoch seconds and
     * "yyyy-MM-dd HH:mm:ss" (UTC) are accepted too (inferred: other VPSie replies use that form for dates).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TokenValue(@JsonProperty("token") String token, @JsonProperty("expires") String expires) {

        @Override
        public String toString() {
            return "TokenValue[token=<redacted>, expires=" + expires + "]";
        }
    }

    // ---- Kubernetes node groups, offers, clusters ----

    /** An item of {@code GET /k8s/node/groups/byClusterId/{cluster}}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record NodeGroupDto(@JsonProperty("id") Long id,
                               @JsonProperty("group_name") String groupName,
                               @JsonProperty("identifier") String identifier,
                               @JsonProperty("boxsize_id") @JsonSerialize(using = NumericId.class)
                               String boxsizeId,
                               @JsonProperty("datacenter_id") Long datacenterId,
                               @JsonProperty("dcIdentifier") String dcIdentifier,
                               @JsonProperty("cpu") Integer cpu,
                               @JsonProperty("ram") Integer ram,
                               @JsonProperty("ssd") Integer ssd,
                               @JsonProperty("nodes_count") Integer nodesCount,
                               @JsonProperty("cluster_id") Long clusterId,
                               @JsonProperty("project_id") Long projectId) {
    }

    /**
     * Body of {@code POST /k8s/cluster/add/group}, with the Go autoscaler's field names ({@code KubeSizeID} with a
     * capital K is how it sends it). The reply is {@code data: true} or the group; its id is found by listing.
     */
    public record CreateGroupRequest(@JsonProperty("clusterIdentifier") String clusterIdentifier,
                                     @JsonProperty("groupName") String groupName,
                                     @JsonProperty("KubeSizeID") long kubeSizeId) {
    }

    /** Body of {@code POST /k8s/offers}. */
    public record OffersRequest(@JsonProperty("dcIdentifier") String dcIdentifier) {
    }

    /** An item of {@code POST /k8s/offers}: cpu in cores, ram in MB, disk in GB, price per month and per hour. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record OfferDto(@JsonProperty("id") @JsonSerialize(using = NumericId.class) String id,
                           @JsonProperty("name") String name,
                           @JsonProperty("cpu") Integer cpu,
                           @JsonProperty("ram") Integer ram,
                           @JsonProperty("disk") Integer disk,
                           @JsonProperty("price") Double price,
                           @JsonProperty("hourly_price") Double hourlyPrice) {
    }

    /** {@code data} of {@code GET /k8s/cluster/byId/{cluster}}: the cluster with its nodes. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ClusterDto(@JsonProperty("identifier") String identifier,
                             @JsonProperty("cluster_name") String clusterName,
                             @JsonProperty("nodes") List<ClusterNodeDto> nodes) {
    }

    /**
     * A node of a cluster; the add-worker reply uses the same shape when it returns an object.
     *
     * <p>Shown by the public clients: {@code id, identifier, hostname, default_ip, private_ip, node_type,
     * datacenter_id, created_on}, and in VPSie's Go autoscaler {@code ip, role, cpu, ram, disk} (cores, MB, GB)
     * and an integer {@code boxsize_id}. <b>Inferred:</b> {@code group_id} (also read as {@code groupId},
     * {@code node_group_id}) naming the node group a worker belongs to, and {@code status}. The provider refuses
     * to attribute servers when no node carries a group id, rather than assume none exist.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ClusterNodeDto(@JsonProperty("id") Long id,
                                 @JsonProperty("identifier") String identifier,
                                 @JsonProperty("hostname") String hostname,
                                 @JsonProperty("default_ip") String defaultIp,
                                 @JsonProperty("private_ip") String privateIp,
                                 @JsonProperty("node_type") Integer nodeType,
                                 @JsonProperty("group_id") @JsonAlias({"groupId", "node_group_id", "nodeGroupId"})
                                 Long groupId,
                                 @JsonProperty("boxsize_id") @JsonSerialize(using = NumericId.class)
                                 String boxsizeId,
                                 @JsonProperty("datacenter_id") Long datacenterId,
                                 @JsonProperty("status") String status,
                                 @JsonProperty("created_on") String createdOn,
                                 @JsonProperty("ip") String ip,
                                 @JsonProperty("role") String role,
                                 @JsonProperty("cpu") Integer cpu,
                                 @JsonProperty("ram") Integer ram,
                                 @JsonProperty("disk") Integer disk) {

        /** The address the node is reached at: {@code default_ip}, else {@code ip}, else {@code private_ip}. */
        public String address() {
            for (String a : new String[] {defaultIp, ip, privateIp}) {
                if (a != null && !a.isBlank()) {
                    return a;
                }
            }
            return null;
        }
    }

    /** Body of {@code DELETE /k8s/cluster/byId/{cluster}/delete/slave}. */
    public record DeleteWorkerRequest(@JsonProperty("identifier") String identifier) {
    }

    /** An item of {@code GET /k8s/cluster/all}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ClusterSummaryDto(@JsonProperty("identifier") String identifier,
                                    @JsonProperty("cluster_name") String clusterName,
                                    @JsonProperty("count") Integer count) {
    }

    /**
     * A VM of {@code GET /vm} (enveloped list) and {@code GET /vm/{id}} (the bare object, as the Go autoscaler
     * reads it), with the Go autoscaler's field names.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record VmDto(@JsonProperty("id") Long id,
                        @JsonProperty("identifier") String identifier,
                        @JsonProperty("hostname") String hostname,
                        @JsonProperty("status") String status,
                        @JsonProperty("default_ip") String defaultIp,
                        @JsonProperty("boxsize_id") @JsonSerialize(using = NumericId.class) String boxsizeId,
                        @JsonProperty("datacenter_id") Long datacenterId,
                        @JsonProperty("created_on") String createdOn) {
    }

    // ---- envelope ----

    /**
     * Whether a reply says it failed: {@code error: true}, or a non-empty {@code error} string (a message, as
     * VPSie's Go client reads non-2xx replies), or a non-zero number.
     */
    public static boolean isErrorEnvelope(JsonNode body) {
        JsonNode error = body == null ? null : body.get(ENVELOPE_ERROR);
        if (error == null || error.isNull()) {
            return false;
        }
        if (error.isBoolean()) {
            return error.booleanValue();
        }
        if (error.isTextual()) {
            String t = error.textValue().trim();
            return !t.isEmpty() && !t.equalsIgnoreCase("false") && !t.equals("0");
        }
        return error.isNumber() && error.asInt() != 0;
    }

    /** The reply's {@code message}, else its {@code error} when that is a message; null when it has neither. */
    public static String envelopeMessage(JsonNode body) {
        if (body == null) {
            return null;
        }
        JsonNode message = body.path(ENVELOPE_MESSAGE);
        if (message.isValueNode() && !message.isNull() && !message.asText().isBlank()) {
            return message.asText();
        }
        JsonNode error = body.path(ENVELOPE_ERROR);
        if (error.isTextual() && isErrorEnvelope(body)) {
            return error.textValue();
        }
        return null;
    }

    /**
     * Writes an id held as text the way VPSie's Go client reads it, as a JSON integer, when it is one; any other
     * text stays a string. Reading needs no counterpart: Jackson reads an integer into a text field as it is.
     */
    public static final class NumericId extends StdSerializer<String> {

        private static final Pattern INTEGER = Pattern.compile("-?\\d{1,18}");

        public NumericId() {
            super(String.class);
        }

        @Override
        public void serialize(String value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            if (INTEGER.matcher(value).matches()) {
                gen.writeNumber(Long.parseLong(value));
            } else {
                gen.writeString(value);
            }
        }
    }

    // ---- values ----

    /** Formats an instant the way the simulator writes {@code created_on} and token expiry (RFC 3339, UTC). */
    public static String formatTimestamp(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant);
    }

    /**
     * Parses {@code created_on} / {@code expires}: RFC 3339, "yyyy-MM-dd HH:mm:ss" read as UTC, or epoch seconds
     * (epoch milliseconds when the number is too large to be seconds). Null when absent or unreadable.
     */
    public static Instant parseTimestamp(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String s = text.trim();
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException ignored) {
            // not RFC 3339; try the other forms
        }
        try {
            return LocalDateTime.parse(s, SPACE_SEPARATED).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException ignored) {
            // not space separated either
        }
        if (s.matches("\\d{1,15}")) {
            long n = Long.parseLong(s);
            return n > 100_000_000_000L ? Instant.ofEpochMilli(n) : Instant.ofEpochSecond(n);
        }
        return null;
    }
}
