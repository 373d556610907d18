package com.vpsie.autoscaler.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.vpsie.autoscaler.cli.RootCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * docs/configuration.md lists exactly the flags {@code run} has. Run with {@code -Dvpsie.docs.update=true} to
 * rewrite its generated block instead of comparing.
 */
class ConfigurationDocTest {

    private static final String UPDATE = "vpsie.docs.update";

    @Test
    void flagReferenceMatchesTheCommandLine() throws IOException {
        String checkedIn = Files.readString(ConfigurationDoc.FILE, StandardCharsets.UTF_8).replace("\r\n", "\n");
        String expected = ConfigurationDoc.regenerate(checkedIn);

        if (Boolean.getBoolean(UPDATE)) {
            Files.writeString(ConfigurationDoc.FILE, expected, StandardCharsets.UTF_8);
            return;
        }
        if (!checkedIn.equals(expected)) {
            fail(ConfigurationDoc.FILE + " is out of date with the flags of `run`. Regenerate it with:\n"
                    + "  mvn test -Dtest=ConfigurationDocTest -Dvpsie.docs.update=true\n"
                    + "Expected generated block:\n" + ConfigurationDoc.flagTable());
        }
    }

    @Test
    void everyFlagHasItsEnvironmentVariableAndDefault() {
        CommandSpec run = RootCommand.commandLine().getSubcommands().get("run").getCommandSpec();
        String table = ConfigurationDoc.flagTable();

        for (OptionSpec option : run.options()) {
            if (option.usageHelp() || option.versionHelp()) {
                continue;
            }
            String env = "VPSIE_AUTOSCALER_"
                    + option.longestName().substring(2).toUpperCase(Locale.ROOT).replace('-', '_');
            assertThat(table).as("row of %s", option.longestName())
                    .containsPattern("\\| `" + option.longestName() + "(=[^`]*)?` \\| `" + env + "` \\| [^|]+ \\|");
        }
    }
}
