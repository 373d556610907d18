package com.vpsie.autoscaler.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The controller gets the verbs it uses and nothing else: cluster-wide access to NodeGroups, Nodes, Pods, PDBs
 * and Events; its Lease and its credentials Secret through Roles in its own namespace, the Secret by name.
 * A new API call in the controller needs a line here and in the chart's RBAC, on purpose.
 */
class RbacLeastPrivilegeTest {

    /** "apiGroup/resource verb" for every permission, "[name]" appended when limited by resourceNames. */
    private static final Set<String> CLUSTER_PERMISSIONS = Set.of(
            "autoscaler.vpsie.com/nodegroups get", "autoscaler.vpsie.com/nodegroups list",
            "autoscaler.vpsie.com/nodegroups watch", "autoscaler.vpsie.com/nodegroups patch",
            "autoscaler.vpsie.com/nodegroups/finalizers update",
            "autoscaler.vpsie.com/nodegroups/status patch",
            "/nodes get", "/nodes list", "/nodes watch", "/nodes patch", "/nodes delete",
            "/pods list", "/pods watch",
            "/pods/eviction create",
            "policy/poddisruptionbudgets list", "policy/poddisruptionbudgets watch",
            "apps/daemonsets list", "apps/daemonsets watch", "metrics.k8s.io/nodes list",
            "/events create");

    private final Chart.Rendered rendered = Chart.renderDefaults();

    @Test
    void clusterRoleGrantsExactlyTheVerbsTheControllerUses() {
        ClusterRole role = rendered.one(ClusterRole.class);

        assertThat(permissions(role.getRules())).containsExactlyInAnyOrderElementsOf(CLUSTER_PERMISSIONS);
        assertThat(role.getAggregationRule()).isNull();
    }

    @Test
    void noRoleUsesWildcardsOrNonResourceUrls() {
        List<PolicyRule> rules = new ArrayList<>();
        rendered.all(ClusterRole.class).forEach(r -> rules.addAll(r.getRules()));
        rendered.all(Role.class).forEach(r -> rules.addAll(r.getRules()));

        assertThat(rules).isNotEmpty().allSatisfy(rule -> {
            assertThat(rule.getVerbs()).doesNotContain("*");
            assertThat(rule.getResources()).doesNotContain("*");
            assertThat(rule.getApiGroups()).doesNotContain("*");
            assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
        });
    }

    @Test
    void noClusterRoleReachesSecretsOrConfigMaps() {
        for (ClusterRole role : Chart.render(Chart.EVERYTHING_ON).all(ClusterRole.class)) {
            assertThat(role.getRules()).flatExtracting(PolicyRule::getResources)
                    .doesNotContain("secrets", "configmaps");
        }
    }

    @Test
    void credentialsSecretIsReadableOnlyByName() {
        Role role = rendered.named(Role.class, "vpsie-autoscaler-credentials").orElseThrow();

        assertThat(permissions(role.getRules())).containsExactlyInAnyOrder(
                "/secrets list [vpsie-credentials]", "/secrets watch [vpsie-credentials]");
        assertThat(role.getMetadata().getNamespace()).isEqualTo(Chart.NAMESPACE);
        assertThat(args()).contains("--vpsie-secret-name=vpsie-credentials",
                "--vpsie-secret-namespace=" + Chart.NAMESPACE);
    }

    @Test
    void credentialsRoleFollowsTheSecretName() {
        Chart.Rendered r = Chart.render(Map.of("credentials.secretName", "vpsie-prod"));

        assertThat(permissions(r.named(Role.class, "vpsie-autoscaler-credentials").orElseThrow().getRules()))
                .containsExactlyInAnyOrder("/secrets list [vpsie-prod]", "/secrets watch [vpsie-prod]");
        assertThat(containerArgs(r)).contains("--vpsie-secret-name=vpsie-prod");
    }

    @Test
    void leaseRoleCanCreateAnyLeaseButReadAndRenewOnlyItsOwn() {
        Role role = rendered.named(Role.class, "vpsie-autoscaler-leader-election").orElseThrow();

        // create cannot be limited by resourceNames: the API server does not know the name when it authorizes.
        assertThat(permissions(role.getRules())).containsExactlyInAnyOrder(
                "coordination.k8s.io/leases create",
                "coordination.k8s.io/leases get [vpsie-autoscaler]",
                "coordination.k8s.io/leases patch [vpsie-autoscaler]");
        assertThat(args()).contains("--leader-elect=true", "--lease-name=vpsie-autoscaler",
                "--lease-namespace=" + Chart.NAMESPACE);
    }

    @Test
    void everyRoleIsBoundToTheControllersServiceAccountOnly() {
        ServiceAccount account = rendered.one(ServiceAccount.class);
        Subject expected = new Subject(null, "ServiceAccount", account.getMetadata().getName(), Chart.NAMESPACE);
        Deployment deployment = rendered.one(Deployment.class);

        assertThat(deployment.getSpec().getTemplate().getSpec().getServiceAccountName())
                .isEqualTo(account.getMetadata().getName());
        ClusterRoleBinding clusterBinding = rendered.one(ClusterRoleBinding.class);
        assertThat(clusterBinding.getSubjects()).containsExactly(expected);
        assertThat(clusterBinding.getRoleRef().getKind()).isEqualTo("ClusterRole");
        assertThat(clusterBinding.getRoleRef().getName())
                .isEqualTo(rendered.one(ClusterRole.class).getMetadata().getName());

        Set<String> roles = new TreeSet<>();
        rendered.all(Role.class).forEach(r -> roles.add(r.getMetadata().getName()));
        Set<String> bound = new TreeSet<>();
        for (RoleBinding binding : rendered.all(RoleBinding.class)) {
            assertThat(binding.getSubjects()).containsExactly(expected);
            assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
            bound.add(binding.getRoleRef().getName());
        }
        assertThat(bound).isEqualTo(roles);
    }

    @Test
    void rbacCanBeLeftToTheOperator() {
        Chart.Rendered r = Chart.render(Map.of("rbac.create", false));

        assertThat(r.inventory()).doesNotContainKeys("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding");
    }

    private List<String> args() {
        return containerArgs(rendered);
    }

    static List<String> containerArgs(Chart.Rendered r) {
        return r.one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
    }

    private static List<String> permissions(List<PolicyRule> rules) {
        List<String> out = new ArrayList<>();
        for (PolicyRule rule : rules) {
            String names = rule.getResourceNames() == null || rule.getResourceNames().isEmpty() ? ""
                    : " " + rule.getResourceNames();
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    for (String verb : rule.getVerbs()) {
                        out.add(group + "/" + resource + " " + verb + names);
                    }
                }
            }
        }
        return out;
    }
}
