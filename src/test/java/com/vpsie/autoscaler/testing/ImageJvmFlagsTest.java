package com.vpsie.autoscaler.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageJvmFlagsTest {

    @Test
    void readsTheEntrypointsJvmFlagsInOrderAndNothingElse(@TempDir Path dir) throws Exception {
        Path dockerfile = dir.resolve("Dockerfile");
        Files.writeString(dockerfile, """
                FROM eclipse-temurin:17-jre
                RUN echo "-Xnot-a-flag-of-the-entrypoint"
                ENTRYPOINT ["java", "-XX:+UseSerialGC", "-XX:MaxRAMPercentage=30", \\
                            "-Xss512k", "-jar", "/app/a.jar"]
                CMD ["run"]
                """);

        assertThat(ImageJvmFlags.of(dockerfile)).containsExactly("-XX:+UseSerialGC", "-XX:MaxRAMPercentage=30",
                "-Xss512k");
    }

    @Test
    void theRepositorysDockerfileSizesTheHeap() {
        assertThat(ImageJvmFlags.ofRepository()).anyMatch(f -> f.startsWith("-XX:MaxRAMPercentage="))
                .allMatch(f -> f.startsWith("-X"));
    }

    @Test
    void aDockerfileWithoutEntrypointIsAnError(@TempDir Path dir) throws Exception {
        Path dockerfile = dir.resolve("Dockerfile");
        Files.writeString(dockerfile, "FROM scratch\nCMD [\"run\"]\n");

        assertThatThrownBy(() -> ImageJvmFlags.of(dockerfile)).hasMessageContaining("no ENTRYPOINT");
    }
}
