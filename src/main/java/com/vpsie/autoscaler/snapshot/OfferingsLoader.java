package com.vpsie.autoscaler.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.vpsie.autoscaler.model.Offering;
import com.vpsie.autoscaler.model.Quantities;
import com.vpsie.autoscaler.model.Resources;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the VPSie offerings a snapshot's groups name: a YAML or JSON list of
 * {@code {id, cpu, memory, pods, pricePerHour, ephemeralStorage}}. cpu is cores (2, 0.5) or a quantity
 * ("1500m"); memory and ephemeralStorage are quantities ("4Gi"); pods defaults to 110, pricePerHour to
 * unknown (NaN) and ephemeralStorage to 0. Unknown fields are errors: the file is small and hand-written.
 */
public final class OfferingsLoader {

    public static final int DEFAULT_PODS = 110;

    private static final Set<String> FIELDS = Set.of("id", "cpu", "memory", "pods", "pricePerHour", "ephemeralStorage");

    private OfferingsLoader() {
    }

    public static List<Offering> load(Path file) {
        return parse(file.toString(), Documents.read(file));
    }

    public static List<Offering> parse(String source, String content) {
        List<String> errors = new ArrayList<>();
        List<Offering> offerings = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        int index = 0;
        for (Documents.Document doc : Documents.parse(source, content)) {
            if (!doc.node().isArray()) {
                errors.add(source + ": document " + doc.number() + ": expected a list of offerings");
                continue;
            }
            for (JsonNode item : doc.node()) {
                String where = "[" + index++ + "]";
                try {
                    Offering o = offering(where, item);
                    String first = seen.putIfAbsent(o.id(), where);
                    if (first != null) {
                        throw new SnapshotException("Offering " + o.id() + ": id: duplicate; also at " + first);
                    }
                    offerings.add(o);
                } catch (SnapshotException e) {
                    for (String p : e.problems()) {
                        errors.add(source + ": " + p);
                    }
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new SnapshotException(errors);
        }
        return List.copyOf(offerings);
    }

    private static Offering offering(String where, JsonNode item) {
        if (!item.isObject()) {
            throw new SnapshotException("Offering " + where + ": expected an object with id, cpu and memory");
        }
        JsonNode idNode = item.get("id");
        String id = idNode == null || !idNode.isValueNode() || idNode.isNull() ? null : idNode.asText();
        ConversionContext ctx = new ConversionContext("Offering " + (id == null || id.isBlank() ? where : id));
        if (id == null || id.isBlank()) {
            throw ctx.fail("id", "required");
        }
        for (Iterator<String> names = item.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw ctx.fail(name, "unknown field (known: id, cpu, memory, pods, pricePerHour, ephemeralStorage)");
            }
        }
        long cpu = cpuMillis(ctx, item.get("cpu"));
        long memory = bytes(ctx, "memory", item.get("memory"), true);
        long storage = bytes(ctx, "ephemeralStorage", item.get("ephemeralStorage"), false);
        long pods = pods(ctx, item.get("pods"));
        double price = price(ctx, item.get("pricePerHour"));
        return new Offering(id, new Resources(cpu, memory, storage, pods), price);
    }

    private static long cpuMillis(ConversionContext ctx, JsonNode node) {
        if (node == null || node.isNull()) {
            throw ctx.fail("cpu", "required");
        }
        long millis;
        if (node.isNumber()) {
            millis = node.decimalValue().movePointRight(3).setScale(0, RoundingMode.CEILING).longValue();
        } else if (node.isTextual()) {
            try {
                millis = Quantities.parseMillis(node.asText());
            } catch (IllegalArgumentException e) {
                throw ctx.fail("cpu", e.getMessage());
            }
        } else {
            throw ctx.fail("cpu", "expected a number of cores or a quantity such as 1500m");
        }
        if (millis <= 0) {
            throw ctx.fail("cpu", "must be positive");
        }
        return millis;
    }

    private static long bytes(ConversionContext ctx, String field, JsonNode node, boolean required) {
        if (node == null || node.isNull()) {
            if (required) {
                throw ctx.fail(field, "required");
            }
            return 0;
        }
        long bytes;
        if (node.isNumber()) {
            BigDecimal value = node.decimalValue();
            if (value.signum() < 0) {
                throw ctx.fail(field, "negative quantity '" + node.asText() + "'");
            }
            bytes = value.setScale(0, RoundingMode.CEILING).longValue();
        } else if (node.isTextual()) {
            try {
                bytes = Quantities.parseUnits(node.asText());
            } catch (IllegalArgumentException e) {
                throw ctx.fail(field, e.getMessage());
            }
        } else {
            throw ctx.fail(field, "expected a quantity such as 4Gi");
        }
        if (required && bytes <= 0) {
            throw ctx.fail(field, "must be positive");
        }
        return bytes;
    }

    private static long pods(ConversionContext ctx, JsonNode node) {
        if (node == null || node.isNull()) {
            return DEFAULT_PODS;
        }
        if (!node.canConvertToInt() || !node.isIntegralNumber()) {
            throw ctx.fail("pods", "expected an integer, found '" + node.asText() + "'");
        }
        if (node.intValue() < 1) {
            throw ctx.fail("pods", "must be at least 1 (got " + node.intValue() + ")");
        }
        return node.intValue();
    }

    private static double price(ConversionContext ctx, JsonNode node) {
        if (node == null || node.isNull()) {
            return Double.NaN;
        }
        if (!node.isNumber()) {
            throw ctx.fail("pricePerHour", "expected a number, found '" + node.asText() + "'");
        }
        if (node.doubleValue() < 0) {
            throw ctx.fail("pricePerHour", "must not be negative (got " + node.asText() + ")");
        }
        return node.doubleValue();
    }
}
