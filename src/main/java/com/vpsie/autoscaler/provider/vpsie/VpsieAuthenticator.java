package com.vpsie.autoscaler.provider.vpsie;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import okhttp3.FormBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates requests. A static token goes out as-is in the header(s) {@link StaticTokenAuth} names. Client
 * credentials are exchanged at the auth endpoint for a bearer token, kept until shortly before it expires, and
 * dropped when the server answers 401 or the credentials change. Concurrent callers that find no valid token
 * share one exchange; no lock is held while it runs.
 */
final class VpsieAuthenticator implements VpsieTransport.Authorizer {

    private static final Logger LOG = LoggerFactory.getLogger(VpsieAuthenticator.class);
    private static final String BEARER = StaticTokenAuth.BEARER_PREFIX;

    private final VpsieTransport transport;
    private final VpsieConfig config;
    private final Clock clock;

    private final Object lock = new Object();
    /** The token in use; guarded by {@link #lock}. */
    private Token cached;
    /** The exchange in progress and the credentials it is for; guarded by {@link #lock}. */
    private CompletableFuture<Token> inFlight;
    private VpsieCredentials inFlightFor;

    private record Token(VpsieCredentials credentials, String value, Instant refreshAt) {
        @Override
        public String toString() {
            return "Token[<redacted>, refreshAt=" + refreshAt + "]";
        }
    }

    VpsieAuthenticator(VpsieTransport transport) {
        this.transport = transport;
        this.config = transport.config();
        this.clock = transport.clock();
    }

    @Override
    public VpsieTransport.AuthHeader authorize(VpsieCredentials credentials, long deadlineNanos) throws CallFailure {
        if (credentials.mode() == VpsieCredentials.Mode.STATIC_TOKEN) {
            return new VpsieTransport.AuthHeader(config.staticTokenAuth().headers(credentials.token()));
        }
        return VpsieTransport.AuthHeader.of(VpsieWire.AUTHORIZATION_HEADER,
                BEARER + bearer(credentials, deadlineNanos));
    }

    @Override
    public void rejected(VpsieTransport.AuthHeader used) {
        synchronized (lock) {
            if (cached != null && used != null
                    && (BEARER + cached.value).equals(used.headers().get(VpsieWire.AUTHORIZATION_HEADER))) {
                cached = null;
            }
        }
    }

    private String bearer(VpsieCredentials credentials, long deadlineNanos) throws CallFailure {
        CompletableFuture<Token> shared;
        boolean mine = false;
        synchronized (lock) {
            if (cached != null && cached.credentials.equals(credentials) && clock.instant().isBefore(cached.refreshAt)) {
                return cached.value;
            }
            if (inFlight == null || !credentials.equals(inFlightFor)) {
                inFlight = new CompletableFuture<>();
                inFlightFor = credentials;
                mine = true;
            }
            shared = inFlight;
        }
        if (mine) {
            return exchangeAndPublish(credentials, deadlineNanos, shared).value;
        }
        try {
            long left = Math.max(0, deadlineNanos - System.nanoTime());
            return shared.get(left, TimeUnit.NANOSECONDS).value;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CallFailure f) {
                throw f;
            }
            throw CallFailure.unhealthy("client_error", "VPSie token exchange failed: "
                    + e.getCause().getClass().getSimpleName(), e.getCause());
        } catch (TimeoutException e) {
            throw CallFailure.aborted("deadline_exceeded", "VPSie token exchange did not finish within the deadline");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CallFailure.aborted("interrupted", "interrupted while waiting for a VPSie token");
        }
    }

    private Token exchangeAndPublish(VpsieCredentials credentials, long deadlineNanos, CompletableFuture<Token> shared)
            throws CallFailure {
        try {
            Token token = exchange(credentials, deadlineNanos);
            synchronized (lock) {
                cached = token;
                if (inFlight == shared) {
                    inFlight = null;
                    inFlightFor = null;
                }
            }
            shared.complete(token);
            return token;
        } catch (CallFailure | RuntimeException | Error e) {
            // Waiting callers must never be left hanging on an exchange that died.
            synchronized (lock) {
                if (inFlight == shared) {
                    inFlight = null;
                    inFlightFor = null;
                }
            }
            shared.completeExceptionally(e);
            throw e;
        }
    }

    private Token exchange(VpsieCredentials credentials, long deadlineNanos) throws CallFailure {
        // The form is built from the credentials this token will be cached under, not re-read mid-flight.
        ApiCall call = new ApiCall(EndpointFamily.AUTH, "POST", config.paths().auth(), Map.of(),
                ignored -> new FormBody.Builder()
                        .add(VpsieWire.FORM_CLIENT_ID, credentials.clientId())
                        .add(VpsieWire.FORM_CLIENT_SECRET, credentials.clientSecret())
                        .build(),
                false, true);
        JsonNode reply = transport.execute(call, null, deadlineNanos);
        VpsieWire.TokenReply parsed;
        try {
            parsed = transport.mapper().treeToValue(reply, VpsieWire.TokenReply.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            parsed = null;
        }
        if (parsed == null || parsed.accessToken() == null || parsed.accessToken().token() == null
                || parsed.accessToken().token().isBlank()) {
            throw CallFailure.unhealthy("malformed_response", ErrorClassifier.prefix(call)
                    + "the reply carries no access token", null);
        }
        Instant now = clock.instant();
        Instant expires = VpsieWire.parseTimestamp(parsed.accessToken().expires());
        if (expires == null || !expires.isAfter(now)) {
            expires = now.plus(config.defaultTokenLifetime());
        }
        // Refresh ahead of expiry, but never so early that a short-lived token is refreshed on every call.
        Duration lifetime = Duration.between(now, expires);
        Duration ahead = config.tokenRefreshBefore().compareTo(lifetime.dividedBy(2)) < 0
                ? config.tokenRefreshBefore() : lifetime.dividedBy(2);
        LOG.debug("Obtained a VPSie access token valid until {}", expires);
        return new Token(credentials, parsed.accessToken().token(), expires.minus(ahead));
    }
}
