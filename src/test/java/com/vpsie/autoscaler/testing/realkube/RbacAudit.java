package com.vpsie.autoscaler.testing.realkube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The API server's audit log of the requests made through impersonation (the script's policy records those and
 * nothing else), read as it grows: how many requests each watched user made and which ones RBAC refused. This is
 * how a scenario sees a Forbidden the controller only logged and went on from (an Event it could not create).
 */
public final class RbacAudit {

    /** The annotation the authorizer leaves on every audited request. */
    private static final String DECISION = "authorization.k8s.io/decision";

    /** One request RBAC refused. */
    public record Denial(String user, String verb, String resource, String namespace, String name, String message) {

        /** e.g. {@code Forbidden (403): patch autoscaler.vpsie.com/nodegroups/status ns/name: <server's message>}. */
        @Override
        public String toString() {
            String target = name != null ? " " + (namespace == null ? "" : namespace + "/") + name
                    : namespace != null ? " in " + namespace : "";
            return "Forbidden (403): " + verb + " " + resource + target + ": " + message;
        }
    }

    private static final class Seen {
        long requests;
        final List<Denial> denials = new ArrayList<>();
    }

    private final Path file;
    private final ObjectMapper json = new ObjectMapper();
    /** Only users a test asked about are kept, and dropped again by {@link #forget}. */
    private final Map<String, Seen> watched = new HashMap<>();
    private long offset;

    RbacAudit(Path file) {
        this.file = file;
        // Requests made before this object existed belong to nobody watching.
        this.offset = size();
    }

    /** The log file. */
    public Path file() {
        return file;
    }

    /** Starts counting {@code user}'s requests (impersonated user name, e.g. system:serviceaccount:ns:name). */
    public synchronized void watch(String user) {
        readNew();
        watched.putIfAbsent(user, new Seen());
    }

    public synchronized void forget(String user) {
        watched.remove(user);
    }

    /** Every request of {@code user} RBAC refused since {@link #watch}, oldest first. */
    public synchronized List<Denial> denials(String user) {
        readNew();
        Seen seen = watched.get(user);
        return seen == null ? List.of() : List.copyOf(seen.denials);
    }

    /** How many requests {@code user} made since {@link #watch} that have completed, SelfSubjectReviews aside. */
    public synchronized long requests(String user) {
        readNew();
        Seen seen = watched.get(user);
        return seen == null ? 0 : seen.requests;
    }

    private long size() {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the complete lines written since the last read; a line still being written waits for the next. */
    private void readNew() {
        if (!Files.exists(file)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < offset) {
                // Rotated (--audit-log-maxsize): start over on the new file.
                offset = 0;
            }
            if (size == offset) {
                return;
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(size - offset, Integer.MAX_VALUE - 8));
            while (buffer.hasRemaining() && channel.read(buffer, offset + buffer.position()) > 0) {
                // reads until the buffer is full or the file ends
            }
            byte[] bytes = buffer.array();
            int end = buffer.position();
            int start = 0;
            for (int i = 0; i < end; i++) {
                if (bytes[i] == '\n') {
                    record(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                    start = i + 1;
                }
            }
            offset += start;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the audit log " + file, e);
        }
    }

    private void record(String line) throws IOException {
        if (line.isBlank()) {
            return;
        }
        JsonNode event = json.readTree(line);
        String user = event.path("impersonatedUser").path("username").asText(null);
        Seen seen = user == null ? null : watched.get(user);
        if (seen == null) {
            return;
        }
        // A SelfSubjectReview is the harness asking who a kubeconfig acts as, not the code under test acting.
        if (!"selfsubjectreviews".equals(event.path("objectRef").path("resource").asText())) {
            seen.requests++;
        }
        boolean refused = event.path("responseStatus").path("code").asInt() == 403
                && "forbid".equals(event.path("annotations").path(DECISION).asText());
        if (refused) {
            JsonNode ref = event.path("objectRef");
            String group = ref.path("apiGroup").asText("");
            String resource = ref.path("resource").asText(event.path("requestURI").asText());
            String subresource = ref.path("subresource").asText("");
            seen.denials.add(new Denial(user, event.path("verb").asText(),
                    (group.isEmpty() ? "" : group + "/") + resource + (subresource.isEmpty() ? "" : "/" + subresource),
                    ref.path("namespace").asText(null), ref.path("name").asText(null),
                    event.path("responseStatus").path("message").asText("")));
        }
    }
}
