package com.vpsie.autoscaler.testing.realkube;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Prometheus Operator's own CRDs for the kinds the chart renders (ServiceMonitor, PrometheusRule), fetched from
 * its Go module by {@code scripts/prometheus-operator-crds.sh} (pinned there, cached after the first run) and
 * installed on the plane, so the chart's monitoring objects meet the schema a real operator installs.
 */
public final class PrometheusOperatorCrds {

    static final String SCRIPT = "scripts/prometheus-operator-crds.sh";
    /** The files of the kinds the chart renders; the operator's other CRDs play no part. */
    static final List<String> FILES = List.of("monitoring.coreos.com_servicemonitors.yaml",
            "monitoring.coreos.com_prometheusrules.yaml");
    private static final long FETCH_LIMIT_SECONDS = 300;

    private PrometheusOperatorCrds() {
    }

    /** Fetches (once) and applies the CRDs; returns them as applied. */
    public static List<CustomResourceDefinition> install(KubeControlPlane kube) {
        Path dir = fetch();
        return FILES.stream().map(name -> {
            Path file = dir.resolve(name);
            try (InputStream in = Files.newInputStream(file)) {
                CustomResourceDefinition crd = kube.client().apiextensions().v1().customResourceDefinitions().load(in)
                        .item();
                kube.applyCrd(crd);
                return crd;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }).toList();
    }

    /** The folder the script prints last. */
    private static Path fetch() {
        Path project = KubeControlPlane.projectDir();
        try {
            Path out = Files.createTempFile("po-crds", ".out");
            Path err = Files.createTempFile("po-crds", ".err");
            try {
                Process process = new ProcessBuilder("bash", project.resolve(SCRIPT).toString())
                        .directory(project.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                process.getOutputStream().close();
                if (!process.waitFor(FETCH_LIMIT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(SCRIPT + " did not finish within " + FETCH_LIMIT_SECONDS + " s");
                }
                List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8).stream()
                        .filter(l -> !l.isBlank()).toList();
                if (process.exitValue() != 0 || lines.isEmpty()) {
                    throw new IllegalStateException(SCRIPT + " failed (exit " + process.exitValue() + "):\n"
                            + Files.readString(err, StandardCharsets.UTF_8));
                }
                return Path.of(lines.get(lines.size() - 1).trim());
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + SCRIPT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + SCRIPT, e);
        }
    }
}
