package com.vpsie.autoscaler.model;

import java.util.Set;

/**
 * A required (anti-)affinity term. {@code namespaces} empty and {@code allNamespaces} false means the
 * pod's own namespace, as the API defines it.
 */
public record PodAffinityTerm(LabelSelector selector, Set<String> namespaces, boolean allNamespaces, String topologyKey) {

    public PodAffinityTerm {
        namespaces = namespaces == null ? Set.of() : Set.copyOf(namespaces);
    }

    /** Whether {@code other} (in namespace {@code otherNamespace}) is selected by this term of a pod in {@code ownNamespace}. */
    public boolean selects(String ownNamespace, String otherNamespace, java.util.Map<String, String> otherLabels) {
        boolean namespaceMatches = allNamespaces
                || (namespaces.isEmpty() ? ownNamespace.equals(otherNamespace) : namespaces.contains(otherNamespace));
        return namespaceMatches && selector.matches(otherLabels);
    }
}
