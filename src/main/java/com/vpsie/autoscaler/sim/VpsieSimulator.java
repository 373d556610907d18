package com.vpsie.autoscaler.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.vpsie.autoscaler.provider.vpsie.VpsieWire;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stateful VPSie API over real HTTP, for tests and the demo: token exchange and both auth modes, node groups
 * (listed, created and deleted; a server takes its size from its group), offers, add and delete worker, the cluster with its nodes, and VMs (see {@link SimEndpoint}). Servers take
 * {@link SimCloud#readyAfter} to become ready on the simulator's {@link Clock}.
 *
 * <p>It answers in the shapes VPSie's own Go autoscaler decodes (integer sizes and offer ids, a non-2xx reply's
 * message in a string {@code error}, {@code GET /vm/{id}} bare, cluster nodes with {@code ip}, {@code role} and
 * size), and takes a static token in {@code Vpsie-Auth} or as {@code Authorization: Bearer}, so either client can
 * run against it.
 *
 * <p>Faults are injected per endpoint, once, n times or until cleared: a status such as 429 with Retry-After or
 * 503, a delay past the client's deadline, HTTP 200 with {@code error: true}, malformed JSON, the plan-limit
 * error, and a reply lost after the server was made. Everything it received is recorded for tests.
 *
 * <p>Production behaviour is off by default (unit tests want the instant, reliable cloud) and switched on per
 * simulator: listing lag (a new server lists only after a while, and the add call then never names it), delete lag
 * (a deleted server lists as deleting for a while), slow add calls, a seeded fraction of 503s and periodic 503
 * bursts on every endpoint, and a token endpoint that is down for a while after the start.
 */
public final class VpsieSimulator implements AutoCloseable {

    /** Path below which the API is served, as in {@code https://api.vpsie.com/v2}. */
    public static final String BASE_PATH = "/v2";

    private static final Logger LOG = LoggerFactory.getLogger(VpsieSimulator.class);
    private static final String STATIC_PRINCIPAL = "static-token";
    private static final String BEARER = "Bearer ";

    private final Clock clock;
    private final SimCloud cloud;
    private final ObjectMapper mapper = VpsieWire.mapper();
    private final VpsieWire.Paths paths = VpsieWire.Paths.defaults();
    private final Object lock = new Object();

    // Everything below is guarded by lock.
    private final Map<String, String> clientSecrets = new HashMap<>();
    private final Set<String> staticTokens = new HashSet<>();
    private final Map<String, IssuedToken> issued = new HashMap<>();
    private final Map<SimEndpoint, Deque<Fault>> onceFaults = new EnumMap<>(SimEndpoint.class);
    private final Map<SimEndpoint, Fault> standingFaults = new EnumMap<>(SimEndpoint.class);
    private final List<SimRequest> requests = new ArrayList<>();
    private boolean acceptAnyCredentials;
    private Duration tokenLifetime = Duration.ofHours(1);
    private Duration latency = Duration.ZERO;
    private boolean addWorkerNamesServer;
    private Duration addWorkerDelay = Duration.ZERO;
    private double serverErrorFraction;
    private Random serverErrorRandom = new Random(0);
    private Duration burstEvery = Duration.ZERO;
    private Duration burstLength = Duration.ZERO;
    private Duration tokenDownFor = Duration.ZERO;
    /** Origin of the token outage: the start, or when the outage was set on a running simulator. */
    private Instant tokenDownFrom;
    /** When {@link #start} was called, on the simulator's clock: the origin of bursts and of the token outage. */
    private Instant startedAt;

    private final AtomicInteger tokenSequence = new AtomicInteger();
    private final Map<SimEndpoint, AtomicInteger> active = new EnumMap<>(SimEndpoint.class);
    /** The most requests of each endpoint ever in progress at once, since the start or {@link #clearRequests}. */
    private final Map<SimEndpoint, AtomicInteger> peakActive = new EnumMap<>(SimEndpoint.class);
    private HttpServer server;
    private ExecutorService executor;

    private record IssuedToken(String clientId, Instant expires) {
    }

    private record Reply(int status, String body, Map<String, String> headers) {
        static Reply json(int status, String body) {
            return new Reply(status, body, Map.of());
        }
    }

    public VpsieSimulator() {
        this(Clock.systemUTC());
    }

    public VpsieSimulator(Clock clock) {
        this.clock = clock;
        this.cloud = new SimCloud(clock);
        for (SimEndpoint e : SimEndpoint.values()) {
            active.put(e, new AtomicInteger());
            peakActive.put(e, new AtomicInteger());
        }
    }

    // ---- lifecycle ----

    /** Serves on 127.0.0.1; port 0 picks a free one. */
    public VpsieSimulator start(int port) throws IOException {
        return start("127.0.0.1", port);
    }

    public synchronized VpsieSimulator start(String bindAddress, int port) throws IOException {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        AtomicInteger threads = new AtomicInteger();
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "vpsie-sim-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        // the JDK reads its server timeouts once per process: the same as the health server's, whoever starts first
        com.vpsie.autoscaler.metrics.HealthServer.applyRequestTimeouts();
        server = HttpServer.create(new InetSocketAddress(bindAddress, port), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
        synchronized (lock) {
            startedAt = clock.instant();
            if (tokenDownFrom == null) {
                tokenDownFrom = startedAt;
            }
        }
        LOG.debug("VPSie simulator listening on {}", baseUrl());
        return this;
    }

    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            // Handlers asleep in a delay fault are interrupted rather than waited for.
            executor.shutdownNow();
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("not started");
        }
        return server.getAddress().getPort();
    }

    /** The base URL a client is configured with, e.g. {@code http://127.0.0.1:9090/v2}. */
    public synchronized String baseUrl() {
        if (server == null) {
            throw new IllegalStateException("not started");
        }
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getHostString();
        return "http://" + host + ":" + a.getPort() + BASE_PATH;
    }

    // ---- configuration ----

    public SimCloud cloud() {
        return cloud;
    }

    /** Accepts this client id and secret at the token endpoint (in addition to any accepted before). */
    public VpsieSimulator acceptClientCredentials(String clientId, String clientSecret) {
        synchronized (lock) {
            clientSecrets.put(clientId, clientSecret);
        }
        return this;
    }

    /**
     * Accepts this static token in the {@code Vpsie-Auth} header (as VPSie's Go SDK sends it) or as
     * {@code Authorization: Bearer} (as VPSie's Go autoscaler sends it).
     */
    public VpsieSimulator acceptStaticToken(String token) {
        synchronized (lock) {
            staticTokens.add(token);
        }
        return this;
    }

    /** Forgets every accepted credential and token (to simulate a rotation on VPSie's side). */
    public VpsieSimulator revokeAllCredentials() {
        synchronized (lock) {
            clientSecrets.clear();
            staticTokens.clear();
            issued.clear();
        }
        return this;
    }

    /** Invalidates the bearer tokens handed out so far; clients get 401 until they exchange again. */
    public VpsieSimulator revokeIssuedTokens() {
        synchronized (lock) {
            issued.clear();
        }
        return this;
    }

    /** Accept whatever credentials are presented (the stand-alone demo without configured credentials). */
    public VpsieSimulator acceptAnyCredentials(boolean accept) {
        synchronized (lock) {
            acceptAnyCredentials = accept;
        }
        return this;
    }

    public VpsieSimulator tokenLifetime(Duration lifetime) {
        synchronized (lock) {
            tokenLifetime = lifetime;
        }
        return this;
    }

    /** Added to every request before it is handled. */
    public VpsieSimulator latency(Duration delay) {
        synchronized (lock) {
            latency = delay;
        }
        return this;
    }

    /** Whether add-worker replies name the new server; by default they answer {@code data: true} as VPSie does. */
    public VpsieSimulator addWorkerNamesServer(boolean names) {
        synchronized (lock) {
            addWorkerNamesServer = names;
        }
        return this;
    }

    /**
     * How long a server added through the API stays out of the listings (see {@link SimCloud#listingLag}); the
     * add call then answers {@code data: true} without naming it, whatever {@link #addWorkerNamesServer} says,
     * as VPSie does.
     */
    public VpsieSimulator listingLag(Duration lag) {
        cloud.listingLag(lag);
        return this;
    }

    /** How long a deleted server keeps listing as deleting (see {@link SimCloud#deleteLag}). */
    public VpsieSimulator deleteLag(Duration lag) {
        cloud.deleteLag(lag);
        return this;
    }

    /** Add-worker calls take this long before the server is made and the call answered. */
    public VpsieSimulator addWorkerDelay(Duration delay) {
        synchronized (lock) {
            addWorkerDelay = requireNonNegative(delay, "add-worker delay");
        }
        return this;
    }

    /**
     * Answers this fraction (0 to 1) of the requests of every endpoint, the token endpoint included, with a 503
     * before doing anything, chosen by a random sequence seeded with {@code seed} so a run can be repeated.
     */
    public VpsieSimulator serverErrors(double fraction, long seed) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("server error fraction must be within 0..1, got " + fraction);
        }
        synchronized (lock) {
            serverErrorFraction = fraction;
            serverErrorRandom = new Random(seed);
        }
        return this;
    }

    /**
     * Every {@code every} since {@link #start}, answers every request of every endpoint with a 503 for
     * {@code length} (an outage burst). Zero {@code every} turns bursts off.
     */
    public VpsieSimulator serverErrorBursts(Duration every, Duration length) {
        requireNonNegative(every, "burst period");
        requireNonNegative(length, "burst length");
        if (!every.isZero() && length.compareTo(every) >= 0) {
            throw new IllegalArgumentException("a burst (" + length + ") must be shorter than its period (" + every
                    + ")");
        }
        synchronized (lock) {
            burstEvery = every;
            burstLength = length;
        }
        return this;
    }

    /**
     * The token endpoint answers 503 for this long after {@link #start}, or from now on a simulator that is
     * already running (static tokens keep working).
     */
    public VpsieSimulator tokenEndpointDownFor(Duration down) {
        synchronized (lock) {
            tokenDownFor = requireNonNegative(down, "token endpoint outage");
            tokenDownFrom = startedAt == null ? null : clock.instant();
        }
        return this;
    }

    // ---- faults ----

    /** Applies the fault to the next request of the endpoint. */
    public VpsieSimulator injectFault(SimEndpoint endpoint, Fault fault) {
        return injectFault(endpoint, fault, 1);
    }

    /** Applies the fault to the next {@code times} requests of the endpoint. */
    public VpsieSimulator injectFault(SimEndpoint endpoint, Fault fault, int times) {
        synchronized (lock) {
            Deque<Fault> queue = onceFaults.computeIfAbsent(endpoint, e -> new ArrayDeque<>());
            for (int i = 0; i < times; i++) {
                queue.addLast(fault);
            }
        }
        return this;
    }

    /** Applies the fault to every request of the endpoint until {@link #clearFaults()}. */
    public VpsieSimulator setFault(SimEndpoint endpoint, Fault fault) {
        synchronized (lock) {
            standingFaults.put(endpoint, fault);
        }
        return this;
    }

    public VpsieSimulator clearFaults() {
        synchronized (lock) {
            onceFaults.clear();
            standingFaults.clear();
        }
        return this;
    }

    // ---- inspection ----

    public List<SimRequest> requests() {
        synchronized (lock) {
            return List.copyOf(requests);
        }
    }

    public int requestCount(SimEndpoint endpoint) {
        synchronized (lock) {
            return (int) requests.stream().filter(r -> r.endpoint() == endpoint).count();
        }
    }

    /** Requests of the endpoint received and not yet answered (e.g. held by a delay fault). */
    public int activeRequests(SimEndpoint endpoint) {
        return active.get(endpoint).get();
    }

    /**
     * The most requests of the endpoint that were in progress at once (received and not yet answered): whether a
     * client sends its calls concurrently, without timing anything.
     */
    public int peakActiveRequests(SimEndpoint endpoint) {
        return peakActive.get(endpoint).get();
    }

    public void clearRequests() {
        synchronized (lock) {
            requests.clear();
        }
        peakActive.values().forEach(p -> p.set(0));
    }

    // ---- HTTP ----

    private void handle(HttpExchange exchange) {
        String method = exchange.getRequestMethod();
        String rawPath = exchange.getRequestURI().getRawPath();
        try (exchange) {
            byte[] body = readAll(exchange.getRequestBody());
            Optional<SimEndpoint.Route> route = route(method, rawPath);
            if (route.isEmpty()) {
                write(exchange, Reply.json(404, envelopeError(404, "No such endpoint: " + method + " " + rawPath)),
                        null);
                return;
            }
            SimEndpoint.Route r = route.get();
            SimEndpoint endpoint = r.endpoint();
            peakActive.get(endpoint).accumulateAndGet(active.get(endpoint).incrementAndGet(), Math::max);
            try {
                serve(exchange, r, method, rawPath, body);
            } finally {
                active.get(endpoint).decrementAndGet();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // The client went away (its deadline passed): what a real server sees too.
            LOG.debug("VPSie simulator could not answer {} {}: {}", method, rawPath, e.toString());
        } catch (ConnectionCut e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.error("VPSie simulator failed on {} {}", method, rawPath, e);
        }
    }

    private void serve(HttpExchange exchange, SimEndpoint.Route r, String method, String rawPath, byte[] body)
            throws IOException, InterruptedException {
        SimEndpoint endpoint = r.endpoint();
        sleep(currentLatency());
        String outage = productionFault(endpoint);
        if (outage != null) {
            answer(exchange, r, method, rawPath, null, Reply.json(503, envelopeError(503, outage)));
            return;
        }
        if (endpoint == SimEndpoint.ADD_WORKER) {
            sleep(currentAddWorkerDelay());
        }
        String principal = null;
        if (endpoint != SimEndpoint.AUTH) {
            principal = authenticate(exchange);
            if (principal == null) {
                answer(exchange, r, method, rawPath, null, Reply.json(401, envelopeError(401, "Unauthorized")));
                return;
            }
        }
        Fault fault = nextFault(endpoint);
        if (fault != null && fault.kind() == Fault.Kind.DELAY) {
            sleep(fault.delay());
            fault = null;
        }
        if (fault == null) {
            Reply reply = act(r, body);
            if (endpoint == SimEndpoint.AUTH && reply.status == 200) {
                principal = formValue(body, VpsieWire.FORM_CLIENT_ID);
            }
            answer(exchange, r, method, rawPath, principal, reply);
            return;
        }
        if (fault.afterAction()) {
            act(r, body);
        }
        switch (fault.kind()) {
            case SLOW_AFTER_ACTION -> {
                sleep(fault.delay());
                answer(exchange, r, method, rawPath, principal, act(r, body, false));
            }
            case LOST_RESPONSE -> {
                record(endpoint, method, rawPath, principal, 0);
                cut(exchange);
            }
            case MALFORMED_JSON -> answer(exchange, r, method, rawPath, principal,
                    Reply.json(200, "{\"error\": false, \"data\": [{\"id\": 1, \"name\": "));
            case ERROR_ENVELOPE -> answer(exchange, r, method, rawPath, principal,
                    Reply.json(200, envelopeError(400, fault.message())));
            default -> {
                Map<String, String> headers = new HashMap<>();
                if (fault.retryAfter() != null) {
                    long seconds = (fault.retryAfter().toMillis() + 999) / 1000;
                    headers.put("Retry-After", Long.toString(seconds));
                }
                answer(exchange, r, method, rawPath, principal,
                        new Reply(fault.status(), envelopeError(fault.status(), fault.message()), headers));
            }
        }
    }

    /** Records the request before answering, so a test that got the answer also sees the record. */
    private void answer(HttpExchange exchange, SimEndpoint.Route route, String method, String path, String principal,
                        Reply reply) throws IOException {
        record(route.endpoint(), method, path, principal, reply.status);
        write(exchange, reply, route.endpoint());
    }

    private Optional<SimEndpoint.Route> route(String method, String rawPath) {
        if (!rawPath.equals(BASE_PATH) && !rawPath.startsWith(BASE_PATH + "/")) {
            return Optional.empty();
        }
        List<String> segments = Arrays.stream(rawPath.substring(BASE_PATH.length()).split("/"))
                .filter(s -> !s.isEmpty())
                .map(s -> URLDecoder.decode(s, StandardCharsets.UTF_8))
                .toList();
        return SimEndpoint.route(method, segments, paths);
    }

    /**
     * The principal of a valid Authorization or Vpsie-Auth header, else null. A bearer token is one this simulator
     * issued (refused once expired, however lenient it is) or a static token; a client may send both headers.
     */
    private String authenticate(HttpExchange exchange) {
        String authorization = exchange.getRequestHeaders().getFirst(VpsieWire.AUTHORIZATION_HEADER);
        String staticToken = exchange.getRequestHeaders().getFirst(VpsieWire.STATIC_TOKEN_HEADER);
        synchronized (lock) {
            if (authorization != null && authorization.startsWith(BEARER)) {
                String token = authorization.substring(BEARER.length()).trim();
                IssuedToken t = issued.get(token);
                if (t != null) {
                    return clock.instant().isBefore(t.expires) ? t.clientId : null;
                }
                if (acceptsStaticToken(token)) {
                    return STATIC_PRINCIPAL;
                }
            }
            if (staticToken != null && acceptsStaticToken(staticToken.trim())) {
                return STATIC_PRINCIPAL;
            }
            return null;
        }
    }

    /** Guarded by lock. */
    private boolean acceptsStaticToken(String token) {
        return acceptAnyCredentials ? !token.isEmpty() : staticTokens.contains(token);
    }

    private Reply act(SimEndpoint.Route route, byte[] body) {
        return act(route, body, true);
    }

    /**
     * Performs the call. With {@code effect} false only the reply is computed (the effect already happened for
     * a slow-after-action fault); for add-worker that means answering as if the server were just made.
     */
    private Reply act(SimEndpoint.Route route, byte[] body, boolean effect) {
        try {
            Map<String, String> p = route.params();
            String cluster = p.get(VpsieWire.CLUSTER);
            return switch (route.endpoint()) {
                case AUTH -> exchangeToken(body);
                case LIST_GROUPS -> ok(cloud.groupsOf(cluster));
                case OFFERS -> ok(cloud.offersIn(jsonField(body, "dcIdentifier")));
                case ADD_GROUP -> {
                    if (effect) {
                        cloud.createGroup(jsonField(body, "clusterIdentifier"), jsonField(body, "groupName"),
                                jsonField(body, "KubeSizeID"));
                    }
                    yield ok(true);
                }
                case DELETE_GROUP -> {
                    if (effect) {
                        cloud.deleteGroup(parseLong(p.get(VpsieWire.GROUP)));
                    }
                    yield ok(true);
                }
                case ADD_WORKER -> {
                    long group = parseLong(p.get(VpsieWire.GROUP));
                    if (!effect) {
                        yield ok(true);
                    }
                    SimNode node = cloud.addWorker(cluster, group);
                    boolean names;
                    synchronized (lock) {
                        names = addWorkerNamesServer;
                    }
                    // a server the listing does not show yet is not named either
                    yield names && !cloud.lagsListing() ? ok(cloud.nodeDto(node)) : ok(true);
                }
                case DELETE_WORKER -> {
                    if (effect) {
                        cloud.deleteWorker(cluster, jsonField(body, "identifier"));
                    }
                    yield ok(true);
                }
                case GET_CLUSTER -> ok(cloud.clusterWithNodes(cluster));
                case LIST_CLUSTERS -> ok(cloud.clusterSummaries());
                case LIST_VMS -> ok(cloud.vms());
                // VPSie's Go client reads this one reply bare, not in the envelope.
                case GET_VM -> bare(cloud.vm(parseLong(p.get(VpsieWire.ID))));
                case DELETE_VM -> {
                    if (effect) {
                        cloud.deleteVm(parseLong(p.get(VpsieWire.ID)));
                    }
                    yield ok(true);
                }
            };
        } catch (SimCloud.SimError e) {
            return Reply.json(e.status(), envelopeError(e.status() == 200 ? 400 : e.status(), e.getMessage()));
        }
    }

    private Reply exchangeToken(byte[] body) {
        String clientId = formValue(body, VpsieWire.FORM_CLIENT_ID);
        String clientSecret = formValue(body, VpsieWire.FORM_CLIENT_SECRET);
        synchronized (lock) {
            boolean valid = clientId != null && clientSecret != null
                    && (acceptAnyCredentials || clientSecret.equals(clientSecrets.get(clientId)));
            if (!valid) {
                return Reply.json(401, envelopeError(401, "Invalid client credentials"));
            }
            Instant expires = clock.instant().plus(tokenLifetime);
            String token = "simtok-" + tokenSequence.incrementAndGet() + "-"
                    + Long.toHexString(ThreadLocalRandom.current().nextLong());
            issued.put(token, new IssuedToken(clientId, expires));
            ObjectNode reply = mapper.createObjectNode();
            reply.putObject("accessToken").put("token", token).put("expires", VpsieWire.formatTimestamp(expires));
            reply.putObject("refreshToken").put("token", "refresh-" + token)
                    .put("expires", VpsieWire.formatTimestamp(expires.plus(tokenLifetime)));
            reply.put(VpsieWire.ENVELOPE_ERROR, false);
            return Reply.json(200, reply.toString());
        }
    }

    private Reply ok(Object data) {
        ObjectNode reply = mapper.createObjectNode();
        reply.put(VpsieWire.ENVELOPE_ERROR, false);
        reply.set(VpsieWire.ENVELOPE_DATA, mapper.valueToTree(data));
        return Reply.json(200, reply.toString());
    }

    private Reply bare(Object value) {
        return Reply.json(200, mapper.valueToTree(value).toString());
    }

    private String envelopeError(int code, String message) {
        ObjectNode reply = mapper.createObjectNode();
        reply.put(VpsieWire.ENVELOPE_ERROR, true);
        reply.put(VpsieWire.ENVELOPE_CODE, code);
        reply.put(VpsieWire.ENVELOPE_MESSAGE, message);
        return reply.toString();
    }

    private Fault nextFault(SimEndpoint endpoint) {
        synchronized (lock) {
            Deque<Fault> queue = onceFaults.get(endpoint);
            if (queue != null && !queue.isEmpty()) {
                return queue.pollFirst();
            }
            return standingFaults.get(endpoint);
        }
    }

    /** Why the standing production-like faults refuse this request now, or null. */
    private String productionFault(SimEndpoint endpoint) {
        synchronized (lock) {
            if (startedAt == null) {
                return null;
            }
            Duration since = Duration.between(startedAt, clock.instant());
            boolean tokenDown = Duration.between(tokenDownFrom, clock.instant()).compareTo(tokenDownFor) < 0;
            if (endpoint == SimEndpoint.AUTH && tokenDown) {
                return "token service unavailable (down for the first " + tokenDownFor.toSeconds() + " s)";
            }
            if (!burstEvery.isZero() && since.toMillis() % burstEvery.toMillis() < burstLength.toMillis()) {
                return "service unavailable (burst)";
            }
            if (serverErrorFraction > 0 && serverErrorRandom.nextDouble() < serverErrorFraction) {
                return "service unavailable";
            }
            return null;
        }
    }

    private Duration currentAddWorkerDelay() {
        synchronized (lock) {
            return addWorkerDelay;
        }
    }

    private static Duration requireNonNegative(Duration d, String what) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException(what + " must be zero or more, got " + d);
        }
        return d;
    }

    private Duration currentLatency() {
        synchronized (lock) {
            return latency;
        }
    }

    private void record(SimEndpoint endpoint, String method, String path, String principal, int status) {
        synchronized (lock) {
            requests.add(new SimRequest(endpoint, method, path, principal, status, clock.instant()));
        }
    }

    private void write(HttpExchange exchange, Reply reply, SimEndpoint endpoint) throws IOException {
        byte[] bytes = wireBody(reply, endpoint).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        reply.headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        exchange.sendResponseHeaders(reply.status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /**
     * The body as VPSie's Go client reads it: a reply with a status other than 2xx carries its message in
     * {@code error} (a string), where a 2xx envelope has {@code error: true}. The token endpoint is the
     * exception: the Go client reads its {@code error} as a boolean whatever the status. Done here, for every
     * error reply whatever built it, so no fault or refusal can answer in the other shape.
     */
    private String wireBody(Reply reply, SimEndpoint endpoint) {
        if (reply.status >= 200 && reply.status < 300 || endpoint == SimEndpoint.AUTH) {
            return reply.body;
        }
        try {
            JsonNode body = mapper.readTree(reply.body);
            if (body instanceof ObjectNode object && object.path(VpsieWire.ENVELOPE_ERROR).isBoolean()) {
                String message = object.path(VpsieWire.ENVELOPE_MESSAGE).asText("");
                object.put(VpsieWire.ENVELOPE_ERROR, message.isEmpty() ? "HTTP " + reply.status : message);
                return object.toString();
            }
        } catch (IOException notJson) {
            // sent as it is
        }
        return reply.body;
    }

    /**
     * Promises a body, sends part of it, and drops the connection: the client sees the reply end early. The
     * JDK server closes a connection only when a handler throws, so this throws {@link ConnectionCut}.
     */
    private static void cut(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, 1000);
        OutputStream out = exchange.getResponseBody();
        out.write("{\"error\": false, \"da".getBytes(StandardCharsets.UTF_8));
        out.flush();
        throw new ConnectionCut();
    }

    /** Thrown out of the handler on purpose so the server drops the connection mid-reply. */
    private static final class ConnectionCut extends RuntimeException {
        ConnectionCut() {
            super("connection cut on purpose by a lost-response fault", null, false, false);
        }
    }

    private static void sleep(Duration d) throws InterruptedException {
        if (!d.isZero() && !d.isNegative()) {
            Thread.sleep(d.toMillis());
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        return in.readAllBytes();
    }

    private static String formValue(byte[] body, String key) {
        for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8).equals(key)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private String jsonField(byte[] body, String field) throws SimCloud.SimError {
        try {
            JsonNode node = mapper.readTree(body);
            if (node != null && node.path(field).isValueNode()) {
                return node.path(field).asText();
            }
        } catch (IOException e) {
            throw new SimCloud.SimError(400, "Request body is not JSON");
        }
        throw new SimCloud.SimError(400, "Missing field " + field);
    }

    private static long parseLong(String text) throws SimCloud.SimError {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new SimCloud.SimError(404, "Not found");
        }
    }
}
