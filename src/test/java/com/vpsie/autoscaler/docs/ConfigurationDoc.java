package com.vpsie.autoscaler.docs;

import com.vpsie.autoscaler.cli.RootCommand;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Builds the flag reference of {@code docs/configuration.md} from picocli's model of {@code run}, the same model
 * {@code run --help} prints, so the two cannot disagree. Only the part between the two markers is generated;
 * the prose around it is written by hand.
 */
final class ConfigurationDoc {

    static final Path FILE = Path.of("docs", "configuration.md");
    static final String BEGIN = "<!-- BEGIN GENERATED: flags of `run`; regenerate with "
            + "mvn test -Dtest=ConfigurationDocTest -Dvpsie.docs.update=true -->";
    static final String END = "<!-- END GENERATED -->";

    private static final Pattern ENV = Pattern.compile("^Env (\\S+?)\\.?$");
    private static final Pattern DEFAULT = Pattern.compile("^Default: (.+?)\\.?$");
    /** A default that is a value to type (10s, vpsie-credentials, https://...) rather than prose. */
    private static final Pattern LITERAL = Pattern.compile("(?!none$)\\S+");

    private ConfigurationDoc() {
    }

    /** The generated block, markers included. */
    static String flagTable() {
        CommandSpec run = RootCommand.commandLine().getSubcommands().get("run").getCommandSpec();
        StringBuilder out = new StringBuilder();
        out.append(BEGIN).append("\n\n");
        out.append("| Flag | Environment variable | Default | Meaning |\n");
        out.append("|---|---|---|---|\n");
        for (OptionSpec option : run.options()) {
            if (option.usageHelp() || option.versionHelp()) {
                continue;
            }
            Description d = Description.of(option);
            String flag = option.longestName() + (option.arity().max() > 0 ? "=" + option.paramLabel() : "");
            out.append("| `").append(flag).append("` | ")
                    .append(d.env == null ? "" : "`" + d.env + "`").append(" | ")
                    .append(d.defaultValue == null ? "" : literal(d.defaultValue)).append(" | ")
                    .append(cell(d.text)).append(" |\n");
        }
        out.append('\n').append(END);
        return out.toString();
    }

    /** {@code text} with its generated block replaced by {@link #flagTable()}. */
    static String regenerate(String text) {
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalStateException(FILE + " lacks the markers " + BEGIN + " ... " + END);
        }
        return text.substring(0, begin) + flagTable() + text.substring(end + END.length());
    }

    private static String literal(String value) {
        return LITERAL.matcher(value).matches() ? "`" + value + "`" : cell(value);
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }

    /** An option's description split the way RunCommand writes it: text, "Env X.", "Default: Y.". */
    private record Description(String text, String env, String defaultValue) {
        static Description of(OptionSpec option) {
            List<String> text = new ArrayList<>();
            String env = null;
            String def = null;
            // picocli hands the text out with its %n already turned into line breaks; both are handled.
            for (String line : String.join("\n", option.description()).split("%n|\\R")) {
                String l = line.strip();
                Matcher e = ENV.matcher(l);
                Matcher d = DEFAULT.matcher(l);
                if (e.matches()) {
                    env = e.group(1);
                } else if (d.matches()) {
                    def = d.group(1);
                } else if (!l.isEmpty()) {
                    text.add(l);
                }
            }
            return new Description(String.join(" ", text), env, def);
        }
    }
}
