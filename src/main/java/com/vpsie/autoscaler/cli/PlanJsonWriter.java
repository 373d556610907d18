package com.vpsie.autoscaler.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.vpsie.autoscaler.plan.Plan;

/**
 * Writes a {@link Plan} as one JSON document. The shape is a public contract: key order fixed, all four
 * arrays always present, absent (null) values left out rather than written as null.
 */
public final class PlanJsonWriter {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    // Laid out as jq prints it: "key": value, one array element per line, [] when empty.
    private static final ObjectWriter WRITER = MAPPER.writer(new DefaultPrettyPrinter(Separators.createDefaultInstance()
            .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
            .withArrayEmptySeparator("")
            .withObjectEmptySeparator(""))
            .withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE));

    private PlanJsonWriter() {
    }

    public static ObjectNode toTree(Plan plan) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode up = root.putArray("scaleUp");
        for (Plan.ScaleUp s : plan.scaleUp()) {
            ObjectNode o = up.addObject();
            putIfPresent(o, "nodeGroup", s.nodeGroup());
            putIfPresent(o, "offering", s.offering());
            o.put("count", s.count());
            ArrayNode pods = o.putArray("pods");
            s.pods().forEach(pods::add);
        }
        ArrayNode down = root.putArray("scaleDown");
        for (Plan.ScaleDown s : plan.scaleDown()) {
            ObjectNode o = down.addObject();
            putIfPresent(o, "node", s.node());
            putIfPresent(o, "nodeGroup", s.nodeGroup());
            putIfPresent(o, "reason", s.reason() == null ? null : s.reason().name());
            if (s.usage() != null) { // after the older keys, only for groups that judge by usage
                ObjectNode u = o.putObject("usage");
                putIfPresent(u, "state", s.usage().state());
                u.put("samples", s.usage().samples());
                u.put("samplesBelow", s.usage().samplesBelow());
                u.put("cpuFraction", rounded(s.usage().cpuFraction()));
                u.put("memoryFraction", rounded(s.usage().memoryFraction()));
            }
        }
        ArrayNode keep = root.putArray("unremovable");
        for (Plan.Unremovable u : plan.unremovable()) {
            ObjectNode o = keep.addObject();
            putIfPresent(o, "node", u.node());
            putIfPresent(o, "nodeGroup", u.nodeGroup());
            putIfPresent(o, "reason", u.reason());
            putIfPresent(o, "pod", u.pod());
            putIfPresent(o, "podReason", u.podReason());
        }
        ArrayNode none = root.putArray("noScaleUp");
        for (Plan.NoScaleUp n : plan.noScaleUp()) {
            ObjectNode o = none.addObject();
            putIfPresent(o, "pod", n.pod());
            putIfPresent(o, "reason", n.reason());
            putIfPresent(o, "message", n.message());
        }
        return root;
    }

    /** The document, pretty-printed, ending with a newline. */
    public static String render(Plan plan) {
        try {
            return WRITER.writeValueAsString(toTree(plan)) + "\n";
        } catch (JsonProcessingException e) {
            // a tree of strings and numbers always serializes
            throw new IllegalStateException(e);
        }
    }

    /** Three decimals (a tenth of a percent): more would be noise of the sampling, not information. */
    private static double rounded(double fraction) {
        return Math.round(fraction * 1000) / 1000.0;
    }

    private static void putIfPresent(ObjectNode o, String key, String value) {
        if (value != null) {
            o.put(key, value);
        }
    }
}
