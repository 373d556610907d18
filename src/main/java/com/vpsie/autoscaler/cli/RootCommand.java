package com.vpsie.autoscaler.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code vpsie-autoscaler} command and its subcommands. */
@Command(name = "vpsie-autoscaler", mixinStandardHelpOptions = true,
        versionProvider = ManifestVersionProvider.class,
        description = "Kubernetes cluster autoscaler for the VPSie cloud.",
        subcommands = {RunCommand.class, DemoCommand.class, SimulatorCommand.class, PlanCommand.class, BenchCommand.class, VersionCommand.class,
            CommandLine.HelpCommand.class})
public final class RootCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** A command line with this project's error handling; Main and the tests both start here. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new RootCommand());
        cl.setParameterExceptionHandler(new OneLineUsageErrorHandler());
        return cl;
    }

    @Override
    public Integer call() {
        // A bare invocation is a usage mistake: there is no default action.
        spec.commandLine().usage(spec.commandLine().getErr());
        return CommandLine.ExitCode.USAGE;
    }
}
