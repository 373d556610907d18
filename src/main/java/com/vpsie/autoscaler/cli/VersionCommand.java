package com.vpsie.autoscaler.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "version", mixinStandardHelpOptions = true, versionProvider = ManifestVersionProvider.class,
        description = "Print the version and exit.")
public final class VersionCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().println("vpsie-autoscaler " + ManifestVersionProvider.version());
        spec.commandLine().getOut().flush();
        return CommandLine.ExitCode.OK;
    }
}
