package com.vpsie.autoscaler.cli;

import com.vpsie.autoscaler.sim.VpsieSimulator;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "simulator", mixinStandardHelpOptions = true, versionProvider = ManifestVersionProvider.class,
        sortOptions = false,
        description = {"Run the VPSie API simulator until killed.",
            "Serves one Kubernetes cluster with the given node groups and four standard sizes (offer ids 1-4)."})
public final class SimulatorCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "9090",
            description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--latency-ms", paramLabel = "N", defaultValue = "0",
            description = "Added to every request, in milliseconds (default: ${DEFAULT-VALUE}).")
    long latencyMs;

    @Option(names = "--ready-after-seconds", paramLabel = "N", defaultValue = "30",
            description = "Seconds a new server reports provisioning before running (default: ${DEFAULT-VALUE}).")
    long readyAfterSeconds;

    @Option(names = "--cluster-id", paramLabel = "UUID", defaultValue = "sim-cluster",
            description = "Identifier of the simulated Kubernetes cluster (default: ${DEFAULT-VALUE}).")
    String clusterId;

    @Option(names = "--datacenter", paramLabel = "ID", defaultValue = "sim-dc",
            description = "Datacenter identifier of the cluster and its offers (default: ${DEFAULT-VALUE}).")
    String datacenter;

    @Option(names = "--group", paramLabel = "NAME[:OFFER]", split = ",", defaultValue = "default",
            description = "Node groups to create, named as the NodeGroups that use them; OFFER is the size id "
                    + "(default 1). Repeatable (default: ${DEFAULT-VALUE}).")
    List<String> groups;

    @Option(names = "--max-workers", paramLabel = "N", defaultValue = "1000",
            description = "Workers the cluster may have before adding one answers the plan-limit error "
                    + "(default: ${DEFAULT-VALUE}).")
    int maxWorkers;

    @Option(names = "--out-of-stock", paramLabel = "OFFER", split = ",",
            description = "Size ids sold out in the datacenter: adding a worker to a node group of such a size "
                    + "answers HTTP 200 with error: true and an \"Insufficient resources\" message, as VPSie does "
                    + "when a datacenter has no capacity left for a size. Repeatable (default: none).")
    List<String> outOfStock = List.of();

    @Option(names = "--listing-lag-seconds", paramLabel = "N", defaultValue = "0",
            description = "Seconds a server added through the API stays out of the cluster and group listings; "
                    + "while it is above 0 the add call answers data: true without naming the server "
                    + "(default: ${DEFAULT-VALUE}).")
    long listingLagSeconds;

    @Option(names = "--delete-lag-seconds", paramLabel = "N", defaultValue = "0",
            description = "Seconds a deleted server keeps listing, as deleting, before it is gone "
                    + "(default: ${DEFAULT-VALUE}).")
    long deleteLagSeconds;

    @Option(names = "--add-delay-ms", paramLabel = "N", defaultValue = "0",
            description = "Milliseconds an add-worker call takes before the server is made and the call answered "
                    + "(default: ${DEFAULT-VALUE}).")
    long addDelayMs;

    @Option(names = "--error-percent", paramLabel = "P", defaultValue = "0",
            description = "Percentage (0-100) of requests of every endpoint, the token endpoint included, answered "
                    + "503 before anything is done (default: ${DEFAULT-VALUE}).")
    double errorPercent;

    @Option(names = "--error-seed", paramLabel = "N", defaultValue = "1",
            description = "Seed of the random choice of --error-percent, so a run can be repeated "
                    + "(default: ${DEFAULT-VALUE}).")
    long errorSeed;

    @Option(names = "--error-burst-every-seconds", paramLabel = "N", defaultValue = "0",
            description = "Every N seconds from the start, answer every request 503 for --error-burst-seconds; "
                    + "0 means no bursts (default: ${DEFAULT-VALUE}).")
    long burstEverySeconds;

    @Option(names = "--error-burst-seconds", paramLabel = "N", defaultValue = "0",
            description = "Length of each 503 burst, shorter than its period (default: ${DEFAULT-VALUE}).")
    long burstSeconds;

    @Option(names = "--token-down-seconds", paramLabel = "N", defaultValue = "0",
            description = "Seconds after the start during which the token endpoint answers 503 "
                    + "(default: ${DEFAULT-VALUE}).")
    long tokenDownSeconds;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Auth auth;

    /** Which credentials the simulator accepts; without any it accepts all. */
    static final class Auth {
        @ArgGroup(exclusive = false, multiplicity = "1")
        ClientCredentials client;

        @Option(names = "--token", paramLabel = "TOKEN", required = true,
                description = "Accept this static token in the Vpsie-Auth header or as Authorization: Bearer.")
        String token;
    }

    static final class ClientCredentials {
        @Option(names = "--client-id", paramLabel = "ID", required = true,
                description = "Accept this client id at the token endpoint.")
        String clientId;

        @Option(names = "--client-secret", paramLabel = "SECRET", required = true,
                description = "Accept this client secret at the token endpoint.")
        String clientSecret;
    }

    private final CountDownLatch stopped = new CountDownLatch(1);

    @Override
    public Integer call() throws IOException {
        validate();
        VpsieSimulator sim = new VpsieSimulator()
                .latency(Duration.ofMillis(latencyMs))
                .listingLag(Duration.ofSeconds(listingLagSeconds))
                .deleteLag(Duration.ofSeconds(deleteLagSeconds))
                .addWorkerDelay(Duration.ofMillis(addDelayMs))
                .serverErrors(errorPercent / 100.0, errorSeed)
                .serverErrorBursts(Duration.ofSeconds(burstEverySeconds), Duration.ofSeconds(burstSeconds))
                .tokenEndpointDownFor(Duration.ofSeconds(tokenDownSeconds));
        sim.cloud().readyAfter(Duration.ofSeconds(readyAfterSeconds)).maxWorkersPerCluster(maxWorkers)
                .addStandardOffers(datacenter)
                .addCluster(clusterId, clusterId, datacenter);
        outOfStock.forEach(offer -> sim.cloud().outOfStock(datacenter, offer, true));
        StringBuilder created = new StringBuilder();
        for (String g : groups) {
            String[] parts = g.split(":", 2);
            long id = sim.cloud().addGroup(clusterId, parts[0], parts.length > 1 ? parts[1] : "1");
            created.append(created.length() == 0 ? "" : ", ").append(parts[0]).append(" (id ").append(id).append(')');
        }
        String accepting;
        if (auth == null) {
            sim.acceptAnyCredentials(true);
            accepting = "any credentials";
        } else if (auth.token != null) {
            sim.acceptStaticToken(auth.token);
            accepting = "the given static token";
        } else {
            sim.acceptClientCredentials(auth.client.clientId, auth.client.clientSecret);
            accepting = "the given client credentials";
        }
        sim.start(bind, port);
        Thread hook = new Thread(() -> {
            sim.stop();
            stopped.countDown();
        }, "vpsie-sim-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        PrintWriter out = spec.commandLine().getOut();
        out.println("VPSie simulator listening on " + sim.baseUrl());
        out.println("cluster " + clusterId + " in datacenter " + datacenter + "; node groups: " + created
                + "; accepting " + accepting);
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            // Interrupted by an embedding caller rather than killed: stop and return normally.
            Thread.currentThread().interrupt();
        } finally {
            sim.stop();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Already in shutdown: the hook is running.
            }
        }
        return CommandLine.ExitCode.OK;
    }

    private void validate() {
        if (port < 0 || port > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "Invalid value for option '--port': must be 0..65535, got " + port);
        }
        if (latencyMs < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "Invalid value for option '--latency-ms': must be 0 or more, got " + latencyMs);
        }
        if (readyAfterSeconds < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "Invalid value for option '--ready-after-seconds': must be 0 or more, got " + readyAfterSeconds);
        }
        notNegative("--listing-lag-seconds", listingLagSeconds);
        notNegative("--delete-lag-seconds", deleteLagSeconds);
        notNegative("--add-delay-ms", addDelayMs);
        notNegative("--error-burst-every-seconds", burstEverySeconds);
        notNegative("--error-burst-seconds", burstSeconds);
        notNegative("--token-down-seconds", tokenDownSeconds);
        if (!(errorPercent >= 0 && errorPercent <= 100)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "Invalid value for option '--error-percent': must be 0..100, got " + errorPercent);
        }
        if (burstEverySeconds > 0 && burstSeconds >= burstEverySeconds) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "Invalid value for option '--error-burst-seconds': must be shorter than "
                            + "--error-burst-every-seconds (" + burstEverySeconds + "), got " + burstSeconds);
        }
        if (maxWorkers < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "Invalid value for option '--max-workers': must be 0 or more, got " + maxWorkers);
        }
        for (String g : groups) {
            if (g.isBlank() || g.startsWith(":")) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "Invalid value for option '--group': expected NAME[:OFFER], got '" + g + "'");
            }
        }
    }

    private void notNegative(String option, long value) {
        if (value < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "Invalid value for option '" + option + "': must be 0 or more, got " + value);
        }
    }
}
