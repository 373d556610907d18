package com.vpsie.autoscaler.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;

/**
 * Reports a command-line mistake on exactly one stderr line that names the flag, and exits 2. The full usage
 * text would bury the one line that matters, and scripts read stderr.
 */
public final class OneLineUsageErrorHandler implements CommandLine.IParameterExceptionHandler {

    private static final int MAX_SUGGESTIONS = 3;

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        // picocli checks required options before it complains about unknown ones, but "--snapshto" is the
        // mistake to show, not the "missing --snapshot" it causes.
        if (!(ex instanceof CommandLine.UnmatchedArgumentException) && !cmd.getUnmatchedArguments().isEmpty()) {
            ex = new CommandLine.UnmatchedArgumentException(cmd, cmd.getUnmatchedArguments());
        }
        String name = cmd.getCommandSpec().qualifiedName();
        StringBuilder line = new StringBuilder(name).append(": ")
                .append(String.valueOf(ex.getMessage()).replace('\n', ' ').strip());
        if (ex instanceof CommandLine.UnmatchedArgumentException unmatched) {
            List<String> suggestions = unmatched.getSuggestions();
            if (!suggestions.isEmpty()) {
                line.append(" (did you mean ")
                        .append(String.join(" or ", suggestions.subList(0, Math.min(MAX_SUGGESTIONS,
                                suggestions.size()))))
                        .append("?)");
            }
        }
        line.append("; see '").append(name).append(" --help'");
        PrintWriter err = cmd.getErr();
        err.println(line);
        err.flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }
}
