package com.vpsie.autoscaler.e2e;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupSpec;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupStatus;
import com.vpsie.autoscaler.api.v1alpha1.ScaleDownPolicySpec;
import com.vpsie.autoscaler.config.ControllerConfig;
import com.vpsie.autoscaler.model.WellKnown;
import com.vpsie.autoscaler.provider.vpsie.StaticTokenAuth;
import com.vpsie.autoscaler.scaledown.NodeMarks;
import com.vpsie.autoscaler.sim.SimEndpoint;
import com.vpsie.autoscaler.sim.SimNode;
import com.vpsie.autoscaler.sim.SimRequest;
import com.vpsie.autoscaler.sim.SimulatedKubelets;
import com.vpsie.autoscaler.sim.SimulatorMachines;
import com.vpsie.autoscaler.sim.VpsieSimulator;
import com.vpsie.autoscaler.testing.realkube.ChartRelease;
import com.vpsie.autoscaler.testing.realkube.KubeControlPlane;
import com.vpsie.autoscaler.testing.realkube.RbacAudit;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;

/**
 * One scenario's world on the shared real control plane: its own namespace, a VPSie simulator in this JVM with a
 * cluster and a group named after the namespace (so Node names never collide between scenarios), simulated kubelets
 * registering those servers as Nodes with the real API server, the credentials Secret and the NodeGroup. Closing it
 * removes everything it put on the plane.
 *
 * <p>Least privilege by default: the chart is installed into the namespace (its ServiceAccount, ClusterRole, Roles,
 * bindings and credentials Secret, see {@link ChartRelease}), and the controller, given {@link #config} or
 * {@link #controllerKubeconfig()}, acts as that ServiceAccount. A request RBAC refuses fails the scenario with the
 * Forbidden the API server answered: at once inside any Awaitility wait (a default fail-fast condition reads the API
 * server's audit log), else when the world closes; closing also fails a world whose controller made no request as
 * the ServiceAccount (it was handed another kubeconfig). {@link ControllerAccess#admin} opts out, with a reason.
 * The test's own {@link #client} stays admin: it plays the users and kubelets of the cluster, not the controller.
 */
final class E2eWorld implements AutoCloseable {

    static final String TOKEN = "e2e-token";
    static final String CLUSTER = "e2e-cluster";
    static final String DATACENTER = "e2e-dc";
    static final String SECRET = "vpsie-credentials";
    /** The Lease leader election uses; the chart's Role grants it by name. */
    static final String LEASE = "vpsie-autoscaler";
    /** The simulator's 2 cpu / 4 GiB size: 1900m allocatable, so two 700m pods fit on a node and a third does not. */
    static final String OFFERING = "1";
    static final String POD_CPU = "700m";
    static final String APP = "e2e-app";
    static final String DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";

    final KubeControlPlane kube;
    final KubernetesClient client;
    final String ns;
    /** The NodeGroup's and the simulator group's name (the provider matches them by name). */
    final String group;
    final VpsieSimulator vpsie;
    /** The simulator group made for the NodeGroup, or -1 in a world that leaves making it to the controller. */
    final long simGroupId;
    final ControllerAccess access;
    /** Null when the controller runs as admin. */
    private final ChartRelease release;
    private final KubernetesClient kubeletClient;
    private final SimulatedKubelets kubelets;
    /** Denials already thrown by the fail-fast condition; {@link #close} reports only the ones after. */
    private int reportedDenials;

    /** Worlds whose controller acts as its ServiceAccount, checked by the Awaitility fail-fast condition. */
    private static final Set<E2eWorld> OPEN = ConcurrentHashMap.newKeySet();

    static {
        // Every Awaitility wait of every scenario, those written later included, fails as soon as the controller is
        // refused a request, instead of waiting out its timeout for something that cannot happen.
        Awaitility.setDefaultFailFastCondition(E2eWorld::failOnNewDenials);
    }

    private E2eWorld(KubeControlPlane kube, String prefix, Duration readyAfter, ControllerAccess access,
                     boolean withVpsieGroup) throws IOException {
        this.kube = kube;
        this.client = kube.client();
        this.ns = kube.createNamespace(prefix);
        this.group = ns;
        this.access = access;
        vpsie = new VpsieSimulator(Clock.systemUTC()).acceptStaticToken(TOKEN);
        vpsie.cloud().addCluster(CLUSTER, "e2e", DATACENTER).addStandardOffers(DATACENTER).readyAfter(readyAfter);
        simGroupId = withVpsieGroup ? vpsie.cloud().addGroup(CLUSTER, group, OFFERING) : -1;
        vpsie.start(0);
        kubeletClient = kube.newClient();
        kubelets = new SimulatedKubelets(kubeletClient, new SimulatorMachines(vpsie.cloud(), "vpsie://"),
                Clock.systemUTC());
        if (access.isAdmin()) {
            System.out.printf(Locale.ROOT, "[e2e] %s: the controller runs as %s%n", ns, access);
            release = null;
            client.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName(SECRET)
                    .endMetadata().addToStringData("token", TOKEN).build()).create();
        } else {
            // The Secret too comes from the chart (credentials.create), so its name and keys are the chart's.
            try {
                release = ChartRelease.install(kube, ns, Map.of("credentials.create", true, "credentials.token",
                        TOKEN, "credentials.secretName", SECRET, "leaderElection.leaseName", LEASE), access.edit());
            } catch (RuntimeException | Error e) {
                kubeletClient.close();
                vpsie.stop();
                client.namespaces().withName(ns).delete();
                throw e;
            }
            OPEN.add(this);
        }
    }

    /** A world whose controller acts as the chart's ServiceAccount with the chart's RBAC. */
    static E2eWorld start(KubeControlPlane kube, String prefix, Duration readyAfter) {
        return start(kube, prefix, readyAfter, ControllerAccess.chartRbac());
    }

    static E2eWorld start(KubeControlPlane kube, String prefix, Duration readyAfter, ControllerAccess access) {
        return start(kube, prefix, readyAfter, access, true);
    }

    /** A world whose VPSie cluster has no node group yet: the controller has to make the NodeGroup's. */
    static E2eWorld startWithoutVpsieGroup(KubeControlPlane kube, String prefix, Duration readyAfter) {
        return start(kube, prefix, readyAfter, ControllerAccess.chartRbac(), false);
    }

    private static E2eWorld start(KubeControlPlane kube, String prefix, Duration readyAfter, ControllerAccess access,
                                  boolean withVpsieGroup) {
        try {
            E2eWorld world = new E2eWorld(kube, prefix, readyAfter, access, withVpsieGroup);
            world.kubelets.start(200);
            return world;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The kubeconfig the controller runs with: acting as the chart's ServiceAccount (admin only when opted out). */
    Path controllerKubeconfig() {
        return release == null ? kube.kubeconfig() : release.kubeconfig();
    }

    /** The ServiceAccount's release, or null when the controller runs as admin. */
    ChartRelease release() {
        return release;
    }

    /** Requests of this world's controller RBAC refused so far. */
    List<RbacAudit.Denial> denials() {
        return release == null ? List.of() : release.denials();
    }

    private static void failOnNewDenials() {
        for (E2eWorld world : OPEN) {
            world.throwNewDenials();
        }
    }

    private void throwNewDenials() {
        String fresh = takeNewDenials();
        if (fresh != null) {
            throw new AssertionError(fresh);
        }
    }

    /** The denials not reported yet, described, now counted as reported; null when there are none. */
    private synchronized String takeNewDenials() {
        List<RbacAudit.Denial> denials = denials();
        if (denials.size() <= reportedDenials) {
            return null;
        }
        List<RbacAudit.Denial> fresh = denials.subList(reportedDenials, denials.size());
        reportedDenials = denials.size();
        return describe(fresh);
    }

    private String describe(List<RbacAudit.Denial> denials) {
        StringBuilder text = new StringBuilder();
        text.append("the controller of ").append(ns).append(", acting as ").append(release.user()).append(" with ")
                .append(access).append(", was refused ").append(denials.size()).append(" request(s) by RBAC:");
        // The same refusal repeats as the controller retries: each once, with how often.
        Map<String, Long> counted = denials.stream().collect(Collectors.groupingBy(RbacAudit.Denial::toString,
                LinkedHashMap::new, Collectors.counting()));
        counted.forEach((d, n) -> text.append("\n  ").append(d).append(n > 1 ? " (" + n + " times)" : ""));
        text.append("\n(the chart's RBAC is in charts/vpsie-autoscaler/templates/clusterrole.yaml and role.yaml)");
        return text.toString();
    }

    /** Creates the NodeGroup; a null {@code down} keeps the defaults (ten minutes, i.e. no scale-down in a test). */
    NodeGroup createGroup(int min, int max, ScaleDownPolicySpec down) {
        NodeGroupSpec spec = new NodeGroupSpec();
        spec.setMinNodes(min);
        spec.setMaxNodes(max);
        spec.setDatacenterID(DATACENTER);
        spec.setResourceIdentifier(CLUSTER);
        spec.setOfferingIDs(List.of(OFFERING));
        if (down != null) {
            spec.setScaleDownPolicy(down);
        }
        NodeGroup g = new NodeGroup();
        g.setMetadata(new ObjectMetaBuilder().withName(group).withNamespace(ns).build());
        g.setSpec(spec);
        return client.resources(NodeGroup.class).inNamespace(ns).resource(g).create();
    }

    static ScaleDownPolicySpec quickScaleDown(int seconds) {
        ScaleDownPolicySpec down = new ScaleDownPolicySpec();
        down.setStabilizationWindowSeconds(seconds);
        down.setCooldownSeconds(seconds);
        return down;
    }

    NodeGroupStatus status() {
        NodeGroup g = client.resources(NodeGroup.class).inNamespace(ns).withName(group).get();
        return g == null ? null : g.getStatus();
    }

    /** The controller's configuration for this world, in-JVM, with {@link #controllerKubeconfig()}; scan every 1 s. */
    ControllerConfig config(String identity, boolean leaderElect, Duration lease, Duration renew, Duration retry) {
        ControllerConfig d = ControllerConfig.defaults();
        return new ControllerConfig(controllerKubeconfig(), List.of(ns), Duration.ofSeconds(1), leaderElect,
                LEASE, ns, identity, lease, renew, retry, 0, 2, "vpsie", SECRET, ns, vpsie.baseUrl(),
                StaticTokenAuth.BOTH, CLUSTER, Duration.ofMinutes(2), Duration.ofSeconds(30), Duration.ofSeconds(60),
                d.maxEmptyBulkDelete(), d.maxDrainParallelism(), Duration.ofSeconds(10), Duration.ofSeconds(5),
                "text", d.planner(), null);
    }

    ControllerConfig config(String identity) {
        ControllerConfig d = ControllerConfig.defaults();
        return config(identity, false, d.leaseDuration(), d.renewDeadline(), d.retryPeriod());
    }

    /** Pods of {@value #POD_CPU} each, two to a node; nothing runs them, so deletion needs no grace. */
    Deployment createDeployment(int replicas) {
        return createDeployment(replicas, POD_CPU);
    }

    /** Pods of {@code cpu} each (above half of {@value #POD_CPU}'s node, one pod to a node). */
    Deployment createDeployment(int replicas, String cpu) {
        Map<String, String> labels = Map.of("app", APP);
        Deployment d = new DeploymentBuilder()
                .withNewMetadata().withName(APP).endMetadata()
                .withNewSpec().withReplicas(replicas).withNewSelector().withMatchLabels(labels).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
                .withNewSpec().withTerminationGracePeriodSeconds(0L)
                .addNewContainer().withName("app").withImage("registry.invalid/e2e:1")
                .withNewResources().addToRequests("cpu", new Quantity(cpu))
                .addToRequests("memory", new Quantity("256Mi")).endResources()
                .endContainer().endSpec().endTemplate().endSpec().build();
        return client.apps().deployments().inNamespace(ns).resource(d).create();
    }

    void scaleDeployment(int replicas) {
        client.apps().deployments().inNamespace(ns).withName(APP).scale(replicas);
    }

    /**
     * Before a shrink: leaves one pod per node the cheapest to lose for the ReplicaSet controller, which deletes pods
     * of lower {@code pod-deletion-cost} first. Shrinking to the number of nodes then leaves every node with one pod,
     * so removing a node needs an eviction rather than finding it empty. Returns the pods meant to stay.
     */
    Set<String> keepOnePodPerNode() {
        Set<String> kept = new HashSet<>();
        Set<String> nodesWithKeeper = new HashSet<>();
        for (Pod p : pods()) {
            boolean keep = nodesWithKeeper.add(p.getSpec().getNodeName());
            if (keep) {
                kept.add(p.getMetadata().getName());
            }
            client.pods().inNamespace(ns).withName(p.getMetadata().getName()).patch(
                    PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of("metadata", Map.of(
                            "annotations", Map.of(DELETION_COST, keep ? "100" : "-100")))));
        }
        return kept;
    }

    void createPdb(int minAvailable) {
        client.policy().v1().podDisruptionBudget().inNamespace(ns).resource(new PodDisruptionBudgetBuilder()
                .withNewMetadata().withName(APP).endMetadata()
                .withNewSpec().withMinAvailable(new IntOrString(minAvailable)).withNewSelector()
                .addToMatchLabels("app", APP).endSelector().endSpec().build()).create();
    }

    List<Pod> pods() {
        return client.pods().inNamespace(ns).withLabel("app", APP).list().getItems();
    }

    static boolean runningAndReady(Pod p) {
        return p.getMetadata().getDeletionTimestamp() == null && p.getStatus() != null
                && "Running".equals(p.getStatus().getPhase()) && p.getStatus().getConditions() != null
                && p.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    boolean allPodsRunning(int replicas) {
        List<Pod> pods = pods();
        return pods.size() == replicas && pods.stream().allMatch(E2eWorld::runningAndReady);
    }

    List<Node> groupNodes() {
        return client.nodes().withLabel(WellKnown.NODEGROUP_LABEL, group).list().getItems();
    }

    static boolean nodeReady(Node n) {
        return n.getStatus() != null && n.getStatus().getConditions() != null && n.getStatus().getConditions()
                .stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** Whatever scale-down leaves on a Node: its taint, a cordon, or one of its annotations. */
    static List<String> scaleDownMarks(Node n) {
        List<String> marks = new ArrayList<>();
        if (Boolean.TRUE.equals(n.getSpec().getUnschedulable())) {
            marks.add("cordoned");
        }
        if (n.getSpec().getTaints() != null) {
            n.getSpec().getTaints().stream().filter(t -> WellKnown.TO_BE_DELETED_TAINT.equals(t.getKey()))
                    .forEach(t -> marks.add("taint " + t.getKey()));
        }
        Map<String, String> annotations = n.getMetadata().getAnnotations();
        if (annotations != null) {
            NodeMarks.ANNOTATIONS.stream().filter(annotations::containsKey).forEach(a -> marks.add("annotation " + a));
        }
        return marks;
    }

    static boolean hasDeletionTaint(Node n) {
        return n.getSpec().getTaints() != null && n.getSpec().getTaints().stream()
                .anyMatch(t -> WellKnown.TO_BE_DELETED_TAINT.equals(t.getKey()));
    }

    List<SimNode> workers() {
        return vpsie.cloud().workers(CLUSTER, simGroupId);
    }

    List<SimRequest> requests(SimEndpoint endpoint) {
        return vpsie.requests().stream().filter(r -> r.endpoint() == endpoint).toList();
    }

    /**
     * Stops the kubelets and the simulator and removes this world's objects from the shared plane; then fails if the
     * controller was refused a request not yet reported, or made none as its ServiceAccount.
     */
    /**
     * Deletes a NodeGroup without waiting for its clean-up: the scenario is over, so no controller may be left to
     * remove the finalizer, and a NodeGroup held by it would keep the namespace from going.
     */
    static void deleteNodeGroupNow(KubernetesClient client, String ns, String name) {
        try {
            client.resources(NodeGroup.class).inNamespace(ns).withName(name).patch(
                    io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                            io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                    "{\"metadata\":{\"finalizers\":null}}");
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
        client.resources(NodeGroup.class).inNamespace(ns).withName(name).delete();
    }

    @Override
    public void close() {
        OPEN.remove(this);
        String failure = release == null ? null : rbacFailure();
        kubelets.close();
        try {
            client.apps().deployments().inNamespace(ns).withName(APP).delete();
            deleteNodeGroupNow(client, ns, group);
            // Without a kubelet, a terminating pod would wait forever; and a Node left behind would offer its
            // capacity to the next scenario's pods.
            client.pods().inNamespace(ns).withGracePeriod(0).delete();
            for (Node n : groupNodes()) {
                client.nodes().withName(n.getMetadata().getName()).delete();
                client.leases().inNamespace("kube-node-lease").withName(n.getMetadata().getName()).delete();
            }
            client.namespaces().withName(ns).delete();
        } finally {
            kubeletClient.close();
            vpsie.stop();
            if (release != null) {
                release.close();
            }
        }
        if (failure != null) {
            throw new AssertionError(failure);
        }
    }

    /** What close must fail with, or null. */
    private String rbacFailure() {
        String fresh = takeNewDenials();
        if (fresh != null) {
            return fresh;
        }
        if (release.requests() == 0) {
            return "no request reached the API server as " + release.user() + " in " + ns + ": the scenario's "
                    + "controller did not run, or ran with another kubeconfig than world.controllerKubeconfig() "
                    + "(or world.config(...)); only ControllerAccess.admin(why) may run it as admin";
        }
        return null;
    }

    /** Nearest-rank percentile of values already sorted, in milliseconds. */
    static long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        return sorted.get(Math.min(sorted.size() - 1, Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)));
    }

    static String p50p99(List<Long> millis) {
        List<Long> sorted = millis.stream().sorted().toList();
        return String.format(Locale.ROOT, "p50 %d ms, p99 %d ms (n=%d)", percentile(sorted, 50),
                percentile(sorted, 99), sorted.size());
    }
}
