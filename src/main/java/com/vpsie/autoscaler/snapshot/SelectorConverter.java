package com.vpsie.autoscaler.snapshot;

import com.vpsie.autoscaler.model.LabelSelector;
import com.vpsie.autoscaler.model.NodeSelectorTerm;
import com.vpsie.autoscaler.model.SelectorOperator;
import com.vpsie.autoscaler.model.SelectorRequirement;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Label selectors and node selector terms, from fabric8 to the model, with the API server's operator rules. */
final class SelectorConverter {

    private SelectorConverter() {
    }

    /** {@code whenNull} is what a missing selector means at this place of the API (it differs by field). */
    static LabelSelector labelSelector(ConversionContext ctx, String field,
                                       io.fabric8.kubernetes.api.model.LabelSelector selector, LabelSelector whenNull) {
        if (selector == null) {
            return whenNull;
        }
        List<SelectorRequirement> requirements = new ArrayList<>();
        List<LabelSelectorRequirement> expressions = selector.getMatchExpressions();
        if (expressions != null) {
            for (int i = 0; i < expressions.size(); i++) {
                LabelSelectorRequirement r = expressions.get(i);
                String path = field + ".matchExpressions[" + i + "]";
                SelectorOperator op = operator(ctx, path + ".operator", r.getOperator());
                if (op == SelectorOperator.GT || op == SelectorOperator.LT) {
                    throw ctx.fail(path + ".operator",
                            "operator '" + r.getOperator() + "' is only allowed in node selectors");
                }
                requirements.add(new SelectorRequirement(key(ctx, path, r.getKey()), op,
                        ctx.strings(path + ".values", r.getValues())));
            }
        }
        return new LabelSelector(ctx.stringMap(field + ".matchLabels", selector.getMatchLabels()), requirements,
                false);
    }

    /**
     * Adds {@code matchLabelKeys} (key In [own value]) and {@code mismatchLabelKeys} (key NotIn [own value]);
     * newer API servers merge these into the selector themselves, and adding them twice changes nothing.
     */
    static LabelSelector withLabelKeys(LabelSelector selector, Map<String, String> podLabels,
                                       List<String> matchKeys, List<String> mismatchKeys) {
        if (selector.matchesNothing()) {
            return selector;
        }
        List<SelectorRequirement> requirements = new ArrayList<>(selector.matchExpressions());
        addKeys(requirements, podLabels, matchKeys, SelectorOperator.IN);
        addKeys(requirements, podLabels, mismatchKeys, SelectorOperator.NOT_IN);
        if (requirements.size() == selector.matchExpressions().size()) {
            return selector;
        }
        return new LabelSelector(selector.matchLabels(), requirements, false);
    }

    private static void addKeys(List<SelectorRequirement> into, Map<String, String> podLabels, List<String> keys,
                                SelectorOperator op) {
        if (keys == null) {
            return;
        }
        for (String key : keys) {
            String value = podLabels.get(key);
            if (value != null) {
                into.add(new SelectorRequirement(key, op, List.of(value)));
            }
        }
    }

    static List<NodeSelectorTerm> nodeSelectorTerms(ConversionContext ctx, String field,
                                                    List<io.fabric8.kubernetes.api.model.NodeSelectorTerm> terms) {
        List<NodeSelectorTerm> result = new ArrayList<>();
        if (terms == null) {
            return result;
        }
        for (int i = 0; i < terms.size(); i++) {
            io.fabric8.kubernetes.api.model.NodeSelectorTerm term = terms.get(i);
            String path = field + "[" + i + "]";
            List<SelectorRequirement> expressions = nodeRequirements(ctx, path + ".matchExpressions",
                    term.getMatchExpressions(), false);
            List<SelectorRequirement> fields = nodeRequirements(ctx, path + ".matchFields", term.getMatchFields(), true);
            result.add(new NodeSelectorTerm(expressions, fields));
        }
        return result;
    }

    private static List<SelectorRequirement> nodeRequirements(ConversionContext ctx, String field,
                                                              List<NodeSelectorRequirement> requirements,
                                                              boolean fieldSelector) {
        List<SelectorRequirement> result = new ArrayList<>();
        if (requirements == null) {
            return result;
        }
        for (int i = 0; i < requirements.size(); i++) {
            NodeSelectorRequirement r = requirements.get(i);
            String path = field + "[" + i + "]";
            String key = key(ctx, path, r.getKey());
            if (fieldSelector && !key.equals("metadata.name")) {
                throw ctx.fail(path + ".key", "unsupported field '" + key + "' (only metadata.name can be selected)");
            }
            SelectorOperator op = operator(ctx, path + ".operator", r.getOperator());
            List<String> values = ctx.strings(path + ".values", r.getValues());
            if (op == SelectorOperator.GT || op == SelectorOperator.LT) {
                if (values.size() != 1 || !isInteger(values.get(0))) {
                    throw ctx.fail(path + ".values", "operator " + r.getOperator()
                            + " needs exactly one integer value, got " + values);
                }
            }
            result.add(new SelectorRequirement(key, op, values));
        }
        return result;
    }

    private static String key(ConversionContext ctx, String path, String key) {
        if (key == null || key.isEmpty()) {
            throw ctx.fail(path + ".key", "required");
        }
        return key;
    }

    private static SelectorOperator operator(ConversionContext ctx, String field, String operator) {
        if (operator == null || operator.isEmpty()) {
            throw ctx.fail(field, "required");
        }
        try {
            return SelectorOperator.fromWire(operator);
        } catch (IllegalArgumentException e) {
            throw ctx.fail(field, e.getMessage());
        }
    }

    private static boolean isInteger(String text) {
        try {
            Long.parseLong(text);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
