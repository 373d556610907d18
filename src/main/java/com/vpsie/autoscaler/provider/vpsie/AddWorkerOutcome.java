package com.vpsie.autoscaler.provider.vpsie;

/**
 * What an add-worker call achieved. VPSie may answer {@code data: true} without naming the new server, and a
 * call that timed out or lost its reply may or may not have created one; the provider recovers the identity
 * by listing the group in both cases.
 */
public sealed interface AddWorkerOutcome {

    /** The reply named the new server. */
    record Created(VpsieWire.ClusterNodeDto node) implements AddWorkerOutcome {
    }

    /** The server is being created; the reply did not say which one it is. */
    record Accepted() implements AddWorkerOutcome {
    }

    /** No usable reply: the server may or may not exist. {@code reason} names the endpoint and the failure. */
    record Unknown(String reason) implements AddWorkerOutcome {
    }
}
