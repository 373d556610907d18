package com.vpsie.autoscaler.chart;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Helm chart, rendered with the Helm library helm-java embeds (no helm binary, no download), and its
 * objects parsed with fabric8 as the API server would see them. Public for the e2e tier, which applies it to a real
 * API server.
 */
public final class Chart {

    /** Relative to the project directory, which is where Maven runs the tests. */
    static final Path DIR = Path.of("charts", "vpsie-autoscaler");
    /** What `helm install` applies before the templates, as written. */
    public static final Path CRDS = DIR.resolve("crds");
    static final String RELEASE = "vpsie-autoscaler";
    static final String NAMESPACE = "autoscaler";
    /** Newer than the chart's kubeVersion floor, so the constraint itself is exercised. */
    static final String KUBE_VERSION = "1.30.0";

    /** Every optional part switched on, so the checks (here and on the real API server) see every template. */
    public static final Map<String, Object> EVERYTHING_ON = Map.ofEntries(
            Map.entry("serviceMonitor.enabled", true),
            Map.entry("prometheusRule.enabled", true),
            Map.entry("grafanaDashboard.enabled", true),
            Map.entry("networkPolicy.enabled", true),
            Map.entry("networkPolicy.egress[0].ports[0].port", 443),
            Map.entry("credentials.create", true),
            Map.entry("credentials.clientId", "id"),
            Map.entry("credentials.clientSecret", "not-a-real-secret"),
            Map.entry("plannerConfig.expanders[0]", "least-waste"),
            Map.entry("watchNamespaces[0]", "team-a"),
            Map.entry("watchNamespaces[1]", "team-b"),
            Map.entry("extraArgs[0]", "--max-drain-parallelism=2"),
            Map.entry("priorityClassName", "system-cluster-critical"));

    private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");

    private Chart() {
    }

    /** The rendered templates (not crds/, which `helm template` leaves out) for these values on top of values.yaml. */
    static Rendered render(Map<String, Object> values) {
        return render(RELEASE, NAMESPACE, values);
    }

    /** As {@link #render(Map)}, for a release of another name in another namespace. */
    public static Rendered render(String release, String namespace, Map<String, Object> values) {
        TemplateCommand template = new Helm(DIR).template()
                .withName(release)
                .withNamespace(namespace)
                .withKubeVersion(KUBE_VERSION);
        values.forEach(template::set);
        return new Rendered(template.call());
    }

    static Rendered renderDefaults() {
        return render(Map.of());
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file.toAbsolutePath(), e);
        }
    }

    /** One rendering: its text and every object in it. */
    public static final class Rendered {
        final String text;
        final List<HasMetadata> objects;

        public Rendered(String text) {
            this.text = text;
            List<HasMetadata> parsed = new ArrayList<>();
            for (String document : DOCUMENT_SEPARATOR.split(text)) {
                if (document.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
                    continue;
                }
                HasMetadata object = Serialization.unmarshal(document);
                parsed.add(object);
            }
            this.objects = List.copyOf(parsed);
        }

        /** Every object, in the order rendered. */
        public List<HasMetadata> objects() {
            return objects;
        }

        <T extends HasMetadata> List<T> all(Class<T> type) {
            return objects.stream().filter(type::isInstance).map(type::cast).toList();
        }

        /** Objects of a kind fabric8 has no class for (ServiceMonitor, PrometheusRule) come back generic. */
        public List<HasMetadata> ofKind(String kind) {
            return objects.stream().filter(o -> kind.equals(o.getKind())).toList();
        }

        <T extends HasMetadata> T one(Class<T> type) {
            List<T> found = all(type);
            if (found.size() != 1) {
                throw new AssertionError("expected one " + type.getSimpleName() + ", rendered " + found.size());
            }
            return found.get(0);
        }

        <T extends HasMetadata> Optional<T> named(Class<T> type, String name) {
            return all(type).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst();
        }

        /** Kind to names, for readable failure messages. */
        Map<String, List<String>> inventory() {
            Map<String, List<String>> byKind = new LinkedHashMap<>();
            for (HasMetadata o : objects) {
                byKind.computeIfAbsent(o.getKind(), k -> new ArrayList<>()).add(o.getMetadata().getName());
            }
            return byKind;
        }
    }
}
