package com.vpsie.autoscaler.provider.vpsie;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Turns an HTTP status or a VPSie error envelope into a classified {@link CallFailure}. Terminal means a retry
 * will fail the same way (quota, plan limits, forbidden, bad request); everything else is transient. Messages
 * name the endpoint family and path, and are scrubbed of any credential value the server might echo.
 */
final class ErrorClassifier {

    private static final int MAX_API_MESSAGE = 300;
    /**
     * How a refusal for lack of capacity reads (lower case). VPSie publishes no error codes; these are the phrases
     * a "size sold out in this datacenter" answer uses, and the simulator's out-of-stock fault answers with one.
     */
    static final List<String> CAPACITY_MESSAGES = List.of("insufficient resources", "insufficient capacity",
            "out of stock", "not enough resources", "no available resources", "no resources available");

    private final List<String> terminalMessages;

    ErrorClassifier(List<String> terminalMessages) {
        this.terminalMessages = List.copyOf(terminalMessages);
    }

    boolean isTerminalMessage(String message) {
        if (message == null) {
            return false;
        }
        String m = message.toLowerCase(Locale.ROOT);
        return terminalMessages.stream().anyMatch(m::contains);
    }

    static boolean isCapacityMessage(String message) {
        if (message == null) {
            return false;
        }
        String m = message.toLowerCase(Locale.ROOT);
        return CAPACITY_MESSAGES.stream().anyMatch(m::contains);
    }

    /** A reply with a status other than 2xx. */
    CallFailure fromStatus(ApiCall call, int status, Duration retryAfter, String apiMessage, List<String> secrets) {
        String text = prefix(call) + "HTTP " + status + detail(call, apiMessage, secrets);
        if (status < 500 && isCapacityMessage(apiMessage)) {
            return CallFailure.outOfCapacity(text);
        }
        if (isTerminalMessage(apiMessage)) {
            return CallFailure.terminal("limit_exceeded", text);
        }
        if (status == 401) {
            return CallFailure.unauthorized(text);
        }
        if (status == 403) {
            return CallFailure.terminal("forbidden", text);
        }
        if (status == 404) {
            return CallFailure.notFound(text);
        }
        if (status == 429) {
            return CallFailure.rateLimited(text, retryAfter);
        }
        if (status == 408) {
            return CallFailure.unhealthy("timeout", text, null);
        }
        if (status >= 500) {
            return CallFailure.unhealthy("server_error", text, null);
        }
        if (status == 409 || status == 423 || status == 425) {
            // Conflict / locked / too early: the resource is busy, not the request wrong.
            return CallFailure.apiError("client_error", text);
        }
        return CallFailure.terminal("client_error", text);
    }

    /** An HTTP 2xx reply whose envelope says {@code error: true}. */
    CallFailure fromEnvelope(ApiCall call, JsonNode body, List<String> secrets) {
        String apiMessage = VpsieWire.envelopeMessage(body);
        int code = body.path(VpsieWire.ENVELOPE_CODE).asInt(0);
        String text = prefix(call) + "error reply" + (code != 0 ? " (code " + code + ")" : "")
                + detail(call, apiMessage, secrets);
        if (isCapacityMessage(apiMessage)) {
            return CallFailure.outOfCapacity(text);
        }
        if (isTerminalMessage(apiMessage)) {
            return CallFailure.terminal("limit_exceeded", text);
        }
        String lower = apiMessage == null ? "" : apiMessage.toLowerCase(Locale.ROOT);
        if (code == 401 || lower.contains("unauthorized") || lower.contains("unauthenticated")) {
            return CallFailure.unauthorized(text);
        }
        if (code == 404 || lower.contains("not found")) {
            return CallFailure.notFound(text);
        }
        if (code == 429) {
            return CallFailure.rateLimited(text, null);
        }
        if (code >= 500 && code <= 599) {
            return CallFailure.unhealthy("server_error", text, null);
        }
        if (code == 403) {
            return CallFailure.terminal("forbidden", text);
        }
        // An unknown refusal: a definite answer, not repeated at once; the caller's back-off decides when.
        return CallFailure.apiError("api_error", text);
    }

    static String prefix(ApiCall call) {
        return "VPSie " + call.family().label() + " call " + call.describe() + " failed: ";
    }

    private static String detail(ApiCall call, String apiMessage, List<String> secrets) {
        // The token exchange's messages may quote what was sent; never repeat them.
        if (call.family() == EndpointFamily.AUTH || apiMessage == null || apiMessage.isBlank()) {
            return "";
        }
        String m = scrub(apiMessage.strip(), secrets);
        if (m.length() > MAX_API_MESSAGE) {
            m = m.substring(0, MAX_API_MESSAGE) + "...";
        }
        return ": " + m;
    }

    /** The text with every secret value replaced, in case a server echoes one back. */
    static String scrub(String text, List<String> secrets) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String secret : secrets) {
            if (secret != null && !secret.isEmpty()) {
                out = out.replace(secret, "<redacted>");
            }
        }
        return out;
    }
}
