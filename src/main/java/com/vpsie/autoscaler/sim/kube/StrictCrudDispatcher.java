package com.vpsie.autoscaler.sim.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.StatusCauseBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.zjsonpatch.JsonPatchException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * fabric8's CRUD mock dispatcher, made strict where the autoscaler relies on the API server:
 * <ul>
 *   <li>a pod list with a {@code spec.nodeName} field selector returns only that node's pods (watches by node
 *       name are not filtered);</li>
 *   <li>a JSON merge PATCH replaces arrays whole (RFC 7386), where fabric8's mock appends to them;</li>
 *   <li>a PUT, or a JSON merge PATCH, whose body carries a {@code metadata.resourceVersion} other than the stored
 *       one gets 409 with reason {@code Conflict} - on {@code /status} too, where fabric8 accepts stale updates;</li>
 *   <li>{@code POST /api/v1/namespaces/{ns}/pods/{name}/eviction} works, budgets included (see {@link PodEviction});
 *       fabric8 answers 409 or never answers;</li>
 *   <li>a JSON patch whose {@code test} op fails gets 422 (reason {@code Invalid}), and any other exception inside
 *       the mock gets 500, instead of a request that is never answered.</li>
 * </ul>
 *
 * <p>Mock-only, unlike a real API server: no schema, CEL or admission checks; no defaulting; no controllers
 * (PodDisruptionBudget status, pod phases and garbage collection are whatever tests write); PUTs without a
 * resourceVersion are accepted, as are deletes regardless of preconditions; the 409 for a create that already
 * exists keeps fabric8's reason {@code Invalid} (a real server says {@code AlreadyExists}). Everything not listed
 * above is fabric8's {@link KubernetesCrudDispatcher} unchanged.
 */
public class StrictCrudDispatcher extends KubernetesCrudDispatcher {

    private static final String MERGE_PATCH_SUBTYPE = "merge-patch+json";

    // Every write holds this lock, so a resourceVersion check and the write it guards, or the reads and writes of
    // one eviction, cannot interleave with another request. fabric8's own lock covers single calls only.
    private final ReentrantLock writes = new ReentrantLock();
    private final PodEviction eviction;

    public StrictCrudDispatcher() {
        this(Clock.systemUTC());
    }

    /** {@code clock} stamps {@code status.disruptedPods} of the budgets that evictions charge. */
    public StrictCrudDispatcher(Clock clock) {
        this.eviction = new PodEviction(new DispatcherStore(), clock);
    }

    /** Requests answered with an error instead of being served, while the fault is in place. */
    private record Fault(Predicate<RecordedRequest> matches, int code) {
    }

    private final List<Fault> faults = new CopyOnWriteArrayList<>();

    /**
     * From now on answers every request that {@code matches} with {@code code} (a 5xx of an overloaded API server,
     * a 409 that never stops) and serves nothing of it; the returned handle ends the fault.
     */
    public Runnable fail(Predicate<RecordedRequest> matches, int code) {
        Fault fault = new Fault(matches, code);
        faults.add(fault);
        return () -> faults.remove(fault);
    }

    private record Delay(Predicate<RecordedRequest> matches, long millis, java.util.concurrent.CountDownLatch ended) {
    }

    private final List<Delay> delays = new CopyOnWriteArrayList<>();

    /**
     * From now on answers every request that {@code matches} only after {@code delay} (an API server under load,
     * a slow admission webhook); the returned handle ends the delay, also for requests still waiting in it (the
     * mock server cannot shut down while a request is being answered).
     */
    public Runnable delay(Predicate<RecordedRequest> matches, java.time.Duration delay) {
        Delay d = new Delay(matches, delay.toMillis(), new java.util.concurrent.CountDownLatch(1));
        delays.add(d);
        return () -> {
            delays.remove(d);
            d.ended().countDown();
        };
    }

    /** What a {@link #record} handle has kept: the request lines that matched, oldest first. */
    private record Recorder(Predicate<RecordedRequest> matches, List<String> lines) {
    }

    private final List<Recorder> recorders = new CopyOnWriteArrayList<>();

    /**
     * From now on keeps the request line ({@code PATCH /apis/...}) of every request that {@code matches}, e.g. the
     * writes an idle controller sends, until {@link #stopRecording}; the list is live.
     */
    public List<String> record(Predicate<RecordedRequest> matches) {
        Recorder r = new Recorder(matches, new CopyOnWriteArrayList<>());
        recorders.add(r);
        return r.lines();
    }

    /** Stops every {@link #record} list from growing. */
    public void stopRecording() {
        recorders.clear();
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        for (Recorder r : recorders) {
            if (r.matches().test(request)) {
                r.lines().add(request.getRequestLine());
            }
        }
        for (Delay d : delays) {
            if (d.matches().test(request)) {
                try {
                    d.ended().await(d.millis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        for (Fault f : faults) {
            if (f.matches().test(request)) {
                return StatusResponses.failure(f.code(), f.code() == 409 ? "Conflict" : "InternalError",
                        "fault injected by the test on " + request.getRequestLine(), null, List.of());
            }
        }
        try {
            return super.dispatch(request);
        } catch (RuntimeException e) {
            // fabric8's server never answers a request whose handler threw; the client would sit out its timeout.
            String where = Arrays.stream(e.getStackTrace()).filter(f -> !f.getClassName().startsWith("java."))
                    .findFirst().map(f -> " at " + f).orElse("");
            return StatusResponses.failure(500, "InternalError",
                    "the mock API server failed on " + request.getRequestLine() + ": " + e + where, null, List.of());
        }
    }

    /** Pod lists by {@code spec.nodeName}, which the mock would answer with every pod (see {@link NodeNameSelector}). */
    @Override
    public MockResponse handleGet(String path) {
        NodeNameSelector selector = NodeNameSelector.of(path);
        if (selector == null || selector.isWatch()) {
            return super.handleGet(path);
        }
        MockResponse response = super.handleGet(selector.pathWithout());
        if (response.code() != 200) {
            return response;
        }
        return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json")
                .setBody(selector.filter(bodyOf(response)));
    }

    @Override
    public MockResponse handleCreate(RecordedRequest request) {
        Optional<ResourcePath> eviction = ResourcePath.parse(request.getPath()).filter(StrictCrudDispatcher::isEviction);
        if (eviction.isPresent()) {
            String body = bodyOf(request);
            return locked(() -> this.eviction.evict(eviction.get(), body));
        }
        return locked(() -> super.handleCreate(request));
    }

    @Override
    public MockResponse handleUpdate(RecordedRequest request) {
        return locked(() -> {
            MockResponse conflict = staleWrite(request);
            return conflict != null ? conflict : asConflict(request, super.handleUpdate(request));
        });
    }

    /**
     * RFC 7386 as the API server applies it to custom resources: a merge patch replaces arrays whole.
     * fabric8's mock merges by Jackson's updating reader, which appends to arrays, so a status write of
     * five conditions would leave ten.
     */
    @Override
    public JsonNode merge(JsonNode source, String patch) {
        try {
            return applyMergePatch(source == null ? null : source.deepCopy(), Serialization.jsonMapper().readTree(patch));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("merge patch is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static JsonNode applyMergePatch(JsonNode target, JsonNode patch) {
        if (patch == null || !patch.isObject()) {
            return patch;
        }
        com.fasterxml.jackson.databind.node.ObjectNode result = target != null && target.isObject()
                ? (com.fasterxml.jackson.databind.node.ObjectNode) target
                : Serialization.jsonMapper().createObjectNode();
        patch.fields().forEachRemaining(field -> {
            if (field.getValue().isNull()) {
                result.remove(field.getKey());
            } else {
                result.set(field.getKey(), applyMergePatch(result.get(field.getKey()), field.getValue()));
            }
        });
        return result;
    }

    @Override
    public MockResponse handlePatch(RecordedRequest request) {
        return locked(() -> {
            MockResponse conflict = isMergePatch(request) ? staleWrite(request) : null;
            if (conflict != null) {
                return conflict;
            }
            try {
                return asConflict(request, super.handlePatch(request));
            } catch (JsonPatchException e) {
                return StatusResponses.failure(StatusResponses.UNPROCESSABLE_ENTITY, "Invalid",
                        "the JSON patch was not applied: " + e.getMessage(),
                        ResourcePath.parse(request.getPath()).orElse(null),
                        List.of(new StatusCauseBuilder().withReason("FieldValueInvalid")
                                .withMessage(e.getMessage()).build()));
            }
        });
    }

    @Override
    public MockResponse handleDelete(String path) {
        return locked(() -> super.handleDelete(path));
    }

    private static boolean isEviction(ResourcePath path) {
        return path.group().isEmpty() && "pods".equals(path.plural()) && path.isSubresource("eviction");
    }

    private static boolean isMergePatch(RecordedRequest request) {
        String contentType = request.getHeader("Content-Type");
        return contentType != null && contentType.contains(MERGE_PATCH_SUBTYPE);
    }

    /** 409 Conflict when the body names a resourceVersion that is not the stored one; null otherwise. */
    private MockResponse staleWrite(RecordedRequest request) {
        Optional<ResourcePath> path = ResourcePath.parse(request.getPath());
        if (path.isEmpty()) {
            return null;
        }
        // A body fabric8 cannot parse gets its own answer; no resourceVersion is an unconditional write, which
        // the API server allows.
        String sent = resourceVersionOf(bodyOf(request));
        if (sent.isEmpty()) {
            return null;
        }
        AttributeSet key = getKey(path.get().objectPath());
        Map.Entry<AttributeSet, String> stored = findResource(key);
        if (stored == null) {
            return null; // fabric8 answers 404
        }
        return sent.equals(resourceVersionOf(stored.getValue())) ? null : StatusResponses.conflict(path.get());
    }

    /** {@code metadata.resourceVersion} of a JSON object, or "" when it has none or is not JSON. */
    private static String resourceVersionOf(String json) {
        try {
            JsonNode node = Serialization.jsonMapper().readTree(json);
            return node == null ? "" : node.path("metadata").path("resourceVersion").asText("");
        } catch (JsonProcessingException e) {
            return "";
        }
    }

    // fabric8 reports its own stale-resourceVersion refusals (e.g. a JSON patch that sets one) with reason Invalid.
    private static MockResponse asConflict(RecordedRequest request, MockResponse response) {
        if (response.code() != 409) {
            return response;
        }
        return ResourcePath.parse(request.getPath()).map(StatusResponses::conflict).orElse(response);
    }

    private MockResponse locked(Supplier<MockResponse> write) {
        writes.lock();
        try {
            return write.get();
        } finally {
            writes.unlock();
        }
    }

    private static String bodyOf(RecordedRequest request) {
        // getBytes() leaves the buffer readable for fabric8's handlers; readUtf8() would drain it.
        return request.getBody() == null ? "" : new String(request.getBody().getBytes(), StandardCharsets.UTF_8);
    }

    private static String bodyOf(MockResponse response) {
        return response.getBody() == null ? "" : new String(response.getBody().getBytes(), StandardCharsets.UTF_8);
    }

    /** Goes through the dispatcher's own handlers, so resourceVersions bump and watchers are told. */
    private final class DispatcherStore implements PodEviction.Store {

        @Override
        public String get(String objectPath) {
            MockResponse response = handleGet(objectPath);
            return response.code() == 200 ? bodyOf(response) : null;
        }

        @Override
        public String list(String collectionPath) {
            return bodyOf(handleGet(collectionPath));
        }

        @Override
        public void mergePatch(String objectPath, String patch) {
            RecordedRequest request = new RecordedRequest("HTTP/1.1", HttpMethod.PATCH, objectPath,
                    Headers.builder().add("Content-Type", "application/" + MERGE_PATCH_SUBTYPE).build(),
                    new Buffer(patch.getBytes(StandardCharsets.UTF_8)));
            MockResponse response = handlePatch(request);
            if (response.code() / 100 != 2) {
                throw new IllegalStateException("PATCH " + objectPath + " answered " + response.code() + ": "
                        + bodyOf(response));
            }
        }

        @Override
        public void delete(String objectPath) {
            MockResponse response = handleDelete(objectPath);
            if (response.code() / 100 != 2) {
                throw new IllegalStateException("DELETE " + objectPath + " answered " + response.code());
            }
        }
    }
}
