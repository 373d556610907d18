package com.vpsie.autoscaler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.vpsie.autoscaler.config.ControllerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

class RunCommandTest {

    private final Map<String, String> env = new HashMap<>();

    /** The real command line with the environment and pod files replaced; nothing is started. */
    private CommandLine commandLine(StringWriter out, StringWriter err) {
        CommandLine root = RootCommand.commandLine();
        root.setOut(new PrintWriter(out, true));
        root.setErr(new PrintWriter(err, true));
        RunCommand run = root.getSubcommands().get("run").getCommand();
        run.environment = env::get;
        run.files = path -> null;
        return root;
    }

    private ControllerConfig parse(String... args) {
        CommandLine root = commandLine(new StringWriter(), new StringWriter());
        CommandLine.ParseResult parsed = root.parseArgs(args);
        RunCommand run = parsed.subcommand().commandSpec().commandLine().getCommand();
        return run.toConfig();
    }

    @Test
    void flagsBecomeTheConfig() {
        ControllerConfig c = parse("run", "--scan-interval", "30s", "--namespaces=a,b", "--workers", "2");
        assertThat(c.scanInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.namespaces()).containsExactly("a", "b");
        assertThat(c.workers()).isEqualTo(2);
        assertThat(c.leaderElect()).isTrue();
    }

    @Test
    void withoutFlagsItIsTheDefaults() {
        assertThat(parse("run")).isEqualTo(ControllerConfig.defaults());
    }

    @Test
    void leaderElectionIsSwitchedOffWithEqualsFalse() {
        assertThat(parse("run", "--leader-elect=false").leaderElect()).isFalse();
        assertThat(parse("run", "--leader-elect", "false").leaderElect()).isFalse();
        assertThat(parse("run", "--leader-elect").leaderElect()).isTrue();
        assertThat(parse("run", "--leader-elect", "--workers", "3").leaderElect()).isTrue();
        env.put("VPSIE_AUTOSCALER_LEADER_ELECT", "false");
        assertThat(parse("run").leaderElect()).isFalse();
        assertThat(parse("run", "--leader-elect").leaderElect()).isTrue();
    }

    @Test
    void aBadValueExitsTwoWithOneLineNamingTheFlag() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = commandLine(out, err).execute("run", "--scan-interval", "10x");

        assertThat(code).isEqualTo(2);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString().strip().lines()).hasSize(1);
        assertThat(err.toString()).startsWith(
                "vpsie-autoscaler run: --scan-interval: '10x' is not a duration (e.g. 10s, 1m30s)")
                .doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void aBadValueFromTheEnvironmentExitsTwoToo() {
        env.put("VPSIE_AUTOSCALER_METRICS_PORT", "99999");
        StringWriter err = new StringWriter();
        int code = commandLine(new StringWriter(), err).execute("run");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString().strip().lines()).hasSize(1);
        assertThat(err.toString()).contains(
                "--metrics-port (from VPSIE_AUTOSCALER_METRICS_PORT): must be between 1 and 65535, got 99999");
    }

    @Test
    void anUnknownFlagIsStillPicocliOneLineError() {
        StringWriter err = new StringWriter();
        int code = commandLine(new StringWriter(), err).execute("run", "--scan-intervall", "10s");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString().strip().lines()).hasSize(1);
        assertThat(err.toString()).contains("--scan-intervall").contains("--scan-interval");
    }

    @Test
    void helpListsEveryFlagWithItsVariableAndDefault() {
        StringWriter out = new StringWriter();
        int code = commandLine(out, new StringWriter()).execute("run", "--help");
        assertThat(code).isZero();
        String help = out.toString();
        for (RunOptions.Flag flag : RunOptions.Flag.values()) {
            assertThat(help).contains(flag.option);
        }
        // Help text wraps, so check the descriptions themselves against the table RunOptions parses with.
        CommandLine run = RootCommand.commandLine().getSubcommands().get("run");
        int documented = 0;
        for (OptionSpec option : run.getCommandSpec().options()) {
            if (option.usageHelp() || option.versionHelp()) {
                continue;
            }
            RunOptions.Flag flag = RunOptions.Flag.byOption(option.longestName());
            String description = String.join(" ", option.description());
            assertThat(description).as(flag.option)
                    .contains("Env " + flag.envName() + ".")
                    .contains("Default: " + flag.helpDefault + ".");
            documented++;
        }
        assertThat(documented).isEqualTo(RunOptions.Flag.values().length);
    }

    @Test
    void rootHelpListsRun() {
        CliRun run = CliRun.of("--help");
        assertThat(run.out()).contains("run");
    }
}
