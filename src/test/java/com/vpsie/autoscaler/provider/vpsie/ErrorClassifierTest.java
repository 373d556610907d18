package com.vpsie.autoscaler.provider.vpsie;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ErrorClassifierTest {

    private final ErrorClassifier classifier = new ErrorClassifier(VpsieConfig.defaults().terminalMessages());
    private final ApiCall call = new ApiCall(EndpointFamily.ADD_WORKER, "POST",
            "/k8s/cluster/byId/{cluster}/add/slave/group/{group}", Map.of("cluster", "c1", "group", "7"),
            null, true, false);
    private final ObjectMapper mapper = new ObjectMapper();

    private CallFailure status(int status, String message) {
        return classifier.fromStatus(call, status, null, message, List.of());
    }

    private CallFailure envelope(String json) throws Exception {
        JsonNode body = mapper.readTree(json);
        return classifier.fromEnvelope(call, body, List.of());
    }

    @Test
    void statusesAreClassified() {
        assertThat(status(429, null).kind()).isEqualTo(CallFailure.Kind.TRANSIENT);
        assertThat(status(429, null).notActedOn()).isTrue();
        assertThat(status(503, null).retryable()).isTrue();
        assertThat(status(503, null).notActedOn()).isFalse();
        assertThat(status(503, null).unhealthy()).isTrue();
        assertThat(status(408, null).retryable()).isTrue();
        assertThat(status(401, null).kind()).isEqualTo(CallFailure.Kind.UNAUTHORIZED);
        assertThat(status(403, null).kind()).isEqualTo(CallFailure.Kind.TERMINAL);
        assertThat(status(404, null).kind()).isEqualTo(CallFailure.Kind.NOT_FOUND);
        assertThat(status(400, null).kind()).isEqualTo(CallFailure.Kind.TERMINAL);
        assertThat(status(409, null).kind()).isEqualTo(CallFailure.Kind.TRANSIENT);
        assertThat(status(409, null).retryable()).isFalse();
    }

    @Test
    void retryAfterIsKeptOnA429() {
        CallFailure f = classifier.fromStatus(call, 429, Duration.ofSeconds(4), null, List.of());
        assertThat(f.retryAfter()).isEqualTo(Duration.ofSeconds(4));
        assertThat(f.result()).isEqualTo("rate_limited");
    }

    @Test
    void terminalMessagesWinOverTheStatus() {
        assertThat(status(500, "Quota Exceeded for account").kind()).isEqualTo(CallFailure.Kind.TERMINAL);
        assertThat(status(429, "maximum number of servers reached").kind()).isEqualTo(CallFailure.Kind.TERMINAL);
        assertThat(classifier.isTerminalMessage("Your plan does not allow more nodes")).isTrue();
        assertThat(classifier.isTerminalMessage("try again later")).isFalse();
    }

    @Test
    void envelopesAreClassifiedByMessageAndCode() throws Exception {
        assertThat(envelope("{\"error\":true,\"message\":\"Node count exceeds the allowed limit\"}").kind())
                .isEqualTo(CallFailure.Kind.TERMINAL);
        assertThat(envelope("{\"error\":true,\"code\":404,\"message\":\"gone\"}").kind())
                .isEqualTo(CallFailure.Kind.NOT_FOUND);
        assertThat(envelope("{\"error\":true,\"message\":\"Node not found\"}").kind())
                .isEqualTo(CallFailure.Kind.NOT_FOUND);
        assertThat(envelope("{\"error\":true,\"code\":401}").kind()).isEqualTo(CallFailure.Kind.UNAUTHORIZED);
        assertThat(envelope("{\"error\":true,\"code\":503}").retryable()).isTrue();
        CallFailure unknown = envelope("{\"error\":true,\"code\":\"E42\",\"message\":\"busy\"}");
        assertThat(unknown.kind()).isEqualTo(CallFailure.Kind.TRANSIENT);
        assertThat(unknown.retryable()).isFalse();
        assertThat(unknown.getMessage())
                .isEqualTo("VPSie add_worker call POST /k8s/cluster/byId/c1/add/slave/group/7 failed: error reply: busy");
    }

    @Test
    void aRefusalForLackOfCapacityIsItsOwnKindAndNotRetried() throws Exception {
        CallFailure inEnvelope = envelope("{\"error\":true,\"code\":400,\"message\":\"Insufficient resources: "
                + "the selected package is not available in this datacenter\"}");
        assertThat(inEnvelope.kind()).isEqualTo(CallFailure.Kind.OUT_OF_CAPACITY);
        assertThat(inEnvelope.retryable()).isFalse();
        assertThat(inEnvelope.notActedOn()).isTrue();
        assertThat(inEnvelope.result()).isEqualTo("out_of_capacity");
        assertThat(status(400, "Size is out of stock").kind()).isEqualTo(CallFailure.Kind.OUT_OF_CAPACITY);
        // a 5xx is the service failing, whatever its text says
        assertThat(status(503, "not enough resources").kind()).isEqualTo(CallFailure.Kind.TRANSIENT);
        assertThat(status(400, "plan does not allow").kind()).isEqualTo(CallFailure.Kind.TERMINAL);
    }

    @Test
    void authMessagesAreNeverRepeatedAndOthersAreScrubbed() {
        ApiCall auth = new ApiCall(EndpointFamily.AUTH, "POST", "/auth/from/api", Map.of(), null, false, true);
        assertThat(classifier.fromStatus(auth, 401, null, "bad secret hunter2", List.of()).getMessage())
                .doesNotContain("hunter2");
        assertThat(classifier.fromStatus(call, 500, null, "echo hunter2 and Bearer abc", List.of("Bearer abc",
                "abc", "hunter2")).getMessage()).endsWith("echo <redacted> and <redacted>");
    }
}
