package com.vpsie.autoscaler.scaledown;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.vpsie.autoscaler.plan.Plan;
import com.vpsie.autoscaler.scaledown.NodeMarkExecutor.UndoOutcome;
import com.vpsie.autoscaler.sim.kube.StrictMockServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;

/**
 * {@link CleanupExecutor} against fabric8's mock API server with the strict test dispatcher (which, like a real API
 * server, refuses a merge patch carrying a stale resourceVersion with 409; fabric8's own mock would accept it).
 */
class CleanupExecutorIT {

    private static final Instant STARTED = Instant.parse("2026-11-22T10:00:00.250Z");

    private StrictMockServer kube;
    private KubernetesClient client;
    private CleanupExecutor cleanup;

    @BeforeEach
    void start() {
        kube = StrictMockServer.start();
        client = kube.client();
        client.nodes().resource(DrainFixtures.node("n1", "general", "fake://n1", Instant.now())).create();
        cleanup = new CleanupExecutor(client, Duration.ofMillis(500), Duration.ofMillis(50));
    }

    @AfterEach
    void stop() {
        cleanup.close();
        kube.close();
    }

    @Test
    void undoesOnItsOwnThreadWhenAskedFromAnInterruptedOne() throws Exception {
        DrainFixtures.markDraining(client, "n1", STARTED, Plan.ScaleDownKind.Empty);
        AtomicReference<CompletableFuture<UndoOutcome>> undo = new AtomicReference<>();

        // the thread of a cancelled drain: any API call made on it would fail at once
        Thread cancelled = new Thread(() -> {
            Thread.currentThread().interrupt();
            undo.set(cleanup.undo("n1", STARTED, "test"));
        });
        cancelled.start();
        cancelled.join(5000);

        assertThat(undo.get().get(5, TimeUnit.SECONDS)).isEqualTo(UndoOutcome.UNDONE);
        assertThat(DrainFixtures.tainted(client, "n1")).isFalse();
        assertThat(DrainFixtures.cordoned(client, "n1")).isFalse();
        assertThat(DrainFixtures.marks(client, "n1").any()).isFalse();
        assertThat(cleanup.pending("n1")).isFalse();
    }

    @Test
    void aDrainedNodeIsNeverUndone() throws Exception {
        DrainFixtures.markDrained(client, "n1", STARTED, Plan.ScaleDownKind.Empty);

        assertThat(cleanup.undo("n1", STARTED, "test").get(5, TimeUnit.SECONDS)).isEqualTo(UndoOutcome.LEFT_DRAINED);
        assertThat(DrainFixtures.marks(client, "n1").drained()).isTrue();
    }

    @Test
    void theMarksOfAnotherDrainAreLeftAlone() throws Exception {
        DrainFixtures.markDraining(client, "n1", STARTED, Plan.ScaleDownKind.Empty);

        assertThat(cleanup.undo("n1", STARTED.minusMillis(1), "test").get(5, TimeUnit.SECONDS))
                .isEqualTo(UndoOutcome.NOT_OURS);
        assertThat(DrainFixtures.marks(client, "n1").draining()).isTrue();
    }

    @Test
    void nothingToUndoAndGoneNodesAreFine() throws Exception {
        assertThat(cleanup.undo("n1", STARTED, "test").get(5, TimeUnit.SECONDS))
                .isEqualTo(UndoOutcome.NOTHING_TO_UNDO);
        assertThat(cleanup.undo("ghost", STARTED, "test").get(5, TimeUnit.SECONDS)).isEqualTo(UndoOutcome.GONE);
    }

    @Test
    void anUndoThatCannotReachTheApiGivesUpAtItsDeadline() throws Exception {
        DrainFixtures.markDraining(client, "n1", STARTED, Plan.ScaleDownKind.Empty);
        KubernetesClient broken = kube.newClient(c -> c);
        broken.close();
        try (CleanupExecutor unreachable = new CleanupExecutor(broken, Duration.ofMillis(300), Duration.ofMillis(50))) {
            // ends on its own: the get's timeout is only there to fail the test instead of hanging it
            UndoOutcome outcome = unreachable.undo("n1", STARTED, "test").get(30, TimeUnit.SECONDS);

            assertThat(outcome).isEqualTo(UndoOutcome.GAVE_UP);
        }
        assertThat(DrainFixtures.marks(client, "n1").draining()).as("left for the sweep").isTrue();
    }

    @Test
    void anErrorThrownDuringAnUndoStillClearsThePendingMark() throws Exception {
        DrainFixtures.markDraining(client, "n1", STARTED, Plan.ScaleDownKind.Empty);
        // A real executor on the mock API server whose first unmark throws an Error (a StackOverflowError deep in
        // serialization, an OutOfMemoryError): an API server cannot make the client throw one, so it is injected.
        NodeMarkExecutor real = new NodeMarkExecutor(client);
        NodeMarkExecutor failingOnce = Mockito.spy(real);
        Mockito.doThrow(new StackOverflowError("injected")).doCallRealMethod().when(failingOnce)
                .unmark(Mockito.eq("n1"), Mockito.any(), Mockito.anyBoolean());
        try (CleanupExecutor withError = new CleanupExecutor(failingOnce, Duration.ofMillis(500), Duration.ofMillis(50))) {
            CompletableFuture<UndoOutcome> first = withError.undo("n1", STARTED, "test");

            await().atMost(5, TimeUnit.SECONDS).until(first::isDone);
            assertThat(first).isCompletedExceptionally();
            assertThat(withError.pending("n1")).as("the sweep skips a node whose undo is pending").isFalse();
            // and the sweep's next undo of the node runs
            assertThat(withError.undo("n1", STARTED, "test").get(5, TimeUnit.SECONDS)).isEqualTo(UndoOutcome.UNDONE);
        }
    }
}
