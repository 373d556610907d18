package com.vpsie.autoscaler.sim;

import com.vpsie.autoscaler.provider.vpsie.VpsieWire;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** The VPSie calls the simulator answers, routed by the same path templates the client uses. */
public enum SimEndpoint {
    AUTH("POST", VpsieWire.Paths::auth),
    LIST_GROUPS("GET", VpsieWire.Paths::nodeGroups),
    ADD_GROUP("POST", VpsieWire.Paths::addGroup),
    DELETE_GROUP("DELETE", VpsieWire.Paths::deleteGroup),
    OFFERS("POST", VpsieWire.Paths::offers),
    ADD_WORKER("POST", VpsieWire.Paths::addWorker),
    DELETE_WORKER("DELETE", VpsieWire.Paths::deleteWorker),
    GET_CLUSTER("GET", VpsieWire.Paths::cluster),
    LIST_CLUSTERS("GET", VpsieWire.Paths::clusters),
    LIST_VMS("GET", VpsieWire.Paths::vms),
    GET_VM("GET", VpsieWire.Paths::vm),
    DELETE_VM("DELETE", VpsieWire.Paths::vm);

    private final String method;
    private final Function<VpsieWire.Paths, String> template;

    SimEndpoint(String method, Function<VpsieWire.Paths, String> template) {
        this.method = method;
        this.template = template;
    }

    public String method() {
        return method;
    }

    /** A matched request: the endpoint and its path placeholders. */
    public record Route(SimEndpoint endpoint, Map<String, String> params) {
    }

    /** The endpoint a request goes to, given the path below the base ({@code /k8s/offers}, already decoded). */
    public static Optional<Route> route(String method, List<String> segments, VpsieWire.Paths paths) {
        for (SimEndpoint e : values()) {
            if (!e.method.equals(method)) {
                continue;
            }
            List<String> want = templateSegments(e.template.apply(paths));
            if (want.size() != segments.size()) {
                continue;
            }
            Map<String, String> params = new HashMap<>();
            boolean ok = true;
            for (int i = 0; i < want.size() && ok; i++) {
                String w = want.get(i);
                if (w.startsWith("{") && w.endsWith("}")) {
                    params.put(w.substring(1, w.length() - 1), segments.get(i));
                } else {
                    ok = w.equals(segments.get(i));
                }
            }
            if (ok) {
                return Optional.of(new Route(e, Map.copyOf(params)));
            }
        }
        return Optional.empty();
    }

    private static List<String> templateSegments(String template) {
        return java.util.Arrays.stream(template.split("/")).filter(s -> !s.isEmpty()).toList();
    }
}
