package com.vpsie.autoscaler.sim;

import java.time.Duration;
import java.util.Objects;

/**
 * A misbehaviour the simulator applies to a request instead of (or besides) the normal answer.
 *
 * @param afterAction whether the call's effect (e.g. the new server) happens before the fault is answered
 */
public record Fault(Kind kind, int status, String message, Duration delay, Duration retryAfter, boolean afterAction) {

    public enum Kind {
        /** A non-2xx status with an error envelope. */
        HTTP_ERROR,
        /** HTTP 200 carrying {@code error: true}. */
        ERROR_ENVELOPE,
        /** HTTP 200 whose body is not JSON. */
        MALFORMED_JSON,
        /** Wait, then answer normally (the effect happens after the wait). */
        DELAY,
        /** Do the effect at once, answer normally only after the wait. */
        SLOW_AFTER_ACTION,
        /** Do the effect, then cut the connection in the middle of the answer. */
        LOST_RESPONSE
    }

    public Fault {
        Objects.requireNonNull(kind, "kind");
        delay = delay == null ? Duration.ZERO : delay;
    }

    public static Fault status(int status) {
        return status(status, "simulated failure");
    }

    public static Fault status(int status, String message) {
        return new Fault(Kind.HTTP_ERROR, status, message, null, null, false);
    }

    /** HTTP 429 with {@code Retry-After} in whole seconds (rounded up). */
    public static Fault tooManyRequests(Duration retryAfter) {
        return new Fault(Kind.HTTP_ERROR, 429, "Too many requests", null, retryAfter, false);
    }

    public static Fault errorEnvelope(String message) {
        return new Fault(Kind.ERROR_ENVELOPE, 200, message, null, null, false);
    }

    /** The reply VPSie gives when an account may not have more servers. */
    public static Fault quotaExceeded() {
        return errorEnvelope("Node count exceeds the allowed limit for your plan");
    }

    public static Fault malformedJson() {
        return new Fault(Kind.MALFORMED_JSON, 200, null, null, null, false);
    }

    public static Fault delay(Duration delay) {
        return new Fault(Kind.DELAY, 0, null, delay, null, false);
    }

    public static Fault slowAfterAction(Duration delay) {
        return new Fault(Kind.SLOW_AFTER_ACTION, 0, null, delay, null, true);
    }

    public static Fault lostResponse() {
        return new Fault(Kind.LOST_RESPONSE, 0, null, null, null, true);
    }

    /** The same fault, but the call's effect happens first (a 5xx or garbage reply after the server was made). */
    public Fault actionFirst() {
        return new Fault(kind, status, message, delay, retryAfter, true);
    }
}
