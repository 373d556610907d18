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
 * objects parsed with fabric8 as the API server would see them.
 */
final class Chart {

    /** Relative to the project directory, which is where Maven runs the tests. */
    static final Path DIR = Path.of("charts", "vpsie-autoscaler");
    static final String RELEASE = "vpsie-autoscaler";
    static final String NAMESPACE = "autoscaler";
    /** Newer than the chart's kubeVersion floor, so the constraint itself is exercised. */
    static final String KUBE_VERSION = "1.30.0";

    private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");

    private Chart() {
    }

    /** The rendered manifests (CRDs included) for these values on top of values.yaml. */
    static Rendered render(Map<String, Object> values) {
        TemplateCommand template = new Helm(DIR).template()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
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
    static final class Rendered {
        final String text;
        final List<HasMetadata> objects;

        Rendered(String text) {
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

        <T extends HasMetadata> List<T> all(Class<T> type) {
            return objects.stream().filter(type::isInstance).map(type::cast).toList();
        }

        /** Objects of a kind fabric8 has no class for (ServiceMonitor, PrometheusRule) come back generic. */
        List<HasMetadata> ofKind(String kind) {
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
