package com.vpsie.autoscaler.snapshot;

import com.vpsie.autoscaler.model.Quantities;
import com.vpsie.autoscaler.model.TaintEffect;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/** Names the object being converted, so every failure says which object and which field. */
final class ConversionContext {

    private final String object;

    ConversionContext(String object) {
        this.object = object;
    }

    /** "Pod default/web-1", or "Node worker-1" for cluster-scoped kinds. */
    static ConversionContext of(String kind, HasMetadata resource) {
        return new ConversionContext(describe(kind, resource));
    }

    static String describe(String kind, HasMetadata resource) {
        String name = resource.getMetadata() == null ? null : resource.getMetadata().getName();
        String namespace = resource.getMetadata() == null ? null : resource.getMetadata().getNamespace();
        String shownName = name == null ? "<unnamed>" : name;
        return kind + " " + (namespace == null ? shownName : namespace + "/" + shownName);
    }

    String object() {
        return object;
    }

    SnapshotException fail(String field, String problem) {
        return SnapshotException.of(object, field, problem);
    }

    long millis(String field, Quantity quantity) {
        try {
            return Quantities.parseMillis(text(quantity));
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw fail(field, e.getMessage());
        }
    }

    long units(String field, Quantity quantity) {
        try {
            return Quantities.parseUnits(text(quantity));
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw fail(field, e.getMessage());
        }
    }

    Instant timestamp(String field, String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw fail(field, "cannot parse time '" + text + "' (RFC 3339 expected, e.g. 2026-11-01T08:00:00Z)");
        }
    }

    TaintEffect taintEffect(String field, String wire) {
        if (wire == null || wire.isEmpty()) {
            throw fail(field, "required");
        }
        try {
            return TaintEffect.fromWire(wire);
        } catch (IllegalArgumentException e) {
            throw fail(field, e.getMessage());
        }
    }

    /** The map itself, or an empty one; a key without a value (YAML "key:") is an error here, not an NPE later. */
    Map<String, String> stringMap(String field, Map<String, String> map) {
        if (map == null) {
            return Map.of();
        }
        for (Map.Entry<String, String> e : map.entrySet()) {
            if (e.getValue() == null) {
                throw fail(field + "." + e.getKey(), "value required");
            }
        }
        return map;
    }

    List<String> strings(String field, List<String> list) {
        if (list == null) {
            return List.of();
        }
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) == null) {
                throw fail(field + "[" + i + "]", "value required");
            }
        }
        return list;
    }

    private static String text(Quantity quantity) {
        if (quantity == null || quantity.getAmount() == null) {
            return null;
        }
        return quantity.getAmount() + (quantity.getFormat() == null ? "" : quantity.getFormat());
    }
}
