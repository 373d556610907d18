package com.vpsie.autoscaler.sim.kube;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.StatusCauseBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetList;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.MockResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The pod eviction subresource ({@code POST /api/v1/namespaces/{ns}/pods/{name}/eviction}), following the API
 * server's rules closely enough for drain code: 404 for a missing pod; pods that are Pending, Succeeded, Failed or
 * already deleting are deleted without consulting budgets; otherwise the one policy/v1 PodDisruptionBudget whose
 * selector matches the pod must have {@code status.disruptionsAllowed >= 1} or the answer is 429; more than one
 * matching budget is a 500, as on a real cluster.
 *
 * <p>Mock-only, unlike a real API server: the budget's status is taken as written (no observedGeneration check,
 * no unhealthy-pod eviction policy, no dry run, delete options ignored), and nothing recomputes it afterwards.
 */
final class PodEviction {

    private static final Set<String> PHASES_THAT_IGNORE_BUDGETS = Set.of("Pending", "Succeeded", "Failed");

    /** Reads and writes objects through the dispatcher, so resourceVersions bump and watchers see the changes. */
    interface Store {

        /** The object's JSON, or null when there is none. */
        String get(String objectPath);

        /** The JSON of a list answer. */
        String list(String collectionPath);

        void mergePatch(String objectPath, String patch);

        void delete(String objectPath);
    }

    private final Store store;
    private final Clock clock;

    PodEviction(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    MockResponse evict(ResourcePath podPath, String requestBody) {
        JsonNode eviction;
        try {
            eviction = Serialization.jsonMapper().readTree(requestBody);
        } catch (Exception e) {
            return StatusResponses.failure(400, "BadRequest", "cannot parse the Eviction: " + e.getMessage(), podPath,
                    List.of());
        }
        String named = eviction == null ? "" : eviction.path("metadata").path("name").asText("");
        if (!named.isEmpty() && !named.equals(podPath.name())) {
            return StatusResponses.failure(400, "BadRequest", "name in URL does not match name in Eviction object",
                    podPath, List.of());
        }
        ResourcePath pod = new ResourcePath("", "v1", podPath.namespace(), "pods", podPath.name(), null);
        String podJson = store.get(pod.objectPath());
        if (podJson == null) {
            return StatusResponses.notFound(pod);
        }
        Pod current = Serialization.unmarshal(podJson, Pod.class);
        if (!ignoresBudgets(current)) {
            List<PodDisruptionBudget> budgets = budgetsCovering(current);
            if (budgets.size() > 1) {
                return StatusResponses.failure(500, "InternalError", "This pod has more than one "
                        + "PodDisruptionBudget, which the eviction subresource does not support.", pod, List.of());
            }
            if (budgets.size() == 1) {
                MockResponse refused = spendDisruption(budgets.get(0), pod);
                if (refused != null) {
                    return refused;
                }
            }
        }
        store.delete(pod.objectPath());
        return StatusResponses.success(201);
    }

    private static boolean ignoresBudgets(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return (phase != null && PHASES_THAT_IGNORE_BUDGETS.contains(phase))
                || pod.getMetadata().getDeletionTimestamp() != null;
    }

    private List<PodDisruptionBudget> budgetsCovering(Pod pod) {
        String collection = "/apis/policy/v1/namespaces/" + pod.getMetadata().getNamespace() + "/poddisruptionbudgets";
        PodDisruptionBudgetList list = Serialization.unmarshal(store.list(collection), PodDisruptionBudgetList.class);
        Map<String, String> labels = pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
        return list.getItems().stream()
                .filter(pdb -> pdb.getSpec() != null && selects(pdb.getSpec().getSelector(), labels))
                .collect(Collectors.toList());
    }

    /** Null when the eviction may go ahead (the budget has been charged), else the 429 answer. */
    private MockResponse spendDisruption(PodDisruptionBudget pdb, ResourcePath pod) {
        String name = pdb.getMetadata().getName();
        int allowed = pdb.getStatus() == null || pdb.getStatus().getDisruptionsAllowed() == null
                ? 0 : pdb.getStatus().getDisruptionsAllowed();
        if (allowed < 1) {
            int desired = pdb.getStatus() == null || pdb.getStatus().getDesiredHealthy() == null
                    ? 0 : pdb.getStatus().getDesiredHealthy();
            int healthy = pdb.getStatus() == null || pdb.getStatus().getCurrentHealthy() == null
                    ? 0 : pdb.getStatus().getCurrentHealthy();
            String detail = "The disruption budget " + name + " needs " + desired + " healthy pods and has "
                    + healthy + " currently";
            return StatusResponses.failure(StatusResponses.TOO_MANY_REQUESTS, "TooManyRequests",
                    "Cannot evict pod as it would violate the pod's disruption budget " + name + ". " + detail, pod,
                    List.of(new StatusCauseBuilder().withReason("DisruptionBudget").withMessage(detail).build()));
        }
        // The API server charges the budget the same way; the disruption controller then recomputes
        // disruptionsAllowed from the pods it sees. The mock has no such controller, so the decrement stands
        // until a test writes the budget's status again.
        String at = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
        String patch = "{\"status\":{\"disruptionsAllowed\":" + (allowed - 1)
                + ",\"disruptedPods\":{\"" + pod.name() + "\":\"" + at + "\"}}}";
        store.mergePatch("/apis/policy/v1/namespaces/" + pdb.getMetadata().getNamespace()
                + "/poddisruptionbudgets/" + name + "/status", patch);
        return null;
    }

    /** policy/v1 semantics: a null selector selects nothing, an empty one selects every pod of the namespace. */
    static boolean selects(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return false;
        }
        if (selector.getMatchLabels() != null) {
            for (Map.Entry<String, String> wanted : selector.getMatchLabels().entrySet()) {
                if (!wanted.getValue().equals(labels.get(wanted.getKey()))) {
                    return false;
                }
            }
        }
        if (selector.getMatchExpressions() != null) {
            for (LabelSelectorRequirement requirement : selector.getMatchExpressions()) {
                if (!satisfies(requirement, labels)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean satisfies(LabelSelectorRequirement requirement, Map<String, String> labels) {
        String value = labels.get(requirement.getKey());
        List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
        switch (requirement.getOperator()) {
            case "In":
                return value != null && values.contains(value);
            case "NotIn":
                return value == null || !values.contains(value);
            case "Exists":
                return value != null;
            case "DoesNotExist":
                return value == null;
            default:
                // The API server refuses to store such a selector; treat it as matching nothing.
                return false;
        }
    }
}
