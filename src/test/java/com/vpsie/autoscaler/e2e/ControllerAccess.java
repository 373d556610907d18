package com.vpsie.autoscaler.e2e;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * With which rights a scenario's controller talks to the API server. The default, {@link #chartRbac()}, is what a
 * user who installs the chart gets: the controller acts as the chart's ServiceAccount, and a verb the chart lacks
 * fails the scenario with the Forbidden the API server answered.
 *
 * <p>{@link #admin(String)} is the opt-out, for a scenario whose controller must do what no installed controller may
 * (none does today). The test's own client ({@code world.client}) is always admin: it plays the cluster's users,
 * kubelets and operators, which is not the controller's job and needs no opting out.
 */
final class ControllerAccess {

    private final String adminBecause;
    private final UnaryOperator<List<HasMetadata>> edit;
    private final String description;

    private ControllerAccess(String adminBecause, UnaryOperator<List<HasMetadata>> edit, String description) {
        this.adminBecause = adminBecause;
        this.edit = edit;
        this.description = description;
    }

    /** The chart's ServiceAccount with the chart's RBAC, as installed. */
    static ControllerAccess chartRbac() {
        return new ControllerAccess(null, UnaryOperator.identity(), "the chart's RBAC");
    }

    /**
     * The chart's RBAC with one verb taken out of its ClusterRole, to show that a missing verb fails a scenario.
     * {@code resource} may name a subresource ({@code nodegroups/status}); {@code apiGroup} is "" for the core group.
     *
     * @throws IllegalArgumentException (when the world starts) if the ClusterRole does not grant that verb
     */
    static ControllerAccess chartRbacWithout(String apiGroup, String resource, String verb) {
        String what = (apiGroup.isEmpty() ? "" : apiGroup + "/") + resource + " " + verb;
        return new ControllerAccess(null, objects -> withoutVerb(objects, apiGroup, resource, verb, what),
                "the chart's RBAC without " + what);
    }

    /** Cluster admin, the opt-out: say why the scenario's controller needs more than the chart grants. */
    static ControllerAccess admin(String why) {
        if (why == null || why.isBlank()) {
            throw new IllegalArgumentException("say why the controller must run as cluster admin");
        }
        return new ControllerAccess(why, UnaryOperator.identity(), "cluster admin, because " + why);
    }

    boolean isAdmin() {
        return adminBecause != null;
    }

    UnaryOperator<List<HasMetadata>> edit() {
        return edit;
    }

    @Override
    public String toString() {
        return description;
    }

    private static List<HasMetadata> withoutVerb(List<HasMetadata> objects, String apiGroup, String resource,
                                                 String verb, String what) {
        List<HasMetadata> out = new ArrayList<>();
        boolean removed = false;
        for (HasMetadata o : objects) {
            if (!(o instanceof ClusterRole role)) {
                out.add(o);
                continue;
            }
            List<PolicyRule> rules = new ArrayList<>();
            for (PolicyRule rule : role.getRules()) {
                boolean matches = rule.getApiGroups().contains(apiGroup) && rule.getResources().contains(resource)
                        && rule.getVerbs().contains(verb);
                if (!matches) {
                    rules.add(rule);
                    continue;
                }
                removed = true;
                // The rule without that resource, and that resource without the verb; empty rules are dropped.
                List<String> otherResources = rule.getResources().stream().filter(r -> !r.equals(resource)).toList();
                if (!otherResources.isEmpty()) {
                    rules.add(new PolicyRuleBuilder(rule).withResources(otherResources).build());
                }
                List<String> otherVerbs = rule.getVerbs().stream().filter(v -> !v.equals(verb)).toList();
                if (!otherVerbs.isEmpty()) {
                    rules.add(new PolicyRuleBuilder(rule).withResources(resource).withVerbs(otherVerbs).build());
                }
            }
            out.add(new ClusterRoleBuilder(role).withRules(rules).build());
        }
        if (!removed) {
            throw new IllegalArgumentException("the chart's ClusterRole does not grant " + what);
        }
        return out;
    }
}
