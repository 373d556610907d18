package com.vpsie.autoscaler.sim.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code spec.nodeName} term of a pod list's field selector, which kubelets and drainers use and
 * fabric8's mock ignores (it matches field selectors on name and namespace only): split off before the
 * mock answers, applied to its answer after.
 */
record NodeNameSelector(String pathWithout, String nodeName, boolean negated) {

    private static final String KEY = "spec.nodeName";

    /** The selector of a pod list or watch path, or null when it has no spec.nodeName term. */
    static NodeNameSelector of(String path) {
        int q = path.indexOf('?');
        if (q < 0 || !path.substring(0, q).endsWith("/pods")) {
            return null;
        }
        List<String> params = new ArrayList<>();
        String nodeName = null;
        boolean negated = false;
        for (String param : path.substring(q + 1).split("&")) {
            if (!param.startsWith("fieldSelector=")) {
                params.add(param);
                continue;
            }
            List<String> kept = new ArrayList<>();
            for (String term : URLDecoder.decode(param.substring("fieldSelector=".length()), StandardCharsets.UTF_8)
                    .split(",")) {
                if (term.startsWith(KEY + "!=")) {
                    nodeName = term.substring(KEY.length() + 2);
                    negated = true;
                } else if (term.startsWith(KEY + "==")) {
                    nodeName = term.substring(KEY.length() + 2);
                } else if (term.startsWith(KEY + "=")) {
                    nodeName = term.substring(KEY.length() + 1);
                } else if (!term.isEmpty()) {
                    kept.add(term);
                }
            }
            if (!kept.isEmpty()) {
                params.add("fieldSelector=" + URLEncoder.encode(String.join(",", kept), StandardCharsets.UTF_8));
            }
        }
        if (nodeName == null) {
            return null;
        }
        String rest = String.join("&", params);
        return new NodeNameSelector(path.substring(0, q) + (rest.isEmpty() ? "" : "?" + rest), nodeName, negated);
    }

    boolean isWatch() {
        return pathWithout.contains("watch=true");
    }

    /** The list answer with only the pods the term selects. */
    String filter(String listJson) {
        JsonNode list = Serialization.unmarshal(listJson, JsonNode.class);
        if (!(list instanceof ObjectNode object) || !(list.get("items") instanceof ArrayNode items)) {
            return listJson;
        }
        ArrayNode kept = object.putArray("items");
        for (JsonNode pod : items) {
            boolean on = nodeName.equals(pod.path("spec").path("nodeName").asText(""));
            if (on != negated) {
                kept.add(pod);
            }
        }
        return Serialization.asJson(object);
    }
}
