package com.vpsie.autoscaler.provider.vpsie;

import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import okhttp3.RequestBody;

/**
 * One VPSie API operation as the transport runs it.
 *
 * @param pathTemplate a template of {@link VpsieWire.Paths}
 * @param body builds the request body from the credentials in use (the token exchange needs them); null for none
 * @param authenticated whether to send the bearer or static token
 * @param idempotent whether repeating the request is harmless; if not, only failures that prove the request
 *     was not acted on (429, no connection) are retried, and anything else is reported as an unknown outcome
 */
record ApiCall(EndpointFamily family, String method, String pathTemplate, Map<String, String> pathParams,
               Function<VpsieCredentials, RequestBody> body, boolean authenticated, boolean idempotent) {

    ApiCall {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(pathTemplate, "pathTemplate");
        pathParams = pathParams == null ? Map.of() : Map.copyOf(pathParams);
    }

    /** The path with its placeholders filled, for messages and logs (ids only, never a credential). */
    String describe() {
        String p = pathTemplate;
        for (Map.Entry<String, String> e : pathParams.entrySet()) {
            p = p.replace("{" + e.getKey() + "}", e.getValue());
        }
        return method + " " + p;
    }
}
