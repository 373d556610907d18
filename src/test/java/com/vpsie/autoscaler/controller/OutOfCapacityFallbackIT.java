package com.vpsie.autoscaler.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.vpsie.autoscaler.api.v1alpha1.NodeGroupCondition;
import com.vpsie.autoscaler.api.v1alpha1.NodeGroupStatus;
import com.vpsie.autoscaler.sim.SimEndpoint;
import com.vpsie.autoscaler.sim.SimRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A size sold out in the datacenter: the whole `run` assembly over HTTP against the VPSie simulator. Two NodeGroups,
 * the cheaper (preferred by least-waste) on a size VPSie refuses for lack of capacity; the refusal marks that size
 * unavailable, gives the requested node back, and the next pass, asked for at once, creates the node in the other
 * group. cluster-autoscaler's VPS providers would wait out the 15-minute provisioning timeout instead. The time from
 * the refusal to the other group's add call is logged as the time-to-fallback (a figure, not an assertion); the
 * scan interval is 30 s, so a fallback well under that was not the periodic pass.
 */
class OutOfCapacityFallbackIT {

    private static final Logger LOG = LoggerFactory.getLogger(OutOfCapacityFallbackIT.class);
    private static final Duration SCAN_INTERVAL = Duration.ofSeconds(30);

    private SimulatedRunWorld world;
    private ControllerApp app;
    private long smallGroupId;
    private long largeGroupId;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        world = SimulatedRunWorld.start();
        world.vpsie.cloud().outOfStock(SimulatedRunWorld.DATACENTER, "1", true);
        smallGroupId = world.addGroup("small", "1", 0, 3);
        largeGroupId = world.addGroup("large", "2", 0, 3);
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        world.close();
    }

    @Test
    void aSizeOutOfStockFallsBackToTheOtherGroupInTheNextPass() throws Exception {
        app = ControllerApp.start(world.config(dir, SCAN_INTERVAL, "stock-it"), Clock.systemUTC());
        // 1 cpu fits both sizes; least-waste prefers the 2-cpu size of group "small", which VPSie has run out of
        world.kube.client().pods().inNamespace("test")
                .resource(ControllerFixtures.unschedulablePod("web-1", "1", "1Gi")).create();

        await().atMost(90, TimeUnit.SECONDS).untilAsserted(() -> {
            assertThat(world.vpsie.cloud().workers(SimulatedRunWorld.CLUSTER, largeGroupId)).hasSize(1);
            assertThat(world.status("large").getReadyNodes()).isEqualTo(1);
        });
        SimRequest refused = addCalls(smallGroupId).get(0);
        SimRequest fallback = addCalls(largeGroupId).get(0);
        LOG.info("time-to-fallback: {} ms from VPSie's refusal of size 1 to the add call in group large "
                + "(scan interval {} s)", Duration.between(refused.at(), fallback.at()).toMillis(),
                SCAN_INTERVAL.toSeconds());

        assertThat(world.vpsie.cloud().workers(SimulatedRunWorld.CLUSTER, smallGroupId)).isEmpty();
        assertThat(addCalls(smallGroupId)).as("the refused size is not asked for again while it is unavailable")
                .hasSize(1);
        NodeGroupStatus small = world.status("small");
        assertThat(small.getDesiredNodes()).as("the refused request was given back").isZero();
        assertThat(small.getConditions()).filteredOn(c -> c.getType()
                        .equals(NodeGroupCondition.TYPE_OFFERING_UNAVAILABLE))
                .singleElement().satisfies(c -> {
                    assertThat(c.getStatus()).isEqualTo(NodeGroupCondition.STATUS_TRUE);
                    assertThat(c.getReason()).isEqualTo("OutOfCapacity");
                    assertThat(c.getMessage()).contains("offering 1 out of capacity in datacenter dc1 until");
                });
        assertThat(small.getConditions()).filteredOn(c -> c.getType().equals(NodeGroupCondition.TYPE_ERROR))
                .singleElement().satisfies(c -> assertThat(c.getStatus()).as("not a back-off of the group")
                        .isEqualTo(NodeGroupCondition.STATUS_FALSE));
        assertThat(world.kube.client().v1().events().inNamespace("test").list().getItems())
                .filteredOn(e -> "OfferingUnavailable".equals(e.getReason()))
                .singleElement().satisfies(e -> {
                    assertThat(e.getInvolvedObject().getName()).isEqualTo("small");
                    assertThat(e.getType()).isEqualTo("Warning");
                });
        assertThat(SimulatedRunWorld.metrics(app)).contains(
                "vpsie_autoscaler_node_provisioning_failures_total{nodegroup=\"small\",reason=\"OutOfCapacity\"} 1.0");
    }

    /** Add-worker calls for the VPSie node group, oldest first. */
    private List<SimRequest> addCalls(long groupId) {
        return world.vpsie.requests().stream().filter(r -> r.endpoint() == SimEndpoint.ADD_WORKER
                && r.path().endsWith("/group/" + groupId)).toList();
    }
}
