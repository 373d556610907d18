package com.vpsie.autoscaler.sim.kube;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.MockResponse;
import java.util.List;

/**
 * {@code metav1.Status} answers shaped like the API server's (kind, apiVersion, status, reason, code, details),
 * so client code that branches on the reason or the code sees what it would see against a real cluster.
 * Mock-only: messages are written here, not taken from the API server's sources, so match on reason and code, not
 * on message text; no Retry-After or retryAfterSeconds is ever sent.
 */
final class StatusResponses {

    static final int UNPROCESSABLE_ENTITY = 422;
    static final int TOO_MANY_REQUESTS = 429;

    private StatusResponses() {
    }

    static MockResponse success(int code) {
        return respond(new StatusBuilder().withApiVersion("v1").withKind("Status").withNewMetadata().endMetadata()
                .withStatus("Success").withCode(code).build());
    }

    /** The answer to a write based on a resourceVersion that is no longer current. */
    static MockResponse conflict(ResourcePath path) {
        return failure(409, "Conflict", "Operation cannot be fulfilled on " + path.qualifiedResource() + " \""
                + path.name() + "\": the object has been modified; please apply your changes to the latest version "
                + "and try again", path, List.of());
    }

    static MockResponse notFound(ResourcePath path) {
        return failure(404, "NotFound", path.qualifiedResource() + " \"" + path.name() + "\" not found", path,
                List.of());
    }

    static MockResponse failure(int code, String reason, String message, ResourcePath path, List<StatusCause> causes) {
        StatusBuilder status = new StatusBuilder().withApiVersion("v1").withKind("Status").withNewMetadata()
                .endMetadata().withStatus("Failure").withReason(reason).withMessage(message).withCode(code);
        if (path != null) {
            status.withNewDetails().withName(path.name()).withGroup(path.group().isEmpty() ? null : path.group())
                    .withKind(path.plural()).withCauses(causes).endDetails();
        } else if (!causes.isEmpty()) {
            status.withNewDetails().withCauses(causes).endDetails();
        }
        return respond(status.build());
    }

    private static MockResponse respond(Status status) {
        return new MockResponse().setResponseCode(status.getCode())
                .setHeader("Content-Type", "application/json")
                .setBody(Serialization.asJson(status));
    }
}
