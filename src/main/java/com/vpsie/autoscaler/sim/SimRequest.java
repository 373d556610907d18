package com.vpsie.autoscaler.sim;

import java.time.Instant;

/**
 * A request the simulator received.
 *
 * @param principal the client id a bearer token was issued to, "static-token" for a static token (in either
 *     header), null when unauthenticated (never a secret)
 * @param status the status answered, or 0 when the connection was cut
 */
public record SimRequest(SimEndpoint endpoint, String method, String path, String principal, int status, Instant at) {
}
