package com.vpsie.autoscaler.provider;

import java.util.Objects;

/**
 * What an add call achieved, without waiting for the cloud to list the new server: it named the server, it was
 * accepted without naming one (VPSie's common answer), or its outcome is unknown (a lost reply, a timeout, a 5xx),
 * so a server may or may not come.
 */
public sealed interface CreateOutcome {

    /** The cloud named the server it made. */
    record Created(ProviderServer server) implements CreateOutcome {
        public Created {
            Objects.requireNonNull(server, "server");
        }
    }

    /** The cloud is making a server and did not say which. */
    record Accepted() implements CreateOutcome {
    }

    /** No usable answer: a server may or may not appear. */
    record Unknown(String reason) implements CreateOutcome {
    }
}
