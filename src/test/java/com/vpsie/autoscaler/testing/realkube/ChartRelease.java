package com.vpsie.autoscaler.testing.realkube;

import com.vpsie.autoscaler.chart.Chart;
import com.vpsie.autoscaler.controller.KubernetesClients;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.authentication.SelfSubjectReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.awaitility.Awaitility;

/**
 * The chart installed into one namespace as far as a controller outside the cluster needs it: its ServiceAccount, its
 * ClusterRole, Roles and bindings, and its credentials Secret when the values create one, rendered by Helm and
 * applied as rendered; plus a kubeconfig that acts as that ServiceAccount (see
 * {@link KubeControlPlane#impersonatingKubeconfig}). The Deployment, Service and the rest are not applied: the
 * controller under test runs in the test JVM or as a local process. Closing it removes the cluster-scoped objects;
 * the namespaced ones go with the namespace.
 */
public final class ChartRelease implements AutoCloseable {

    /** The kinds applied; everything else the chart renders is left out (see above). */
    static final Set<String> APPLIED_KINDS = Set.of("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role",
            "RoleBinding", "Secret");
    private static final Duration RBAC_LIVE_WITHIN = Duration.ofSeconds(30);

    private final KubeControlPlane kube;
    private final String namespace;
    private final List<HasMetadata> applied;
    private final String user;
    private final Path kubeconfig;

    private ChartRelease(KubeControlPlane kube, String namespace, List<HasMetadata> applied, String user,
                         Path kubeconfig) {
        this.kube = kube;
        this.namespace = namespace;
        this.applied = applied;
        this.user = user;
        this.kubeconfig = kubeconfig;
    }

    /**
     * Renders the chart as release {@code namespace} in {@code namespace} (which must exist) with {@code values},
     * lets {@code edit} change the objects (a test that removes a verb), applies them, waits until RBAC grants what
     * they say, and checks that the kubeconfig really acts as the ServiceAccount.
     */
    public static ChartRelease install(KubeControlPlane kube, String namespace, Map<String, Object> values,
                                       UnaryOperator<List<HasMetadata>> edit) {
        List<HasMetadata> objects = new ArrayList<>(Chart.render(namespace, namespace, values).objects().stream()
                .filter(o -> APPLIED_KINDS.contains(o.getKind())).toList());
        objects = edit.apply(objects);
        ServiceAccount sa = objects.stream().filter(ServiceAccount.class::isInstance).map(ServiceAccount.class::cast)
                .findFirst().orElseThrow(() -> new IllegalStateException("the chart rendered no ServiceAccount"));
        KubernetesClient admin = kube.client();
        for (HasMetadata o : objects) {
            admin.resource(o).forceConflicts().serverSideApply();
        }
        String user = KubeControlPlane.serviceAccountUser(namespace, sa.getMetadata().getName());
        kube.audit().ifPresent(a -> a.watch(user));
        Path kubeconfig;
        try {
            kubeconfig = kube.impersonatingKubeconfig(namespace, sa.getMetadata().getName(),
                    Files.createTempDirectory("vpsie-e2e-sa-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChartRelease release = new ChartRelease(kube, namespace, List.copyOf(objects), user, kubeconfig);
        try {
            release.awaitRbacLive();
            release.checkIdentity();
        } catch (RuntimeException | AssertionError e) {
            release.close();
            throw e;
        }
        return release;
    }

    /** The ServiceAccount's user name, {@code system:serviceaccount:<namespace>:<name>}. */
    public String user() {
        return user;
    }

    public String namespace() {
        return namespace;
    }

    /** A kubeconfig acting as the ServiceAccount; for the controller's {@code --kubeconfig}. */
    public Path kubeconfig() {
        return kubeconfig;
    }

    /** A client acting as the ServiceAccount, built as the controller builds its own; the caller closes it. */
    public KubernetesClient newClient() {
        return KubernetesClients.create(kubeconfig);
    }

    /** What was applied, after the edit. */
    public List<HasMetadata> applied() {
        return applied;
    }

    /** Requests of the ServiceAccount RBAC refused so far (empty without an audit log). */
    public List<RbacAudit.Denial> denials() {
        return kube.audit().map(a -> a.denials(user)).orElse(List.of());
    }

    /** Completed requests of the ServiceAccount so far, or -1 without an audit log. */
    public long requests() {
        return kube.audit().map(a -> a.requests(user)).orElse(-1L);
    }

    /**
     * The RBAC authorizer works from a cache: a binding is enforced a moment after it is stored. Every rule applied
     * is asked about (as a SubjectAccessReview) until all are allowed, so the controller's first request is not
     * refused by the cache rather than by the chart.
     */
    private void awaitRbacLive() {
        List<SubjectAccessReview> reviews = new ArrayList<>();
        for (HasMetadata o : applied) {
            if (o instanceof ClusterRole role) {
                role.getRules().forEach(rule -> reviews.addAll(reviews(rule, null)));
            } else if (o instanceof Role role) {
                role.getRules().forEach(rule -> reviews.addAll(reviews(rule, role.getMetadata().getNamespace())));
            }
        }
        KubernetesClient admin = kube.client();
        Awaitility.await().atMost(RBAC_LIVE_WITHIN).pollInterval(Duration.ofMillis(100)).until(() -> reviews.stream()
                .allMatch(r -> admin.authorization().v1().subjectAccessReview().create(r).getStatus().getAllowed()));
    }

    /** One review per group, resource, verb and resource name the rule grants. */
    private List<SubjectAccessReview> reviews(PolicyRule rule, String ns) {
        List<String> names = rule.getResourceNames() == null || rule.getResourceNames().isEmpty()
                ? Collections.singletonList(null) : rule.getResourceNames();
        List<SubjectAccessReview> reviews = new ArrayList<>();
        for (String group : rule.getApiGroups()) {
            for (String resource : rule.getResources()) {
                for (String verb : rule.getVerbs()) {
                    names.forEach(name -> reviews.add(review(group, resource, verb, ns, name)));
                }
            }
        }
        return reviews;
    }

    private SubjectAccessReview review(String group, String resource, String verb, String ns, String name) {
        String[] parts = resource.split("/", 2);
        return new SubjectAccessReviewBuilder().withNewSpec().withUser(user)
                .withGroups("system:serviceaccounts", "system:serviceaccounts:" + namespace, "system:authenticated")
                .withNewResourceAttributes().withGroup(group).withResource(parts[0])
                .withSubresource(parts.length > 1 ? parts[1] : null).withVerb(verb).withNamespace(ns).withName(name)
                .endResourceAttributes().endSpec().build();
    }

    /** The API server's own word on who the kubeconfig acts as: a client that dropped `as:` would be admin. */
    private void checkIdentity() {
        try (KubernetesClient client = newClient()) {
            SelfSubjectReview review = client.authentication().v1().selfSubjectReviews()
                    .create(new SelfSubjectReview());
            String actual = review.getStatus().getUserInfo().getUsername();
            if (!user.equals(actual)) {
                throw new AssertionError("the ServiceAccount kubeconfig " + kubeconfig + " acts as " + actual
                        + ", not as " + user);
            }
        }
    }

    /** Removes the cluster-scoped objects and the kubeconfig, and stops watching the audit log for this user. */
    @Override
    public void close() {
        try {
            for (HasMetadata o : applied) {
                if (o.getMetadata().getNamespace() == null) {
                    kube.client().resource(o).delete();
                }
            }
        } finally {
            kube.audit().ifPresent(a -> a.forget(user));
            try {
                Files.deleteIfExists(kubeconfig);
                Files.deleteIfExists(kubeconfig.getParent());
            } catch (IOException e) {
                // a leftover file in the temp folder; the credentials in it die with the plane's CA
            }
        }
    }
}
