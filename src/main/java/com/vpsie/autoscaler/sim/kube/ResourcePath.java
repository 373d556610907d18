package com.vpsie.autoscaler.sim.kube;

import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of a Kubernetes API request path that name one object: {@code /api/v1/namespaces/ns/pods/p/eviction}
 * or {@code /apis/autoscaler.vpsie.com/v1alpha1/namespaces/ns/nodegroups/g/status}. Collection paths and paths
 * outside the resource API do not parse. Mock-only: unlike the API server's request-info resolver it knows no
 * proxy, log or exec paths and no aggregated APIs, and does not check that the resource exists.
 */
record ResourcePath(String group, String version, String namespace, String plural, String name, String subresource) {

    private static final Pattern OBJECT = Pattern.compile(
            "^/(?:api|apis/(?<group>[^/]+))/(?<version>[^/]+)"
                    + "(?:/namespaces/(?<namespace>[^/]+))?"
                    + "/(?<plural>[^/]+)/(?<name>[^/]+)(?:/(?<subresource>[^/]+))?$");
    private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");

    /** Parses the path of a request line; the query string, if any, is ignored. */
    static Optional<ResourcePath> parse(String requestPath) {
        Matcher m = OBJECT.matcher(withoutQuery(requestPath));
        if (!m.matches()) {
            return Optional.empty();
        }
        String plural = m.group("plural");
        String subresource = m.group("subresource");
        // "/api/v1/namespaces/ns/pods" is a collection, not subresource "pods" of namespace "ns".
        if ("namespaces".equals(plural) && subresource != null && !NAMESPACE_SUBRESOURCES.contains(subresource)) {
            return Optional.empty();
        }
        return Optional.of(new ResourcePath(m.group("group") == null ? "" : m.group("group"), m.group("version"),
                m.group("namespace"), plural, m.group("name"), subresource));
    }

    static String withoutQuery(String requestPath) {
        int query = requestPath.indexOf('?');
        return query < 0 ? requestPath : requestPath.substring(0, query);
    }

    boolean isSubresource(String wanted) {
        return wanted.equals(subresource);
    }

    /** {@code pods} or {@code nodegroups.autoscaler.vpsie.com}, as the API server names a resource in messages. */
    String qualifiedResource() {
        return group.isEmpty() ? plural : plural + "." + group;
    }

    /** The path of the object itself, without subresource. */
    String objectPath() {
        String prefix = group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
        String ns = namespace == null ? "" : "/namespaces/" + namespace;
        return prefix + ns + "/" + plural + "/" + name;
    }
}
