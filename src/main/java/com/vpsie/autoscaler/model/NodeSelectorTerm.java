package com.vpsie.autoscaler.model;

import java.util.List;
import java.util.Map;

/**
 * One term of a required node affinity: all expressions on labels and all field expressions
 * (only {@code metadata.name} exists) must hold. A term with no requirements matches no node, as in kube-scheduler.
 */
public record NodeSelectorTerm(List<SelectorRequirement> matchExpressions, List<SelectorRequirement> matchFields) {

    public NodeSelectorTerm {
        matchExpressions = matchExpressions == null ? List.of() : List.copyOf(matchExpressions);
        matchFields = matchFields == null ? List.of() : List.copyOf(matchFields);
    }

    public boolean matches(String nodeName, Map<String, String> nodeLabels) {
        if (matchExpressions.isEmpty() && matchFields.isEmpty()) {
            return false;
        }
        for (SelectorRequirement r : matchExpressions) {
            if (!r.matches(nodeLabels)) {
                return false;
            }
        }
        for (SelectorRequirement r : matchFields) {
            if (!r.matches(Map.of("metadata.name", nodeName))) {
                return false;
            }
        }
        return true;
    }
}
