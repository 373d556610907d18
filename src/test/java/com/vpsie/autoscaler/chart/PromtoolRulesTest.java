package com.vpsie.autoscaler.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alert rules checked and unit-tested by Prometheus's own promtool, and the dashboard's queries parsed by
 * it. {@code make test} fetches promtool first when the machine has none (scripts/ensure-promtool.sh) and hands
 * it over as $PROMTOOL; run by Maven alone, the tests look on PATH and then at the copy that script caches. A
 * missing promtool fails these tests rather than skipping them, so untested rules never pass CI silently.
 */
class PromtoolRulesTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private static String promtool;

    @BeforeAll
    static void findPromtool() {
        promtool = locate();
        if (promtool == null) {
            fail("promtool not found ($PROMTOOL, PATH, " + cachedCopy() + "). It checks and unit-tests "
                    + "deploy/prometheus/alerts.yaml. Run scripts/ensure-promtool.sh (make test does) to fetch it, "
                    + "or install it: apt-get install -y prometheus");
        }
    }

    @Test
    void rulesPassPromtoolCheck() {
        Result r = run(promtool, "check", "rules", Alerts.RULES.toString());

        assertThat(r.exit).as("promtool check rules:%n%s", r.output).isZero();
    }

    @Test
    void ruleUnitTestsPass() {
        Result r = run(promtool, "test", "rules", Alerts.RULE_TESTS.toString());

        assertThat(r.exit).as("promtool test rules:%n%s", r.output).isZero();
        assertThat(r.output).contains("SUCCESS");
    }

    /** Grafana's $__rate_interval is not PromQL; a fixed window stands in for it. */
    @Test
    void dashboardQueriesParse(@TempDir Path dir) throws IOException {
        List<String> exprs = Alerts.dashboardExpressions(Alerts.json(Alerts.DASHBOARD));
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        for (int i = 0; i < exprs.size(); i++) {
            String expr = exprs.get(i).replace("$__rate_interval", "5m");
            rules.append("      - record: dashboard_query_").append(i).append('\n')
                    .append("        expr: ").append(Alerts.JSON.writeValueAsString(expr)).append('\n');
        }
        Path file = dir.resolve("dashboard-rules.yaml");
        Files.writeString(file, rules, StandardCharsets.UTF_8);

        Result r = run(promtool, "check", "rules", file.toString());

        assertThat(exprs).isNotEmpty();
        assertThat(r.exit).as("dashboard queries as rules:%n%s%n%s", r.output, rules).isZero();
    }

    private record Result(int exit, String output) {
    }

    private static Result run(String... command) {
        Path log = null;
        try {
            // Output goes to a file, so a hung promtool cannot block the reader past the timeout.
            log = Files.createTempFile("promtool", ".log");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", command) + " did not finish within " + TIMEOUT);
            }
            return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + String.join(" ", command), e);
        } finally {
            if (log != null) {
                log.toFile().delete();
            }
        }
    }

    private static String locate() {
        String explicit = System.getenv("PROMTOOL");
        if (explicit != null && !explicit.isBlank()) {
            return Files.isExecutable(Path.of(explicit)) ? explicit : null;
        }
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (!dir.isBlank()) {
                    candidates.add(Path.of(dir, "promtool"));
                }
            }
        }
        candidates.add(cachedCopy());
        return candidates.stream().filter(Files::isExecutable).map(Path::toString).findFirst().orElse(null);
    }

    /** Where scripts/ensure-promtool.sh links the promtool it fetched; its cache directory is chosen the same way. */
    private static Path cachedCopy() {
        String cache = System.getenv("VPSIE_CACHE_DIR");
        if (cache == null || cache.isBlank()) {
            String xdg = System.getenv("XDG_CACHE_HOME");
            Path base = xdg == null || xdg.isBlank()
                    ? Path.of(System.getProperty("user.home"), ".cache")
                    : Path.of(xdg);
            cache = base.resolve("vpsie-autoscaler").toString();
        }
        return Path.of(cache, "tools", "bin", "promtool");
    }
}
