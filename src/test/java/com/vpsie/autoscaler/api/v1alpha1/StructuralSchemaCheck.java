package com.vpsie.autoscaler.api.v1alpha1;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks a document against the parts of a CRD's structural schema that can be checked without an API server:
 * types, required fields, numeric bounds, lengths, enums, and unknown fields (which {@code kubectl apply}
 * rejects under its default strict field validation). CEL rules ({@code x-kubernetes-validations}), formats and
 * defaulting are not evaluated; the real-API-server tests cover those.
 */
public final class StructuralSchemaCheck {

    private StructuralSchemaCheck() {
    }

    /** Every violation as {@code path: problem}; empty when the document passes. */
    public static List<String> violations(JSONSchemaProps schema, JsonNode document, String path) {
        List<String> out = new ArrayList<>();
        check(schema, document, path, out);
        return out;
    }

    private static void check(JSONSchemaProps schema, JsonNode value, String path, List<String> out) {
        if (value == null || value.isNull()) {
            if (!Boolean.TRUE.equals(schema.getNullable())) {
                out.add(path + ": must not be null");
            }
            return;
        }
        String type = schema.getType();
        if (type != null && !hasType(value, type)) {
            out.add(path + ": must be of type " + type + " (got " + value.getNodeType() + ")");
            return;
        }
        if (schema.getEnum() != null && !schema.getEnum().isEmpty() && !schema.getEnum().contains(value)) {
            out.add(path + ": must be one of " + schema.getEnum());
        }
        if (value.isNumber()) {
            checkBounds(schema, value.asDouble(), path, out);
        } else if (value.isTextual()) {
            checkLength(schema, value.asText().length(), path, out);
        } else if (value.isArray()) {
            checkArray(schema, value, path, out);
        } else if (value.isObject()) {
            checkObject(schema, value, path, out);
        }
    }

    private static boolean hasType(JsonNode value, String type) {
        switch (type) {
            case "object":
                return value.isObject();
            case "array":
                return value.isArray();
            case "string":
                return value.isTextual();
            case "integer":
                return value.isIntegralNumber();
            case "number":
                return value.isNumber();
            case "boolean":
                return value.isBoolean();
            default:
                return true;
        }
    }

    private static void checkBounds(JSONSchemaProps schema, double n, String path, List<String> out) {
        if (schema.getMinimum() != null && n < schema.getMinimum()) {
            out.add(path + ": must be at least " + schema.getMinimum() + " (got " + n + ")");
        }
        if (schema.getMaximum() != null && n > schema.getMaximum()) {
            out.add(path + ": must be at most " + schema.getMaximum() + " (got " + n + ")");
        }
    }

    private static void checkLength(JSONSchemaProps schema, int length, String path, List<String> out) {
        if (schema.getMinLength() != null && length < schema.getMinLength()) {
            out.add(path + ": must be at least " + schema.getMinLength() + " characters long");
        }
        if (schema.getMaxLength() != null && length > schema.getMaxLength()) {
            out.add(path + ": must be at most " + schema.getMaxLength() + " characters long");
        }
    }

    private static void checkArray(JSONSchemaProps schema, JsonNode value, String path, List<String> out) {
        if (schema.getMinItems() != null && value.size() < schema.getMinItems()) {
            out.add(path + ": must have at least " + schema.getMinItems() + " items");
        }
        if (schema.getMaxItems() != null && value.size() > schema.getMaxItems()) {
            out.add(path + ": must have at most " + schema.getMaxItems() + " items");
        }
        if (schema.getItems() != null && schema.getItems().getSchema() != null) {
            for (int i = 0; i < value.size(); i++) {
                check(schema.getItems().getSchema(), value.get(i), path + "[" + i + "]", out);
            }
        }
    }

    private static void checkObject(JSONSchemaProps schema, JsonNode value, String path, List<String> out) {
        if (schema.getRequired() != null) {
            for (String required : schema.getRequired()) {
                if (!value.has(required)) {
                    out.add(path + "." + required + ": required");
                }
            }
        }
        Map<String, JSONSchemaProps> properties = schema.getProperties();
        JSONSchemaProps additional = schema.getAdditionalProperties() == null
                ? null : schema.getAdditionalProperties().getSchema();
        boolean keepsUnknown = Boolean.TRUE.equals(schema.getXKubernetesPreserveUnknownFields());
        for (Map.Entry<String, JsonNode> field : value.properties()) {
            String fieldPath = path + "." + field.getKey();
            if (properties != null && properties.containsKey(field.getKey())) {
                check(properties.get(field.getKey()), field.getValue(), fieldPath, out);
            } else if (additional != null) {
                check(additional, field.getValue(), fieldPath, out);
            } else if (!keepsUnknown) {
                out.add(fieldPath + ": unknown field");
            }
        }
    }
}
