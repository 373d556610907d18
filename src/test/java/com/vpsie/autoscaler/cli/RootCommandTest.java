package com.vpsie.autoscaler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RootCommandTest {

    @Test
    void helpListsTheSubcommands() {
        CliRun run = CliRun.of("--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("vpsie-autoscaler", "bench", "version", "--version");
    }

    @Test
    void versionFallsBackToDevOutsideAJar() {
        CliRun flag = CliRun.of("--version");
        assertThat(flag.exitCode()).isZero();
        assertThat(flag.out()).isEqualTo("vpsie-autoscaler dev\n");
        CliRun command = CliRun.of("version");
        assertThat(command.exitCode()).isZero();
        assertThat(command.out()).isEqualTo("vpsie-autoscaler dev\n");
    }

    @Test
    void subcommandsKnowTheVersionToo() {
        CliRun run = CliRun.of("plan", "--version");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("vpsie-autoscaler dev\n");
    }

    @Test
    void unknownFlagIsAUsageErrorOnOneLine() {
        CliRun run = CliRun.of("--frobnicate");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("--frobnicate").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(run.err().strip().lines()).hasSize(1);
    }

    @Test
    void unknownSubcommandIsAUsageError() {
        CliRun run = CliRun.of("frobnicate");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("frobnicate");
    }

    @Test
    void noSubcommandPrintsUsageAndFails() {
        CliRun run = CliRun.of();
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Usage: vpsie-autoscaler");
    }
}
