package com.vpsie.autoscaler.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.vpsie.autoscaler.cli.SimulatorCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code simulator} as a command: it serves until interrupted and accepts only the credentials it was given. */
class SimulatorCommandTest {

    private static final Pattern URL = Pattern.compile("listening on (http://\\S+)");

    private static CommandLine commandLine(StringWriter out, StringWriter err) {
        CommandLine cl = new CommandLine(new SimulatorCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl;
    }

    @Test
    void servesUntilInterrupted() throws Exception {
        StringWriter out = new StringWriter();
        AtomicInteger exit = new AtomicInteger(-1);
        Thread runner = new Thread(() -> exit.set(commandLine(out, new StringWriter()).execute("--port", "0",
                "--token", "demo-token", "--group", "small:1,large:3", "--ready-after-seconds", "0")));
        runner.start();
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> URL.matcher(out.toString()).find());
            Matcher m = URL.matcher(out.toString());
            assertThat(m.find()).isTrue();
            String base = m.group(1);
            assertThat(out.toString()).contains("small (id").contains("large (id").contains("static token")
                    .doesNotContain("demo-token");

            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> groups = http.send(HttpRequest.newBuilder(URI.create(base
                    + "/k8s/node/groups/byClusterId/sim-cluster")).header("Vpsie-Auth", "demo-token").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(groups.statusCode()).isEqualTo(200);
            assertThat(groups.body()).contains("\"group_name\":\"small\"").contains("\"boxsize_id\":3");
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(base + "/vm"))
                    .header("Vpsie-Auth", "other").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(401);
        } finally {
            runner.interrupt();
            runner.join(5000);
        }
        assertThat(runner.isAlive()).isFalse();
        assertThat(exit.get()).isEqualTo(CommandLine.ExitCode.OK);
    }

    @Test
    void outOfStockSizesRefuseAddCallsAsVpsieDoesWhenADatacenterHasNoCapacity() throws Exception {
        StringWriter out = new StringWriter();
        Thread runner = new Thread(() -> commandLine(out, new StringWriter()).execute("--port", "0",
                "--token", "t", "--group", "small:1,large:2", "--out-of-stock", "1"));
        runner.start();
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> URL.matcher(out.toString()).find());
            Matcher url = URL.matcher(out.toString());
            Matcher small = Pattern.compile("small \\(id (\\d+)\\)").matcher(out.toString());
            Matcher large = Pattern.compile("large \\(id (\\d+)\\)").matcher(out.toString());
            assertThat(url.find() && small.find() && large.find()).as(out.toString()).isTrue();

            HttpResponse<String> refused = addWorker(url.group(1), small.group(1));
            HttpResponse<String> accepted = addWorker(url.group(1), large.group(1));

            // VPSie's way for a refusal: HTTP 200 with error: true
            assertThat(refused.statusCode()).isEqualTo(200);
            assertThat(refused.body()).contains("\"error\":true").contains("Insufficient resources");
            assertThat(accepted.body()).contains("\"error\":false");
        } finally {
            runner.interrupt();
            runner.join(5000);
        }
    }

    private static HttpResponse<String> addWorker(String base, String groupId) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base
                        + "/k8s/cluster/byId/sim-cluster/add/slave/group/" + groupId)).header("Vpsie-Auth", "t")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void clientIdNeedsItsSecretAndExcludesAToken() {
        StringWriter err = new StringWriter();
        assertThat(commandLine(new StringWriter(), err).execute("--client-id", "x")).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("--client-secret");

        StringWriter err2 = new StringWriter();
        assertThat(commandLine(new StringWriter(), err2).execute("--client-id", "x", "--client-secret", "y",
                "--token", "t")).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err2.toString()).contains("expected only one match");
    }

    @Test
    void rejectsBadNumbers() {
        StringWriter err = new StringWriter();
        assertThat(commandLine(new StringWriter(), err).execute("--port", "70000")).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("--port");
    }

    @Test
    void productionBehaviourFlagsAreDocumentedAndChecked() {
        StringWriter out = new StringWriter();
        assertThat(commandLine(out, new StringWriter()).execute("--help")).isEqualTo(CommandLine.ExitCode.OK);
        assertThat(out.toString()).contains("--listing-lag-seconds", "--delete-lag-seconds", "--add-delay-ms",
                "--error-percent", "--error-seed", "--error-burst-every-seconds", "--error-burst-seconds",
                "--token-down-seconds", "--out-of-stock");

        StringWriter err = new StringWriter();
        assertThat(commandLine(new StringWriter(), err).execute("--error-percent", "120"))
                .isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("--error-percent");
        StringWriter err2 = new StringWriter();
        assertThat(commandLine(new StringWriter(), err2).execute("--listing-lag-seconds", "-1"))
                .isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err2.toString()).contains("--listing-lag-seconds");
        StringWriter err3 = new StringWriter();
        assertThat(commandLine(new StringWriter(), err3).execute("--error-burst-every-seconds", "5",
                "--error-burst-seconds", "5")).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err3.toString()).contains("--error-burst-seconds");
    }
}
