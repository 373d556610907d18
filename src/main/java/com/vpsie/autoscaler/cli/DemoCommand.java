package com.vpsie.autoscaler.cli;

import com.vpsie.autoscaler.demo.EmbeddedDemo;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `demo`: the whole story in one JVM, against an embedded API and the VPSie simulator. */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = ManifestVersionProvider.class,
        description = {"Runs the real controller against an embedded Kubernetes API and the VPSie API simulator:",
            "a burst of pods scales a group up, then the load drops and nodes are drained (a PDB in the way) and",
            "deleted. Prints a timeline and a summary; ends by itself in under two minutes."})
public final class DemoCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "0",
            description = "Port for /metrics, /healthz and /readyz while the demo runs (default: a free one).")
    int metricsPort;

    @Option(names = "--keep-running", description = "Leave everything running after the story, for poking with curl.")
    boolean keepRunning;

    @Option(names = "--metrics-file", paramLabel = "FILE",
            description = "Write the final /metrics text here (for promtool check metrics).")
    Path metricsFile;

    @Override
    public Integer call() throws Exception {
        if (metricsPort < 0 || metricsPort > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--metrics-port: " + metricsPort + " is not a port (0-65535)");
        }
        EmbeddedDemo.Summary summary = new EmbeddedDemo(System.out).run(metricsPort, keepRunning, metricsFile);
        return summary.completed() ? 0 : 1;
    }
}
