package com.vpsie.autoscaler.scaledown;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vpsie.autoscaler.model.LabelSelector;
import com.vpsie.autoscaler.model.OwnerRef;
import com.vpsie.autoscaler.model.PdbInfo;
import com.vpsie.autoscaler.model.PodInfo;
import com.vpsie.autoscaler.model.PodVolume;
import com.vpsie.autoscaler.model.Resources;
import com.vpsie.autoscaler.model.VolumeKind;
import com.vpsie.autoscaler.model.WellKnown;
import com.vpsie.autoscaler.scaledown.DrainRules.Decision;
import com.vpsie.autoscaler.scaledown.DrainRules.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DrainRulesTest {

    private static final OwnerRef REPLICA_SET = new OwnerRef("ReplicaSet", "web-5d8f");

    /** A replicated pod in "default" with nothing special; each test adds what it is about. */
    private static final class Pod {
        String namespace = "default";
        final Map<String, String> labels = new HashMap<>(Map.of("app", "web"));
        final Map<String, String> annotations = new HashMap<>();
        OwnerRef controller = REPLICA_SET;
        final List<PodVolume> volumes = new ArrayList<>();
        String phase = "Running";
        boolean deleting;

        Pod in(String ns) {
            namespace = ns;
            return this;
        }

        Pod annotated(String key, String value) {
            annotations.put(key, value);
            return this;
        }

        Pod ownedBy(OwnerRef owner) {
            controller = owner;
            return this;
        }

        Pod volume(String name, VolumeKind kind) {
            volumes.add(new PodVolume(name, kind));
            return this;
        }

        Pod phase(String value) {
            phase = value;
            return this;
        }

        Pod deleting() {
            deleting = true;
            return this;
        }

        PodInfo build() {
            return new PodInfo(namespace, "web-1", labels, annotations, "node-a", phase, 0, null,
                    new Resources(100, 1 << 20, 0, 1), null, null, null, null, null, null, null,
                    controller, volumes, false, Instant.EPOCH, 30, deleting);
        }
    }

    /** The test pods are created at the epoch: a minute later they are well inside the kube-system timeout. */
    private static final DrainRules.Policy POLICY = new DrainRules.Policy(Instant.EPOCH.plusSeconds(60), true,
            Duration.ofHours(1));

    private static Pod pod() {
        return new Pod();
    }

    private static Decision decide(Pod pod) {
        return DrainRules.decide(pod.build(), false, POLICY);
    }

    private static Decision blocked(PodRemovalReason reason) {
        return Decision.block(reason);
    }

    @Test
    void aReplicatedPodMoves() {
        assertThat(decide(pod())).isEqualTo(Decision.MOVE);
        assertThat(Decision.MOVE.needsPlace()).isTrue();
        assertThat(Decision.MOVE.blocks()).isFalse();
    }

    @Nested
    class Ignored {

        @Test
        void mirrorPodsEvenIfTheyWouldBlockOtherwise() {
            Pod mirror = pod().ownedBy(null).in(WellKnown.KUBE_SYSTEM)
                    .annotated(WellKnown.MIRROR_POD_ANNOTATION, "abc")
                    .annotated(WellKnown.SAFE_TO_EVICT_ANNOTATION, "false")
                    .volume("data", VolumeKind.HOST_PATH);
            assertThat(decide(mirror)).isEqualTo(Decision.IGNORE);
        }

        @Test
        void daemonSetPodsEvenInKubeSystemWithHostPath() {
            Pod ds = pod().ownedBy(new OwnerRef("DaemonSet", "kube-proxy")).in(WellKnown.KUBE_SYSTEM)
                    .volume("xtables", VolumeKind.HOST_PATH)
                    .annotated(WellKnown.DO_NOT_DISRUPT_ANNOTATION, "true");
            assertThat(decide(ds)).isEqualTo(Decision.IGNORE);
        }

        @ParameterizedTest
        @ValueSource(strings = {"Succeeded", "Failed"})
        void terminalPodsEvenUnreplicated(String phase) {
            assertThat(decide(pod().phase(phase).ownedBy(null))).isEqualTo(Decision.IGNORE);
        }

        @Test
        void podsAlreadyBeingDeletedEvenWithDoNotDisrupt() {
            Pod leaving = pod().deleting().ownedBy(null).annotated(WellKnown.DO_NOT_DISRUPT_ANNOTATION, "true");
            assertThat(decide(leaving)).isEqualTo(Decision.IGNORE);
        }

        @Test
        void ignoredNeitherBlocksNorNeedsAPlace() {
            assertThat(Decision.IGNORE.blocks()).isFalse();
            assertThat(Decision.IGNORE.needsPlace()).isFalse();
        }
    }

    @Nested
    class SafeToEvictTrue {

        @Test
        void overridesNotReplicated() {
            assertThat(decide(pod().ownedBy(null).annotated(WellKnown.SAFE_TO_EVICT_ANNOTATION, "true")))
                    .isEqualTo(Decision.MOVE);
        }

        @Test
        void overridesKubeSystemWithoutPdb() {
            assertThat(decide(pod().in(WellKnown.KUBE_SYSTEM).annotated(WellKnown.SAFE_TO_EVICT_ANNOTATION, "true")))
                    .isEqualTo(Decision.MOVE);
        }

        @Test
        void overridesLocalStorage() {
            Pod p = pod().volume("scratch", VolumeKind.EMPTY_DIR_DISK).volume("host", VolumeKind.HOST_PATH)
                    .annotated(WellKnown.SAFE_TO_EVICT_ANNOTATION, "true");
            assertThat(decide(p)).isEqualTo(Decision.MOVE);
        }

        @Test
        void losesToKarpentersDoNotDisrupt() {
            Pod both = pod().annotated(WellKnown.SAFE_TO_EVICT_ANNOTATION, "true")
                    .annotated(WellKnown.DO_NOT_DISRUPT_ANNOTATION, "true");
            assertThat(decide(both)).isEqualTo(blocked(PodRemovalReason.NotSafeToEvictAnnotation));
        }

        @ParameterizedTest
        @ValueSource(strings = {"True", "yes", "1", ""})
        void onlyTheExactWordCounts(String value) {
            assertThat(decide(pod().ownedBy(null).annotated(WellKnown.SAFE_TO_EVICT_ANNOTATION, value)))
                    .isEqualTo(blocked(PodRemovalReason.NotReplicated));
        }
    }

    @Nested
    class NotSafeToEvict {

        @Test
        void safeToEvictFalseBlocksAReplicatedPod() {
            assertThat(decide(pod().annotated(WellKnown.SAFE_TO_EVICT_ANNOTATION, "false")))
                    .isEqualTo(blocked(PodRemovalReason.NotSafeToEvictAnnotation));
        }

        @Test
        void doNotDisruptTrueBlocks() {
            assertThat(decide(pod().annotated(WellKnown.DO_NOT_DISRUPT_ANNOTATION, "true")))
                    .isEqualTo(blocked(PodRemovalReason.NotSafeToEvictAnnotation));
        }

        @Test
        void doNotDisruptFalseIsNoOptOut() {
            assertThat(decide(pod().annotated(WellKnown.DO_NOT_DISRUPT_ANNOTATION, "false"))).isEqualTo(Decision.MOVE);
        }

        @Test
        void comesAfterNotReplicatedAndKubeSystem() {
            assertThat(decide(pod().ownedBy(null).annotated(WellKnown.SAFE_TO_EVICT_ANNOTATION, "false")))
                    .isEqualTo(blocked(PodRemovalReason.NotReplicated));
            assertThat(decide(pod().in(WellKnown.KUBE_SYSTEM).annotated(WellKnown.SAFE_TO_EVICT_ANNOTATION, "false")))
                    .isEqualTo(blocked(PodRemovalReason.UnmovableKubeSystemPod));
        }
    }

    @Nested
    class Replication {

        @Test
        void aPodWithoutControllerBlocks() {
            assertThat(decide(pod().ownedBy(null))).isEqualTo(blocked(PodRemovalReason.NotReplicated));
        }

        @Test
        void theFourReplicatingKindsCount() {
            assertThat(decide(pod().ownedBy(new OwnerRef("StatefulSet", "db")))).isEqualTo(Decision.MOVE);
            assertThat(decide(pod().ownedBy(new OwnerRef("Job", "batch-1")))).isEqualTo(Decision.MOVE);
            assertThat(decide(pod().ownedBy(new OwnerRef("ReplicationController", "old")))).isEqualTo(Decision.MOVE);
        }

        @Test
        void aCustomControllerBlocksUnlessTheSettingAcceptsIt() {
            PodInfo rollout = pod().ownedBy(new OwnerRef("Rollout", "canary")).build();
            assertThat(DrainRules.decide(rollout, false, POLICY)).isEqualTo(blocked(PodRemovalReason.NotReplicated));
            DrainRules.Policy anyOwner = new DrainRules.Policy(POLICY.now(), false,
                    POLICY.blockingSystemPodDisruptionTimeout());
            assertThat(DrainRules.decide(rollout, false, anyOwner)).isEqualTo(Decision.MOVE);
            assertThat(DrainRules.decide(pod().ownedBy(null).build(), false, anyOwner))
                    .isEqualTo(blocked(PodRemovalReason.NotReplicated));
        }

        @Test
        void comesBeforeKubeSystemAndLocalStorage() {
            Pod p = pod().ownedBy(null).in(WellKnown.KUBE_SYSTEM).volume("h", VolumeKind.HOST_PATH);
            assertThat(decide(p)).isEqualTo(blocked(PodRemovalReason.NotReplicated));
        }
    }

    @Nested
    class KubeSystem {

        @Test
        void blocksWithoutPdb() {
            assertThat(DrainRules.decide(pod().in(WellKnown.KUBE_SYSTEM).build(), false, POLICY))
                    .isEqualTo(blocked(PodRemovalReason.UnmovableKubeSystemPod));
        }

        @Test
        void movesWithPdb() {
            assertThat(DrainRules.decide(pod().in(WellKnown.KUBE_SYSTEM).build(), true, POLICY)).isEqualTo(Decision.MOVE);
        }

        @Test
        void comesBeforeLocalStorage() {
            PodInfo p = pod().in(WellKnown.KUBE_SYSTEM).volume("h", VolumeKind.HOST_PATH).build();
            assertThat(DrainRules.decide(p, false, POLICY)).isEqualTo(blocked(PodRemovalReason.UnmovableKubeSystemPod));
            assertThat(DrainRules.decide(p, true, POLICY)).isEqualTo(blocked(PodRemovalReason.LocalStorageRequested));
        }

        @Test
        void coverageComesFromTheBudget() {
            PdbInfo dnsPdb = new PdbInfo(WellKnown.KUBE_SYSTEM, "coredns", LabelSelector.of(Map.of("app", "web")), 0);
            PdbBudget withPdb = new PdbBudget(List.of(dnsPdb));
            PdbBudget without = new PdbBudget(List.of());
            PodInfo p = pod().in(WellKnown.KUBE_SYSTEM).build();

            assertThat(DrainRules.decide(p, withPdb, POLICY)).isEqualTo(Decision.MOVE);
            assertThat(DrainRules.decide(p, without, POLICY)).isEqualTo(blocked(PodRemovalReason.UnmovableKubeSystemPod));
        }

        @Test
        void blocksOnlyUntilTheTimeoutAfterItsCreation() {
            PodInfo p = pod().in(WellKnown.KUBE_SYSTEM).volume("h", VolumeKind.HOST_PATH).build();
            DrainRules.Policy justBefore = new DrainRules.Policy(Instant.EPOCH.plus(Duration.ofHours(1)).minusMillis(1),
                    true, Duration.ofHours(1));
            DrainRules.Policy atTimeout = new DrainRules.Policy(Instant.EPOCH.plus(Duration.ofHours(1)), true,
                    Duration.ofHours(1));
            assertThat(DrainRules.decide(p, false, justBefore))
                    .isEqualTo(blocked(PodRemovalReason.UnmovableKubeSystemPod));
            // past it the system rule lets the pod go and no later rule (local storage here) is read
            assertThat(DrainRules.decide(p, false, atTimeout)).isEqualTo(Decision.MOVE);
        }

        @Test
        void pastTheTimeoutSafeToEvictFalseStillKeepsTheNode() {
            PodInfo p = pod().in(WellKnown.KUBE_SYSTEM).annotated(WellKnown.SAFE_TO_EVICT_ANNOTATION, "false").build();
            DrainRules.Policy later = new DrainRules.Policy(Instant.EPOCH.plus(Duration.ofDays(1)), true,
                    Duration.ofHours(1));
            assertThat(DrainRules.decide(p, false, later)).isEqualTo(blocked(PodRemovalReason.NotSafeToEvictAnnotation));
        }

        @Test
        void otherNamespacesNeedNoPdb() {
            assertThat(DrainRules.decide(pod().in("monitoring").build(), false, POLICY)).isEqualTo(Decision.MOVE);
        }
    }

    @Nested
    class LocalStorage {

        @Test
        void hostPathBlocks() {
            assertThat(decide(pod().volume("logs", VolumeKind.HOST_PATH)))
                    .isEqualTo(blocked(PodRemovalReason.LocalStorageRequested));
        }

        @Test
        void diskBackedEmptyDirBlocks() {
            assertThat(decide(pod().volume("cache", VolumeKind.EMPTY_DIR_DISK)))
                    .isEqualTo(blocked(PodRemovalReason.LocalStorageRequested));
        }

        @Test
        void memoryBackedEmptyDirAndOtherVolumesDoNot() {
            assertThat(decide(pod().volume("shm", VolumeKind.EMPTY_DIR_MEMORY).volume("cfg", VolumeKind.OTHER)))
                    .isEqualTo(Decision.MOVE);
        }

        @Test
        void everyLocalVolumeListedMakesItMovable() {
            Pod p = pod().volume("cache", VolumeKind.EMPTY_DIR_DISK).volume("logs", VolumeKind.HOST_PATH)
                    .volume("cfg", VolumeKind.OTHER)
                    .annotated(WellKnown.SAFE_TO_EVICT_LOCAL_VOLUMES_ANNOTATION, "cache,logs");
            assertThat(decide(p)).isEqualTo(Decision.MOVE);
        }

        @Test
        void whitespaceAroundListedNamesIsForgiven() {
            Pod p = pod().volume("cache", VolumeKind.EMPTY_DIR_DISK).volume("logs", VolumeKind.HOST_PATH)
                    .annotated(WellKnown.SAFE_TO_EVICT_LOCAL_VOLUMES_ANNOTATION, " cache , logs ");
            assertThat(decide(p)).isEqualTo(Decision.MOVE);
        }

        @Test
        void oneUnlistedLocalVolumeStillBlocks() {
            Pod p = pod().volume("cache", VolumeKind.EMPTY_DIR_DISK).volume("logs", VolumeKind.HOST_PATH)
                    .annotated(WellKnown.SAFE_TO_EVICT_LOCAL_VOLUMES_ANNOTATION, "cache");
            assertThat(decide(p)).isEqualTo(blocked(PodRemovalReason.LocalStorageRequested));
        }

        @Test
        void anEmptyListListsNothing() {
            Pod p = pod().volume("cache", VolumeKind.EMPTY_DIR_DISK)
                    .annotated(WellKnown.SAFE_TO_EVICT_LOCAL_VOLUMES_ANNOTATION, "");
            assertThat(decide(p)).isEqualTo(blocked(PodRemovalReason.LocalStorageRequested));
        }
    }

    @Test
    void aReasonGoesWithBlockOnly() {
        assertThatThrownBy(() -> new Decision(Kind.BLOCK, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Decision(Kind.MOVE, PodRemovalReason.NotReplicated))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(blocked(PodRemovalReason.NotReplicated).blocks()).isTrue();
        assertThat(blocked(PodRemovalReason.NotReplicated).needsPlace()).isFalse();
    }
}
