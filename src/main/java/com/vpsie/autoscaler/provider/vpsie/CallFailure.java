package com.vpsie.autoscaler.provider.vpsie;

import com.vpsie.autoscaler.provider.ProviderException;
import java.time.Duration;

/**
 * One failed attempt at a VPSie call, classified: what kind of error, whether to retry it now, whether the
 * server provably did not act on it, and whether it says the endpoint is unhealthy (for the circuit breaker).
 * Internal to the client; callers see {@link ProviderException}.
 */
final class CallFailure extends Exception {

    enum Kind { TRANSIENT, TERMINAL, NOT_FOUND, UNAUTHORIZED, OUT_OF_CAPACITY }

    private final Kind kind;
    private final boolean retryable;
    private final boolean notActedOn;
    private final boolean unhealthy;
    private final Duration retryAfter;
    private final String result;

    private CallFailure(Kind kind, boolean retryable, boolean notActedOn, boolean unhealthy, Duration retryAfter,
                        String result, String message, Throwable cause) {
        super(message, cause, false, cause != null);
        this.kind = kind;
        this.retryable = retryable;
        this.notActedOn = notActedOn;
        this.unhealthy = unhealthy;
        this.retryAfter = retryAfter;
        this.result = result;
    }

    /** HTTP 429: the server refused before doing anything. */
    static CallFailure rateLimited(String message, Duration retryAfter) {
        return new CallFailure(Kind.TRANSIENT, true, true, false, retryAfter, "rate_limited", message, null);
    }

    /** The client's own limiter or bulkhead said no; nothing was sent and an immediate retry would not help. */
    static CallFailure throttledLocally(String message) {
        return new CallFailure(Kind.TRANSIENT, false, true, false, null, "throttled", message, null);
    }

    /** 5xx, timeouts, broken connections, unreadable replies: worth retrying; the endpoint may be unhealthy. */
    static CallFailure unhealthy(String result, String message, Throwable cause) {
        return new CallFailure(Kind.TRANSIENT, true, false, true, null, result, message, cause);
    }

    /** The connection was never made, so the server cannot have acted. */
    static CallFailure notConnected(String message, Throwable cause) {
        return new CallFailure(Kind.TRANSIENT, true, true, true, null, "network_error", message, cause);
    }

    /** A definite answer that is not worth repeating at once but may change later (unknown API errors). */
    static CallFailure apiError(String result, String message) {
        return new CallFailure(Kind.TRANSIENT, false, true, false, null, result, message, null);
    }

    static CallFailure terminal(String result, String message) {
        return new CallFailure(Kind.TERMINAL, false, true, false, null, result, message, null);
    }

    /** The datacenter has no room for the size asked for: nothing was made, and retrying now would not help. */
    static CallFailure outOfCapacity(String message) {
        return new CallFailure(Kind.OUT_OF_CAPACITY, false, true, false, null, "out_of_capacity", message, null);
    }

    /** The operation ran out of time or was interrupted before (another) request could be sent. */
    static CallFailure aborted(String result, String message) {
        return new CallFailure(Kind.TRANSIENT, false, true, false, null, result, message, null);
    }

    static CallFailure notFound(String message) {
        return new CallFailure(Kind.NOT_FOUND, false, true, false, null, "not_found", message, null);
    }

    static CallFailure unauthorized(String message) {
        return new CallFailure(Kind.UNAUTHORIZED, false, true, false, null, "unauthorized", message, null);
    }

    /** The same failure, but not to be retried by an outer retry loop (it was retried inside already). */
    CallFailure notRetryable() {
        if (!retryable) {
            return this;
        }
        return new CallFailure(kind, false, notActedOn, unhealthy, retryAfter, result, getMessage(), getCause());
    }

    Kind kind() {
        return kind;
    }

    boolean retryable() {
        return retryable;
    }

    /** True when the server provably did not act, so even a non-idempotent request may be sent again. */
    boolean notActedOn() {
        return notActedOn;
    }

    boolean unhealthy() {
        return unhealthy;
    }

    Duration retryAfter() {
        return retryAfter;
    }

    /** The {@code result} label of vpsie_api_requests_total. */
    String result() {
        return result;
    }

    /** The metric {@code type} of vpsie_api_errors_total. */
    String errorType() {
        return kind == Kind.TRANSIENT ? "transient" : "terminal";
    }

    ProviderException toProviderException() {
        if (kind == Kind.TRANSIENT) {
            return new ProviderException.Transient(getMessage(), this);
        }
        if (kind == Kind.OUT_OF_CAPACITY) {
            return new ProviderException.OutOfCapacity(getMessage(), this);
        }
        return new ProviderException.Terminal(getMessage(), this);
    }
}
