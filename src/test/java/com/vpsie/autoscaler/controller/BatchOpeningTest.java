package com.vpsie.autoscaler.controller;

import static com.vpsie.autoscaler.controller.AutoscalingLoop.opensBatch;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

/** Which pod events open or extend the batch that triggers a pass: only pods that have just become unschedulable. */
class BatchOpeningTest {

    private final Pod pending = ControllerFixtures.unschedulablePod("web-1", "1", "1Gi");

    @Test
    void aPodSeenUnschedulableForTheFirstTimeOpensABatch() {
        assertThat(opensBatch(null, pending)).isTrue();
        Pod beforeTheScheduler = new PodBuilder(pending).editStatus().withConditions().endStatus().build();
        assertThat(opensBatch(beforeTheScheduler, pending)).isTrue();
    }

    @Test
    void anUpdateOfAPodAlreadyUnschedulableDoesNotHoldTheBatchOpen() {
        // the scheduler rewrites the message as nodes come and go; a relist replays every pod as an update
        Pod retried = new PodBuilder(pending).editStatus().editFirstCondition()
                .withMessage("0/2 nodes are available").endCondition().endStatus().build();
        assertThat(opensBatch(pending, retried)).isFalse();
    }

    @Test
    void aScheduledOrDeletedPodOpensNothing() {
        assertThat(opensBatch(pending, ControllerFixtures.boundPod("web-1", "node-1", "1", "1Gi"))).isFalse();
        assertThat(opensBatch(pending, null)).isFalse();
    }
}
