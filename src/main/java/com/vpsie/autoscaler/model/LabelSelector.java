package com.vpsie.autoscaler.model;

import java.util.List;
import java.util.Map;

/** A Kubernetes label selector. An empty selector matches everything; use {@link #NOTHING} for a null one. */
public record LabelSelector(Map<String, String> matchLabels, List<SelectorRequirement> matchExpressions,
                            boolean matchesNothing) {

    public static final LabelSelector EVERYTHING = new LabelSelector(Map.of(), List.of(), false);
    public static final LabelSelector NOTHING = new LabelSelector(Map.of(), List.of(), true);

    public LabelSelector {
        matchLabels = matchLabels == null ? Map.of() : Map.copyOf(matchLabels);
        matchExpressions = matchExpressions == null ? List.of() : List.copyOf(matchExpressions);
    }

    public static LabelSelector of(Map<String, String> matchLabels) {
        return new LabelSelector(matchLabels, List.of(), false);
    }

    public boolean matches(Map<String, String> labels) {
        if (matchesNothing) {
            return false;
        }
        for (Map.Entry<String, String> e : matchLabels.entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        for (SelectorRequirement r : matchExpressions) {
            if (!r.matches(labels)) {
                return false;
            }
        }
        return true;
    }
}
