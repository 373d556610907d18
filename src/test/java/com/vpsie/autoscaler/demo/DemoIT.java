package com.vpsie.autoscaler.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `make demo` tells the whole story: scale-up, a PDB in the way, drains through the Eviction API, deletion. */
class DemoIT {

    @TempDir
    Path dir;

    @Test
    void theStoryCompletesWithinTwoMinutes() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        Path metrics = dir.resolve("metrics.txt");
        EmbeddedDemo.Summary summary = new EmbeddedDemo(new PrintStream(buffer, true, StandardCharsets.UTF_8))
                .run(0, false, metrics);
        String timeline = buffer.toString(StandardCharsets.UTF_8);

        assertThat(summary.completed()).as(timeline).isTrue();
        assertThat(summary.took()).isLessThan(Duration.ofMinutes(2));
        assertThat(summary.nodesCreated()).isPositive();
        assertThat(summary.nodesDeleted()).isPositive();
        assertThat(summary.podsEvicted()).as(timeline).isPositive();
        assertThat(summary.pdbHeldANode()).isTrue();
        assertThat(timeline).contains("ScaledUpGroup", "joined (Ready)", "draining", "removed", "NotEnoughPdb",
                "Demo complete.");
        assertThat(Files.readString(metrics)).contains("vpsie_autoscaler_scale_down_total{nodegroup=\"general\"}")
                .contains("vpsie_autoscaler_scale_up_total{nodegroup=\"general\"} 1.0");
    }
}
