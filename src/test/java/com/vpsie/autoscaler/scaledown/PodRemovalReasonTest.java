package com.vpsie.autoscaler.scaledown;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PodRemovalReasonTest {

    @Test
    void wordsAreClusterAutoscalers() {
        assertThat(Arrays.stream(PodRemovalReason.values()).map(PodRemovalReason::word))
                .containsExactly("NotReplicated", "UnmovableKubeSystemPod", "LocalStorageRequested",
                        "NotSafeToEvictAnnotation", "NotEnoughPdb");
    }

    @Test
    void toStringIsTheWord() {
        for (PodRemovalReason reason : PodRemovalReason.values()) {
            assertThat(reason.toString()).isEqualTo(reason.word());
            assertThat(PodRemovalReason.valueOf(reason.word())).isSameAs(reason);
        }
    }
}
