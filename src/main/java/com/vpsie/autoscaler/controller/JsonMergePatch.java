package com.vpsie.autoscaler.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/** RFC 7386 JSON merge patches computed as the difference of two documents, so a write sends only what changed. */
final class JsonMergePatch {

    private JsonMergePatch() {
    }

    /** The patch that turns {@code from} into {@code to}: changed keys, removed keys as null. */
    static ObjectNode diff(JsonNode from, JsonNode to) {
        ObjectNode patch = JsonNodeFactory.instance.objectNode();
        if (from != null && from.isObject()) {
            Iterator<String> names = from.fieldNames();
            while (names.hasNext()) {
                String name = names.next();
                if (to == null || !to.has(name) || to.get(name).isNull()) {
                    patch.putNull(name);
                }
            }
        }
        if (to == null) {
            return patch;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = to.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode before = from == null ? null : from.get(field.getKey());
            JsonNode after = field.getValue();
            if (after.isNull() || after.equals(before)) {
                continue;
            }
            if (after.isObject() && before != null && before.isObject()) {
                patch.set(field.getKey(), diff(before, after));
            } else {
                // arrays are replaced whole: merge patches cannot address their elements
                patch.set(field.getKey(), after);
            }
        }
        return patch;
    }
}
