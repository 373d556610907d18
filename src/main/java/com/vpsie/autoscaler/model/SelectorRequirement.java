package com.vpsie.autoscaler.model;

import java.util.List;
import java.util.Map;

/** One requirement of a label or node selector: key, operator and values. */
public record SelectorRequirement(String key, SelectorOperator operator, List<String> values) {

    public SelectorRequirement {
        values = values == null ? List.of() : List.copyOf(values);
    }

    public boolean matches(Map<String, String> labels) {
        String actual = labels.get(key);
        switch (operator) {
            case IN:
                return actual != null && values.contains(actual);
            case NOT_IN:
                return actual == null || !values.contains(actual);
            case EXISTS:
                return actual != null;
            case DOES_NOT_EXIST:
                return actual == null;
            case GT:
            case LT:
                return actual != null && compareNumbers(actual) ;
            default:
                throw new IllegalStateException(operator.toString());
        }
    }

    private boolean compareNumbers(String actual) {
        if (values.size() != 1) {
            return false;
        }
        try {
            long have = Long.parseLong(actual);
            long want = Long.parseLong(values.get(0));
            return operator == SelectorOperator.GT ? have > want : have < want;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
