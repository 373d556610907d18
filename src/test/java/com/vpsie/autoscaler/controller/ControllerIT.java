package com.vpsie.autoscaler.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroup;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupCondition;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupStatus;
import com.vpsie.autoscaler.config.ControllerConfig;
import com.vpsie.autoscaler.metrics.AutoscalerMetrics;
import com.vpsie.autoscaler.model.ClusterSnapshot;
import com.vpsie.autoscaler.model.Offering;
import com.vpsie.autoscaler.model.Resources;
import com.vpsie.autoscaler.plan.Plan;
import com.vpsie.autoscaler.provider.ProviderServer;
import com.vpsie.autoscaler.sim.SimulatedKubelets;
import com.vpsie.autoscaler.testing.FakeCloudProvider;
import com.vpsie.autoscaler.sim.kube.StrictMockServer;
import com.vpsie.autoscaler.model.WellKnown;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real controller against fabric8's mock API server over HTTP, with an in-memory cloud and
 * simulated kubelets that register a Node for every running server. Mock-only behaviours relied on:
 * the test dispatcher's 409 on stale status writes (fabric8's mock would accept them); the mock runs
 * no CEL validation, so an invalid NodeGroup can be created at all (a real API server rejects
 * minNodes > maxNodes, which the real-API-server tier checks); no scheduler binds pending pods.
 */
class ControllerIT {

    private static final Offering SMALL = new Offering("small", new Resources(2000, 4L << 30, 0, 110), 0.01);

    private StrictMockServer kube;
    private FakeCloudProvider cloud;
    private SimulatedKubelets kubelets;
    private final List<Controller> controllers = new ArrayList<>();
    private final List<String> handedToScaleDown = new CopyOnWriteArrayList<>();
    private AutoscalerMetrics metrics;
    private final Map<Controller, AutoscalerMetrics> metricsOf = new HashMap<>();
    /** Every Event the controllers record, before the recorder's own de-duplication: "reason Kind/name". */
    private final List<String> recorded = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        kube = StrictMockServer.start();
        cloud = new FakeCloudProvider(Clock.systemUTC(), Duration.ofMillis(200)).offerings("dc1", SMALL);
        kubelets = new SimulatedKubelets(kube.client(), this::runningMachines, Clock.systemUTC());
        kubelets.start(100);
    }

    @AfterEach
    void stop() {
        controllers.forEach(c -> c.shutdown(Duration.ofSeconds(1)));
        kubelets.close();
        kube.close();
    }

    private List<SimulatedKubelets.Machine> runningMachines() {
        List<SimulatedKubelets.Machine> out = new ArrayList<>();
        for (ProviderServer s : cloud.servers().values()) {
            if (s.state() == ProviderServer.State.RUNNING) {
                String group = s.hostname().substring(0, s.hostname().lastIndexOf('-'));
                out.add(new SimulatedKubelets.Machine(group, s.hostname(), s.providerId(), s.offeringId(),
                        SMALL.resources(), s.ipAddress()));
            }
        }
        return out;
    }

    private Controller controller(boolean leaderElect, String identity) throws InterruptedException {
        return controller(ControllerFixtures.config(leaderElect, identity));
    }

    private Controller controller(ControllerConfig config) throws InterruptedException {
        String identity = config.identity();
        ScaleDownActuator recording = new ScaleDownActuator() {
            @Override
            public void submit(List<Plan.ScaleDown> nodes, ClusterSnapshot snapshot) {
                nodes.forEach(n -> handedToScaleDown.add(n.node()));
            }

            @Override
            public boolean inFailureCooldown(String nodeGroup, Instant now) {
                return false;
            }
        };
        metrics = new AutoscalerMetrics();
        EventRecorder sent = new KubernetesEventRecorder(kube.client(), Clock.systemUTC(), identity, metrics);
        EventRecorder counted = new EventRecorder() {
            @Override
            public void record(InvolvedObject object, Type type, String reason, String message) {
                recorded.add(reason + " " + object.kind() + "/" + object.name());
                sent.record(object, type, reason, message);
            }

            @Override
            public void forget(InvolvedObject object) {
                sent.forget(object);
            }

            @Override
            public void close() {
                sent.close();
            }
        };
        Controller c = new Controller(config, kube.client(), cloud, metrics, counted, snapshots -> recording,
                Clock.systemUTC());
        controllers.add(c);
        metricsOf.put(c, metrics);
        c.start();
        return c;
    }

    private NodeGroupStatus status(String name) {
        NodeGroup g = kube.client().resources(NodeGroup.class).inNamespace("test").withName(name).get();
        return g == null ? null : g.getStatus();
    }

    private static String condition(NodeGroupStatus s, String type) {
        if (s == null || s.getConditions() == null) {
            return null;
        }
        return s.getConditions().stream().filter(c -> c.getType().equals(type)).map(NodeGroupCondition::getStatus)
                .findFirst().orElse(null);
    }

    @Test
    void aGroupBelowItsMinimumGetsServersThatBecomeReadyNodes() throws Exception {
        kube.client().resources(NodeGroup.class).inNamespace("test").resource(ControllerFixtures.group("general", 2, 5))
                .create();
        controller(false, "only");

        await().atMost(15, TimeUnit.SECONDS).untilAsserted(() -> {
            NodeGroupStatus s = status("general");
            assertThat(s).isNotNull();
            assertThat(s.getDesiredNodes()).isEqualTo(2);
            assertThat(s.getCurrentNodes()).isEqualTo(2);
            assertThat(s.getReadyNodes()).isEqualTo(2);
            assertThat(condition(s, "Ready")).isEqualTo("True");
            assertThat(condition(s, "AtMinCapacity")).isEqualTo("True");
        });
        assertThat(cloud.serversOf("general")).hasSize(2);
        assertThat(cloud.log()).filteredOn(l -> l.startsWith("create")).hasSize(2);
    }

    @Test
    void fieldsVpsieCannotTakeGetAConditionAndOneEventPerGenerationAndOtherGroupsNone() throws Exception {
        NodeGroup extras = ControllerFixtures.group("extras", 1, 3);
        extras.getSpec().setUserData("#cloud-config\nruncmd: [\"kubeadm join ...\"]\n");
        extras.getSpec().setTags(List.of("k8s-cluster-prod"));
        extras.getSpec().setSpotConfig(Map.of("enabled", false)); // switched off: asks for nothing
        kube.client().resources(NodeGroup.class).inNamespace("test").resource(extras).create();
        kube.client().resources(NodeGroup.class).inNamespace("test").resource(ControllerFixtures.group("plain", 1, 3))
                .create();
        controller(false, "only");

        // several reconciles of each: the creates, the nodes registering and becoming Ready, and the resyncs
        await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> {
            assertThat(condition(status("extras"), "FieldsIgnored")).isEqualTo("True");
            assertThat(reconciles("extras")).isGreaterThanOrEqualTo(3);
            assertThat(reconciles("plain")).isGreaterThanOrEqualTo(3);
        });
        // and one more of the same generation: a label changes no generation
        double before = reconciles("extras");
        mergePatch("extras", "{\"metadata\":{\"labels\":{\"touched\":\"yes\"}}}");
        await().atMost(15, TimeUnit.SECONDS).until(() -> reconciles("extras") > before);
        assertThat(status("extras").getConditions()).filteredOn(c -> c.getType().equals("FieldsIgnored"))
                .singleElement().satisfies(c -> {
                    assertThat(c.getReason()).isEqualTo("FieldsIgnored");
                    assertThat(c.getMessage()).startsWith("spec.tags, spec.userData are accepted but not used");
                });
        assertThat(recorded).filteredOn(e -> e.startsWith("FieldsIgnored ")).containsExactly(
                "FieldsIgnored NodeGroup/extras");
        assertThat(condition(status("plain"), "FieldsIgnored")).isNull();
        assertThat(condition(status("extras"), "Ready")).as("the group works as usual").isEqualTo("True");

        // a new generation that still sets them is told once more (the mock, like an API server, bumps
        // metadata.generation on a spec change only)
        mergePatch("extras", "{\"spec\":{\"tags\":[\"k8s-cluster-staging\"]}}");
        await().atMost(15, TimeUnit.SECONDS).until(() -> recorded.stream()
                .filter(e -> e.startsWith("FieldsIgnored ")).count() == 2);

        // the fields go: so does the condition, and no further Event is sent
        mergePatch("extras", "{\"spec\":{\"userData\":null,\"tags\":null}}");
        await().atMost(15, TimeUnit.SECONDS).until(() -> condition(status("extras"), "FieldsIgnored") == null);
        assertThat(recorded).filteredOn(e -> e.startsWith("FieldsIgnored ")).hasSize(2);
    }

    /** A merge patch without a resourceVersion, so the controller's concurrent status writes cannot make it fail. */
    private void mergePatch(String group, String patch) {
        kube.client().resources(NodeGroup.class).inNamespace("test").withName(group)
                .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
    }

    private double reconciles(String group) {
        var c = metrics.registry().find("vpsie.autoscaler.controller.reconcile").tag("nodegroup", group).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void pendingPodsRaiseTheDesiredSizeAndTheNewNodesSettleIt() throws Exception {
        kube.client().resources(NodeGroup.class).inNamespace("test").resource(ControllerFixtures.group("general", 1, 5))
                .create();
        controller(false, "only");
        await().atMost(15, TimeUnit.SECONDS).until(() -> status("general") != null
                && Integer.valueOf(1).equals(status("general").getReadyNodes()));

        KubernetesClient client = kube.client();
        for (int i = 0; i < 3; i++) {
            client.pods().inNamespace("test").resource(ControllerFixtures.unschedulablePod("burst-" + i, "1500m", "1Gi"))
                    .create();
        }
        // one 1500m pod per 2-cpu node: the empty running node takes one (the scheduler would put it
        // there), the other two need a new node each
        await().atMost(20, TimeUnit.SECONDS).untilAsserted(() -> {
            NodeGroupStatus s = status("general");
            assertThat(s.getDesiredNodes()).isEqualTo(3);
            assertThat(s.getReadyNodes()).isEqualTo(3);
            assertThat(s.getLastScaleUpTime()).isNotNull();
        });
        // the pods now fit on registered nodes: no further scale-up however long we wait
        Thread.sleep(1500);
        assertThat(status("general").getDesiredNodes()).isEqualTo(3);
        assertThat(cloud.serversOf("general")).hasSize(3);
        List<Event> events = client.v1().events().inAnyNamespace().list().getItems();
        assertThat(events).extracting(Event::getReason).contains("ScaledUpGroup", "TriggeredScaleUp");

        String scrape = metrics.scrape();
        // The pods are created one by one while a pass runs every 300 ms: a loaded machine may see them over two
        // passes (two scale-ups of one node). The nodes added are the point: two, whatever the number of passes.
        assertThat(scrape)
                .containsPattern("vpsie_autoscaler_scale_up_total\\{nodegroup=\"general\"} [12]\\.0")
                .contains("vpsie_autoscaler_scale_up_nodes_added_total{nodegroup=\"general\"} 2.0")
                .contains("vpsie_autoscaler_unschedulable_pods_total 3.0")
                .containsPattern("vpsie_autoscaler_scaling_decisions_total\\{direction=\"up\",result=\"applied\"} [12]\\.0")
                .contains("vpsie_autoscaler_nodegroup_desired_nodes{nodegroup=\"general\"} 3.0")
                .contains("vpsie_autoscaler_nodegroup_ready_nodes{nodegroup=\"general\"} 3.0")
                .contains("vpsie_autoscaler_nodegroup_min_nodes{nodegroup=\"general\"} 1.0")
                .contains("vpsie_autoscaler_nodegroup_max_nodes{nodegroup=\"general\"} 5.0")
                .contains("vpsie_autoscaler_pending_pods_current 3.0")
                .contains("vpsie_autoscaler_last_activity_timestamp_seconds{loop=\"autoscaling-pass\"}")
                .contains("vpsie_autoscaler_reconciliation_queue_depth")
                .containsPattern("vpsie_autoscaler_controller_reconcile_total\\{nodegroup=\"general\"} [1-9]")
                .containsPattern("vpsie_autoscaler_autoscaling_pass_duration_seconds_count [1-9]")
                .containsPattern("vpsie_autoscaler_node_provisioning_duration_seconds_count\\{nodegroup=\"general\"} [1-9]");
    }

    @Test
    void aFailingProviderCallCountsAsAReconcileErrorAndIsRetried() throws Exception {
        kube.client().resources(NodeGroup.class).inNamespace("test").resource(ControllerFixtures.group("general", 1, 3))
                .create();
        cloud.failNext(2, new com.vpsie.autoscaler.provider.ProviderException.Transient("VPSie is having a bad day"));
        controller(false, "only");
        await().atMost(15, TimeUnit.SECONDS).until(() -> status("general") != null
                && Integer.valueOf(1).equals(status("general").getReadyNodes()));
        assertThat(metrics.scrape())
                .containsPattern("vpsie_autoscaler_controller_reconcile_errors_total\\{nodegroup=\"general\"} [1-9]");
    }

    @Test
    void anInvalidGroupGetsItsConditionAndEventWhileAnotherGroupScales() throws Exception {
        NodeGroup invalid = ControllerFixtures.group("broken", 5, 3);
        kube.client().resources(NodeGroup.class).inNamespace("test").resource(invalid).create();
        kube.client().resources(NodeGroup.class).inNamespace("test").resource(ControllerFixtures.group("good", 1, 3))
                .create();
        controller(false, "only");

        await().atMost(15, TimeUnit.SECONDS).untilAsserted(() -> {
            NodeGroupStatus s = status("broken");
            assertThat(s).isNotNull();
            assertThat(s.getConditions()).anySatisfy(c -> {
                assertThat(c.getType()).isEqualTo("Ready");
                assertThat(c.getStatus()).isEqualTo("False");
                assertThat(c.getReason()).isEqualTo("InvalidSpec");
                assertThat(c.getMessage()).contains("minNodes");
            });
            assertThat(status("good").getReadyNodes()).isEqualTo(1);
        });
        assertThat(cloud.serversOf("broken")).isEmpty();
        assertThat(kube.client().v1().events().inNamespace("test").list().getItems())
                .anySatisfy(e -> {
                    assertThat(e.getReason()).isEqualTo("InvalidSpec");
                    assertThat(e.getInvolvedObject().getName()).isEqualTo("broken");
                });
    }

    /**
     * The mock answers the broken group's status writes with 500 (a real API server does under load or with a
     * failing webhook); the pass must still scale the other group, count the failure and complete.
     */
    @Test
    void oneGroupsFailedStatusWriteDoesNotStopThePass() throws Exception {
        kube.client().resources(NodeGroup.class).inNamespace("test").resource(ControllerFixtures.group("broken", 0, 3))
                .create();
        kube.client().resources(NodeGroup.class).inNamespace("test").resource(ControllerFixtures.group("good", 0, 3))
                .create();
        kube.dispatcher().fail(r -> "PATCH".equals(r.getMethod()) && r.getPath().contains("/nodegroups/broken/status"),
                500);
        for (String group : List.of("broken", "good")) {
            Pod pod = ControllerFixtures.unschedulablePod("for-" + group, "1500m", "1Gi");
            pod.getSpec().setNodeSelector(Map.of(WellKnown.NODEGROUP_LABEL, group));
            kube.client().pods().inNamespace("test").resource(pod).create();
        }
        Controller c = controller(false, "only");

        await().atMost(15, TimeUnit.SECONDS).untilAsserted(() -> {
            assertThat(status("good")).isNotNull();
            assertThat(status("good").getDesiredNodes()).isEqualTo(1);
            assertThat(metrics.scrape())
                    .containsPattern("vpsie_autoscaler_scaling_decisions_total\\{direction=\"up\",result=\"error\"} [1-9]")
                    .containsPattern("vpsie_autoscaler_autoscaling_pass_duration_seconds_count [1-9]");
        });
        assertThat(c.liveness().ok()).as("the pass keeps marking liveness: %s", c.liveness().reason()).isTrue();
        assertThat(status("broken") == null || status("broken").getDesiredNodes() == null
                || status("broken").getDesiredNodes() == 0).isTrue();
    }

    /**
     * Leadership is taken away by another holder writing the Lease (as a partitioned replica experiences it), then
     * regained when that holder does not renew. The unneeded-since clock of the earlier term must not carry over:
     * a replica regaining the lease must watch a node for the whole stabilization window again before draining it.
     */
    @Test
    void theUnneededClockStartsAgainAfterLeadershipIsLostAndRegained() throws Exception {
        kube.client().resources(NodeGroup.class).inNamespace("test").resource(ControllerFixtures.group("general", 1, 3))
                .create();
        Controller c = controller(true, "replica-a");
        await().atMost(15, TimeUnit.SECONDS).until(() -> status("general") != null
                && Integer.valueOf(1).equals(status("general").getReadyNodes()));
        // the node becomes unneeded: empty, and the group may shrink to zero
        await().atMost(5, TimeUnit.SECONDS).ignoreExceptions().until(() -> kube.client().resources(NodeGroup.class)
                .inNamespace("test").withName("general").edit(g -> {
                    g.getSpec().setMinNodes(0);
                    return g;
                }) != null);
        String node = kube.client().nodes().list().getItems().get(0).getMetadata().getName();
        await().atMost(10, TimeUnit.SECONDS).until(() -> c.loop().unneededSince(node) != null);

        // the leader renews every 200 ms, so an edit can meet a 409: try again until it lands
        await().atMost(5, TimeUnit.SECONDS).ignoreExceptions().until(() -> kube.client().leases().inNamespace("test")
                .withName("vpsie-autoscaler").edit(l -> {
                    l.getSpec().setHolderIdentity("replica-elsewhere");
                    l.getSpec().setRenewTime(java.time.ZonedDateTime.now());
                    l.getSpec().setLeaseDurationSeconds(2);
                    return l;
                }) != null);
        await().atMost(10, TimeUnit.SECONDS).until(() -> !c.leading());
        Instant lost = Instant.now();
        await().atMost(15, TimeUnit.SECONDS).until(c::leading);
        await().atMost(10, TimeUnit.SECONDS).until(() -> c.loop().unneededSince(node) != null);

        assertThat(c.loop().unneededSince(node)).as("unneeded since, in the new term").isAfter(lost);
    }

    @Test
    void twoInstancesElectOneLeaderAndTheSecondTakesOverWhenTheFirstStops() throws Exception {
        kube.client().resources(NodeGroup.class).inNamespace("test").resource(ControllerFixtures.group("general", 1, 3))
                .create();
        Controller a = controller(true, "replica-a");
        Controller b = controller(true, "replica-b");
        await().atMost(10, TimeUnit.SECONDS).until(() -> a.leading() ^ b.leading());
        Controller leader = a.leading() ? a : b;
        Controller follower = leader == a ? b : a;
        await().atMost(15, TimeUnit.SECONDS).until(() -> status("general") != null
                && Integer.valueOf(1).equals(status("general").getReadyNodes()));
        assertThat(follower.leading()).isFalse();
        assertThat(leaderGauge(leader)).isEqualTo(1);
        assertThat(leaderGauge(follower)).isZero();

        long stoppedAt = System.nanoTime();
        leader.shutdown(Duration.ofSeconds(1));
        await().atMost(5, TimeUnit.SECONDS).until(follower::leading);
        Duration takeover = Duration.ofNanos(System.nanoTime() - stoppedAt);
        // the lease is released on shutdown, so the follower need not wait the full lease duration
        assertThat(takeover).isLessThan(Duration.ofMillis(1500 + 1000));
        assertThat(cloud.serversOf("general")).as("no step done twice: still one server").hasSize(1);
        assertThat(leaderGauge(follower)).isEqualTo(1);
        assertThat(leaderGauge(leader)).isZero();
    }

    /**
     * The lease given up at shutdown stays given up: a renewal the elector starts while the lease is being released
     * must not take it back (the CI saw SigtermIT find the lease held again by the replica that had just released it).
     * Renewals every 5 ms keep one due at any moment of the shutdown.
     */
    @Test
    void aReplicaThatShutsDownDoesNotTakeItsReleasedLeaseBack() throws Exception {
        for (int round = 0; round < 5; round++) {
            Controller c = controller(ControllerFixtures.config(true, "replica-" + round, Duration.ofMillis(5)));
            await().atMost(10, TimeUnit.SECONDS).until(c::leading);
            c.shutdown(Duration.ofSeconds(2));
            for (int look = 0; look < 10; look++) {
                Lease lease = kube.client().leases().inNamespace("test").withName("vpsie-autoscaler").get();
                assertThat(lease.getSpec().getHolderIdentity()).as("round %d, %d ms after shutdown", round, look * 100)
                        .isNullOrEmpty();
                Thread.sleep(100);
            }
        }
    }

    @Test
    void aLeaseReleaseRefusedOnceIsRetriedWithinTheShutdownBudget() throws Exception {
        Controller c = controller(true, "replica-a");
        await().atMost(10, TimeUnit.SECONDS).until(c::leading);
        // The release's write is refused once, as it is when a renewal that was already on its way changed the lease
        // between the release's read and write (CI saw the lease still held right after shutdown).
        java.util.concurrent.atomic.AtomicBoolean refused = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable end = kube.dispatcher().fail(r -> !"GET".equals(r.getMethod()) && r.getPath().contains("/leases/")
                && !refused.getAndSet(true), 409);
        try {
            c.shutdown(Duration.ofSeconds(5));
        } finally {
            end.run();
        }
        assertThat(refused).isTrue();
        Lease lease = kube.client().leases().inNamespace("test").withName("vpsie-autoscaler").get();
        assertThat(lease.getSpec().getHolderIdentity()).isNullOrEmpty();
    }

    // ---- scale-down by measured usage: node usage comes from MockNodeMetrics, which writes NodeMetrics into the
    // mock's storage (fabric8's mock does not serve metrics.k8s.io; a real API server proxies it to metrics-server) ----

    /**
     * Group "usage" judged by measured usage (window 1 s, no cooldown), its two SMALL nodes Ready; "reserved" asks
     * for 1.5 of the first node's 2 CPUs (busy by requests), "light" for 0.2 of the second's (idle by requests).
     * The controller samples usage every 200 ms. Returns the nodes, first and second.
     */
    private List<String> twoNodesJudgedByUsage() throws Exception {
        NodeGroup group = ControllerFixtures.group("usage", 2, 3);
        com.vpsie.autoscaler.api.v1alpha1.ScaleDownPolicySpec down = new com.vpsie.autoscaler.api.v1alpha1.ScaleDownPolicySpec();
        down.setUtilizationSource("usage");
        down.setStabilizationWindowSeconds(1);
        down.setCooldownSeconds(0);
        group.getSpec().setScaleDownPolicy(down);
        kube.client().resources(NodeGroup.class).inNamespace("test").resource(group).create();
        controller(ControllerFixtures.config(false, "only").withUsageSampleInterval(Duration.ofMillis(200)));
        await().atMost(15, TimeUnit.SECONDS).until(() -> status("usage") != null
                && Integer.valueOf(2).equals(status("usage").getReadyNodes()));
        List<String> nodes = kube.client().nodes().list().getItems().stream().map(n -> n.getMetadata().getName())
                .sorted().toList();
        kube.client().pods().inNamespace("test").resource(ControllerFixtures.boundPod("reserved", nodes.get(0),
                "1500m", "512Mi")).create();
        kube.client().pods().inNamespace("test").resource(ControllerFixtures.boundPod("light", nodes.get(1),
                "200m", "256Mi")).create();
        return nodes;
    }

    private void allowScaleDownToZero(String group) {
        await().atMost(5, TimeUnit.SECONDS).ignoreExceptions().until(() -> kube.client().resources(NodeGroup.class)
                .inNamespace("test").withName(group).edit(g -> {
                    g.getSpec().setMinNodes(0);
                    return g;
                }) != null);
    }

    private static NodeGroupCondition conditionOf(NodeGroupStatus s, String type) {
        return s == null || s.getConditions() == null ? null
                : s.getConditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElse(null);
    }

    @Test
    void byUsageANodeBusyByRequestsButIdleGoesAndOneIdleByRequestsButBusyStays() throws Exception {
        List<String> nodes = twoNodesJudgedByUsage();
        String idleByUsage = nodes.get(0);
        String busyByUsage = nodes.get(1);
        try (com.vpsie.autoscaler.testing.MockNodeMetrics metricsServer =
                     new com.vpsie.autoscaler.testing.MockNodeMetrics(kube.client(), Clock.systemUTC())) {
            metricsServer.use(idleByUsage, "100m", "200Mi").use(busyByUsage, "1700m", "1Gi").start(100);
            await().atMost(15, TimeUnit.SECONDS).untilAsserted(() -> {
                NodeGroupCondition measured = conditionOf(status("usage"), NodeGroupCondition.TYPE_USAGE_MEASURED);
                assertThat(measured).isNotNull();
                assertThat(measured.getStatus()).isEqualTo("True");
                // mean CPU by usage: (5% + 85%) / 2; memory is lower
                assertThat(status("usage").getUtilizationPercent()).isEqualTo(45);
            });
            assertThat(metrics.registry().get("vpsie.autoscaler.nodegroup.utilization.percent")
                    .tags("nodegroup", "usage", "resource", "cpu").gauge().value()).isEqualTo(45.0);
            allowScaleDownToZero("usage");

            await().atMost(20, TimeUnit.SECONDS).until(() -> handedToScaleDown.contains(idleByUsage));
            // both were judged in the same passes: by requests the second would have gone, and first
            assertThat(handedToScaleDown).doesNotContain(busyByUsage);
        }
    }

    @Test
    void withoutGroupsJudgedByUsageTheMetricsApiIsNeverAsked() throws Exception {
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        Runnable spy = kube.dispatcher().fail(r -> {
            if (r.getPath().startsWith("/apis/metrics.k8s.io/")) {
                asked.incrementAndGet();
            }
            return false; // counts, never fails
        }, 500);
        try {
            kube.client().resources(NodeGroup.class).inNamespace("test")
                    .resource(ControllerFixtures.group("general", 1, 3)).create();
            controller(ControllerFixtures.config(false, "only").withUsageSampleInterval(Duration.ofMillis(100)));
            await().atMost(15, TimeUnit.SECONDS).until(() -> status("general") != null
                    && Integer.valueOf(1).equals(status("general").getReadyNodes())
                    && status("general").getUtilizationPercent() != null);
            assertThat(asked).hasValue(0);
            assertThat(conditionOf(status("general"), NodeGroupCondition.TYPE_USAGE_MEASURED)).isNull();
        } finally {
            spy.run();
        }
    }

    @Test
    void withoutTheMetricsApiAGroupJudgingByUsageFallsBackToRequestsAndSaysSo() throws Exception {
        Runnable unavailable = kube.dispatcher().fail(r -> r.getPath().startsWith("/apis/metrics.k8s.io/"), 503);
        try {
            List<String> nodes = twoNodesJudgedByUsage();
            await().atMost(15, TimeUnit.SECONDS).untilAsserted(() -> {
                NodeGroupCondition measured = conditionOf(status("usage"), NodeGroupCondition.TYPE_USAGE_MEASURED);
                assertThat(measured).isNotNull();
                assertThat(measured.getStatus()).isEqualTo("False");
                assertThat(measured.getReason()).isEqualTo("MetricsUnavailable");
                assertThat(measured.getMessage()).contains("2 of 2 node(s)").contains("metrics.k8s.io");
                // by requests: (75% + 10%) / 2
                assertThat(status("usage").getUtilizationPercent()).isEqualTo(43);
            });
            allowScaleDownToZero("usage");

            await().atMost(20, TimeUnit.SECONDS).until(() -> handedToScaleDown.contains(nodes.get(1)));
            assertThat(handedToScaleDown).as("only usage would let it go").doesNotContain(nodes.get(0));
            // the reconciler rewrites its own conditions, and must leave this one standing
            assertThat(conditionOf(status("usage"), NodeGroupCondition.TYPE_READY)).isNotNull();
            assertThat(conditionOf(status("usage"), NodeGroupCondition.TYPE_USAGE_MEASURED)).isNotNull();
        } finally {
            unavailable.run();
        }
    }

    @Test
    void aStuckMetricsServerMakesTheSamplesStaleAndTheGroupFallsBack() throws Exception {
        List<String> nodes = twoNodesJudgedByUsage();
        try (com.vpsie.autoscaler.testing.MockNodeMetrics metricsServer =
                     new com.vpsie.autoscaler.testing.MockNodeMetrics(kube.client(), Clock.systemUTC())) {
            metricsServer.use(nodes.get(0), "100m", "200Mi").use(nodes.get(1), "1700m", "1Gi");
            metricsServer.lag(Duration.ofMinutes(6)); // served, but measured longer ago than the five minutes allowed
            metricsServer.start(100);
            await().atMost(15, TimeUnit.SECONDS).untilAsserted(() -> {
                NodeGroupCondition measured = conditionOf(status("usage"), NodeGroupCondition.TYPE_USAGE_MEASURED);
                assertThat(measured).isNotNull();
                assertThat(measured.getReason()).isEqualTo("StaleSamples");
            });
            allowScaleDownToZero("usage");
            await().atMost(20, TimeUnit.SECONDS).until(() -> handedToScaleDown.contains(nodes.get(1)));
            assertThat(handedToScaleDown).doesNotContain(nodes.get(0));
        }
    }

    private double leaderGauge(Controller c) {
        return metricsOf.get(c).registry().get("vpsie.autoscaler.leader").gauge().value();
    }
}
