package com.vpsie.autoscaler.provider.vpsie;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.vpsie.autoscaler.metrics.AutoscalerMetrics;
import dev.failsafe.CircuitBreaker;
import dev.failsafe.CircuitBreakerOpenException;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RateLimiter;
import dev.failsafe.RetryPolicy;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link ApiCall} against VPSie with every safeguard: an overall deadline and a per-exchange deadline,
 * retry with exponential back-off and jitter (honouring Retry-After) for 429/5xx/timeouts, a circuit breaker per
 * {@link EndpointFamily}, the client-side rate limit, one refresh-and-retry on 401, envelope and JSON checks,
 * and the vpsie_api_* metrics for every HTTP exchange.
 *
 * <p>Retries are layered once: this is the only retry loop around VPSie calls. Non-idempotent calls are repeated
 * only after failures that prove the server did not act (429, no connection).
 */
final class VpsieTransport implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(VpsieTransport.class);
    private static final RequestBody EMPTY = RequestBody.create(new byte[0], null);

    /** Adds authentication to requests; the transport calls back on 401. */
    interface Authorizer {
        AuthHeader authorize(VpsieCredentials credentials, long deadlineNanos) throws CallFailure;

        /** The server answered 401 to a request carrying {@code used}; forget it if it is still the current one. */
        void rejected(AuthHeader used);
    }

    /** Authentication headers, by name, in the order sent; {@link #toString()} hides the values. */
    record AuthHeader(Map<String, String> headers) {
        AuthHeader {
            headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        }

        static AuthHeader of(String name, String value) {
            return new AuthHeader(Map.of(name, value));
        }

        @Override
        public String toString() {
            return "AuthHeader[" + String.join(", ", headers.keySet()) + ": <redacted>]";
        }
    }

    private final VpsieConfig config;
    private final VpsieCredentialsSource credentials;
    private final AutoscalerMetrics metrics;
    private final Clock clock;
    private final OkHttpClient http;
    private final ObjectMapper mapper;
    private final ErrorClassifier classifier;
    private final BackoffSchedule backoff;
    private final RateLimiter<Object> rateLimiter;
    private final Map<EndpointFamily, CircuitBreaker<Object>> breakers = new EnumMap<>(EndpointFamily.class);

    VpsieTransport(VpsieConfig config, VpsieCredentialsSource credentials, AutoscalerMetrics metrics, Clock clock,
                   OkHttpClient http, ObjectMapper mapper) {
        this.config = Objects.requireNonNull(config, "config");
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.http = Objects.requireNonNull(http, "http");
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        this.classifier = new ErrorClassifier(config.terminalMessages());
        this.backoff = new BackoffSchedule(config.retryInitialBackoff(), config.retryMaxBackoff(), config.retryJitter(),
                config.maxRetryAfter(), () -> ThreadLocalRandom.current().nextDouble());
        // Bursty, like the Go client's token bucket: a reconcile's few calls go out at once, the minute stays capped.
        this.rateLimiter = RateLimiter.burstyBuilder(config.rateLimitPerMinute(), Duration.ofMinutes(1)).build();
        for (EndpointFamily family : EndpointFamily.values()) {
            breakers.put(family, breaker(family));
            metrics.circuitBreakerState(family.label(), 0);
        }
    }

    /** Below the idle timeout of the JDK's HTTP server (30 s, the simulator's) and of common load balancers. */
    static final Duration IDLE_CONNECTION_KEEP_ALIVE = Duration.ofSeconds(20);

    /** An OkHttp client with this configuration's deadlines; it neither retries nor follows redirects itself. */
    static OkHttpClient httpClient(VpsieConfig config) {
        return new OkHttpClient.Builder()
                .connectTimeout(config.connectTimeout())
                .readTimeout(config.readTimeout())
                .writeTimeout(config.writeTimeout())
                .callTimeout(config.callTimeout())
                // A silent re-send of a POST could create a second server; our own retry decides.
                .retryOnConnectionFailure(false)
                // A redirect would carry the token headers to wherever it points.
                .followRedirects(false)
                .followSslRedirects(false)
                // Servers and load balancers close idle keep-alive connections after 30-60 s; okhttp keeps them
                // 5 min by default, and with its own retry off, the first call on a connection closed meanwhile
                // failed as a network error (counted, and toward the circuit breaker). Let them go first.
                .connectionPool(new ConnectionPool(5, IDLE_CONNECTION_KEEP_ALIVE.toSeconds(), TimeUnit.SECONDS))
                .build();
    }

    private CircuitBreaker<Object> breaker(EndpointFamily family) {
        String label = family.label();
        return CircuitBreaker.builder()
                .handleIf((result, failure) -> failure instanceof CallFailure f && f.unhealthy())
                .withFailureThreshold(config.circuitFailureThreshold())
                .withDelay(config.circuitOpenDelay())
                .withSuccessThreshold(config.circuitSuccessThreshold())
                .onOpen(e -> {
                    metrics.circuitBreakerState(label, 2);
                    LOG.warn("VPSie {} endpoint circuit breaker opened after {} consecutive failures; calls fail fast for {}",
                            label, config.circuitFailureThreshold(), config.circuitOpenDelay());
                })
                .onHalfOpen(e -> {
                    metrics.circuitBreakerState(label, 1);
                    LOG.info("VPSie {} endpoint circuit breaker half-open; trying a call", label);
                })
                .onClose(e -> {
                    metrics.circuitBreakerState(label, 0);
                    LOG.info("VPSie {} endpoint circuit breaker closed", label);
                })
                .build();
    }

    /** Runs the call within the configured operation timeout. */
    JsonNode execute(ApiCall call, Authorizer authorizer) throws CallFailure {
        return execute(call, authorizer, System.nanoTime() + config.operationTimeout().toNanos());
    }

    /** Runs the call within the configured operation timeout or {@code outerDeadlineNanos}, whichever is first. */
    JsonNode execute(ApiCall call, Authorizer authorizer, long outerDeadlineNanos) throws CallFailure {
        long deadline = Math.min(outerDeadlineNanos, System.nanoTime() + config.operationTimeout().toNanos());
        // When time runs out between attempts, report what went wrong before rather than "deadline exceeded".
        AtomicReference<CallFailure> lastReal = new AtomicReference<>();
        RetryPolicy<Object> retry = RetryPolicy.builder()
                .handleIf((result, failure) -> failure instanceof CallFailure f && f.retryable()
                        && (call.idempotent() || f.notActedOn()))
                .withMaxAttempts(config.maxAttempts())
                .withDelayFn(ctx -> {
                    Duration retryAfter = ctx.getLastException() instanceof CallFailure f ? f.retryAfter() : null;
                    Duration wanted = backoff.delay(ctx.getAttemptCount(), retryAfter);
                    Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
                    return wanted.compareTo(left) < 0 ? wanted : left;
                })
                .onFailedAttempt(e -> {
                    if (e.getLastException() instanceof CallFailure f && !f.result().equals("deadline_exceeded")) {
                        lastReal.set(f);
                    }
                })
                .onRetry(e -> LOG.warn("Retrying VPSie {} call {} (attempt {} of {}): {}", call.family().label(),
                        call.describe(), e.getAttemptCount() + 1, config.maxAttempts(),
                        e.getLastException() == null ? "" : e.getLastException().getMessage()))
                .build();
        try {
            return Failsafe.with(retry).get(() -> attempt(call, authorizer, deadline));
        } catch (FailsafeException e) {
            CallFailure failure = unwrap(call, e);
            CallFailure before = lastReal.get();
            if (failure.result().equals("deadline_exceeded") && before != null) {
                throw before.notRetryable();
            }
            throw failure;
        }
    }

    private static CallFailure unwrap(ApiCall call, FailsafeException e) {
        if (e.getCause() instanceof CallFailure f) {
            return f;
        }
        if (e.getCause() instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return CallFailure.aborted("interrupted", ErrorClassifier.prefix(call) + "interrupted");
        }
        return CallFailure.unhealthy("client_error", ErrorClassifier.prefix(call) + e, e);
    }

    /** One attempt: authenticate, send, and on 401 refresh once and send again. */
    private JsonNode attempt(ApiCall call, Authorizer authorizer, long deadline) throws CallFailure {
        VpsieCredentials creds = currentCredentials(call);
        AuthHeader auth = authorize(authorizer, creds, deadline);
        try {
            return exchange(call, creds, auth, deadline);
        } catch (CallFailure f) {
            if (f.kind() != CallFailure.Kind.UNAUTHORIZED || authorizer == null) {
                throw f;
            }
            authorizer.rejected(auth);
            VpsieCredentials fresh = currentCredentials(call);
            AuthHeader again = authorize(authorizer, fresh, deadline);
            if (again.equals(auth)) {
                throw CallFailure.terminal("unauthorized", f.getMessage()
                        + "; the credentials were rejected and no newer ones are available");
            }
            try {
                return exchange(call, fresh, again, deadline);
            } catch (CallFailure second) {
                if (second.kind() == CallFailure.Kind.UNAUTHORIZED) {
                    throw CallFailure.terminal("unauthorized", second.getMessage()
                            + "; rejected again after refreshing the credentials");
                }
                throw second;
            }
        }
    }

    private static AuthHeader authorize(Authorizer authorizer, VpsieCredentials creds, long deadline)
            throws CallFailure {
        if (authorizer == null) {
            return null;
        }
        try {
            return authorizer.authorize(creds, deadline);
        } catch (CallFailure f) {
            // The token exchange ran its own retries; the outer call must not multiply them.
            throw f.notRetryable();
        }
    }

    private VpsieCredentials currentCredentials(ApiCall call) throws CallFailure {
        try {
            return credentials.current();
        } catch (CredentialsUnavailableException e) {
            throw CallFailure.terminal("no_credentials", ErrorClassifier.prefix(call) + e.getMessage());
        }
    }

    /** One HTTP request: rate-limit permit, circuit breaker, send, classify. */
    private JsonNode exchange(ApiCall call, VpsieCredentials creds, AuthHeader auth, long deadline) throws CallFailure {
        acquirePermit(call, deadline);
        try {
            return Failsafe.with(breakers.get(call.family())).get(() -> send(call, creds, auth, deadline));
        } catch (CircuitBreakerOpenException e) {
            throw CallFailure.aborted("circuit_open", ErrorClassifier.prefix(call) + "circuit breaker open after "
                    + "repeated failures of the " + call.family().label() + " endpoints; not calling them for now");
        } catch (FailsafeException e) {
            throw unwrap(call, e);
        }
    }

    private void acquirePermit(ApiCall call, long deadline) throws CallFailure {
        long leftNanos = deadline - System.nanoTime();
        Duration maxWait = Duration.ofNanos(Math.max(0, Math.min(config.rateLimitMaxWait().toNanos(), leftNanos)));
        Duration wait = rateLimiter.tryReservePermit(maxWait);
        if (wait.isNegative()) {
            metrics.apiRateLimited(call.family().label());
            throw CallFailure.throttledLocally(ErrorClassifier.prefix(call) + "client-side rate limit of "
                    + config.rateLimitPerMinute() + " requests per minute reached");
        }
        if (!wait.isZero()) {
            metrics.apiRateLimited(call.family().label());
            try {
                Thread.sleep(wait.toMillis(), (int) (wait.toNanos() % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw CallFailure.aborted("interrupted", ErrorClassifier.prefix(call) + "interrupted");
            }
        }
    }

    private JsonNode send(ApiCall call, VpsieCredentials creds, AuthHeader auth, long deadline) throws CallFailure {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw CallFailure.aborted("deadline_exceeded", ErrorClassifier.prefix(call) + "deadline of "
                    + config.operationTimeout() + " exceeded");
        }
        Request request = request(call, creds, auth);
        Call httpCall = http.newCall(request);
        httpCall.timeout().timeout(Math.min(config.callTimeout().toNanos(), left), TimeUnit.NANOSECONDS);
        long start = System.nanoTime();
        String family = call.family().label();
        try (Response response = httpCall.execute()) {
            byte[] bytes = read(call, response.body());
            int status = response.code();
            if (status < 200 || status > 299) {
                Duration retryAfter = BackoffSchedule.parseRetryAfter(response.header("Retry-After"), clock.instant());
                throw recorded(call, start, classifier.fromStatus(call, status, retryAfter, apiMessage(bytes),
                        secrets(creds, auth)));
            }
            JsonNode body;
            try {
                body = mapper.readTree(bytes);
            } catch (IOException e) {
                body = null;
            }
            if (body == null || body.isMissingNode() || !body.isContainerNode()) {
                throw recorded(call, start, CallFailure.unhealthy("malformed_response",
                        ErrorClassifier.prefix(call) + "reply is not valid JSON (HTTP " + status + ")", null));
            }
            if (VpsieWire.isErrorEnvelope(body)) {
                throw recorded(call, start, classifier.fromEnvelope(call, body, secrets(creds, auth)));
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            metrics.apiRequest(family, "success", took);
            LOG.debug("VPSie {} -> HTTP {} in {} ms", call.describe(), status, took.toMillis());
            return body;
        } catch (CallFailure f) {
            throw f;
        } catch (ConnectException | UnknownHostException | NoRouteToHostException e) {
            throw recorded(call, start, CallFailure.notConnected(ErrorClassifier.prefix(call) + "cannot connect: "
                    + e.getClass().getSimpleName(), e));
        } catch (InterruptedIOException e) {
            throw recorded(call, start, CallFailure.unhealthy("timeout", ErrorClassifier.prefix(call)
                    + "no complete reply within the deadline", e));
        } catch (IOException e) {
            throw recorded(call, start, CallFailure.unhealthy("network_error", ErrorClassifier.prefix(call)
                    + "connection failed: " + e.getClass().getSimpleName(), e));
        }
    }

    /** Every value a server could echo back that must not reach a message: credentials and the token sent. */
    private static List<String> secrets(VpsieCredentials creds, AuthHeader auth) {
        List<String> out = new ArrayList<>(List.of(creds.secretValues()));
        if (auth != null) {
            for (String value : auth.headers().values()) {
                out.add(value);
                int space = value.indexOf(' ');
                if (space > 0) {
                    out.add(value.substring(space + 1));
                }
            }
        }
        return out;
    }

    private CallFailure recorded(ApiCall call, long start, CallFailure failure) {
        String family = call.family().label();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        metrics.apiRequest(family, failure.result(), took);
        metrics.apiError(family, failure.errorType());
        if (failure.result().equals("rate_limited")) {
            metrics.apiRateLimited(family);
        }
        LOG.debug("VPSie {} -> {} in {} ms", call.describe(), failure.result(), took.toMillis());
        return failure;
    }

    private Request request(ApiCall call, VpsieCredentials creds, AuthHeader auth) throws CallFailure {
        HttpUrl base = baseUrl(call, creds);
        HttpUrl.Builder url = base.newBuilder();
        for (String segment : VpsieWire.Paths.segments(call.pathTemplate(), call.pathParams())) {
            url.addPathSegment(segment);
        }
        RequestBody body = call.body() == null ? null : call.body().apply(creds);
        if (body == null && !call.method().equals("GET") && !call.method().equals("DELETE")) {
            body = EMPTY;
        }
        Request.Builder builder = new Request.Builder()
                .url(url.build())
                .header("User-Agent", config.userAgent())
                .header("Accept", "application/json")
                .method(call.method(), body);
        if (auth != null) {
            auth.headers().forEach(builder::header);
        }
        return builder.build();
    }

    private HttpUrl baseUrl(ApiCall call, VpsieCredentials creds) throws CallFailure {
        String text = creds.url().orElse(config.baseUrl());
        HttpUrl base = HttpUrl.parse(text);
        if (base == null) {
            throw CallFailure.terminal("bad_config", ErrorClassifier.prefix(call) + "the API base URL is not a valid "
                    + "http(s) URL");
        }
        if (!base.isHttps() && !config.allowPlainHttp()) {
            throw CallFailure.terminal("bad_config", ErrorClassifier.prefix(call) + "refusing to send credentials "
                    + "over plain HTTP to " + base.host() + " (allowPlainHttp is off)");
        }
        return base;
    }

    private byte[] read(ApiCall call, ResponseBody body) throws IOException, CallFailure {
        BufferedSource source = body.source();
        if (source.request(config.maxResponseBytes() + 1)) {
            throw CallFailure.unhealthy("malformed_response", ErrorClassifier.prefix(call) + "reply larger than "
                    + config.maxResponseBytes() + " bytes", null);
        }
        return source.getBuffer().readByteArray();
    }

    /** The message of an error body ({@code message}, or {@code error} as a string), if it is JSON and has one. */
    private String apiMessage(byte[] bytes) {
        try {
            return VpsieWire.envelopeMessage(mapper.readTree(bytes));
        } catch (IOException notJson) {
            // Proxies answer errors in HTML; the status says enough.
        }
        return null;
    }

    ObjectMapper mapper() {
        return mapper;
    }

    Clock clock() {
        return clock;
    }

    VpsieConfig config() {
        return config;
    }

    @Override
    public void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
