package com.vpsie.autoscaler.api.v1alpha1;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the NodeGroup CRD lives: checked in under {@code crds/} (what users apply) and generated from the model
 * into {@code META-INF/fabric8/} on the classpath by the crd-generator plugin during {@code process-classes}.
 */
public final class NodeGroupCrdFiles {

    public static final String FILE_NAME = "nodegroups.autoscaler.vpsie.com-v1.yml";
    /** Relative to the project directory, which is where Maven runs the tests. */
    public static final Path CHECKED_IN = Path.of("crds", FILE_NAME);
    public static final String GENERATED_RESOURCE = "META-INF/fabric8/" + FILE_NAME;

    private NodeGroupCrdFiles() {
    }

    public static String checkedInYaml() {
        try {
            return Files.readString(CHECKED_IN, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + CHECKED_IN.toAbsolutePath(), e);
        }
    }

    /** The generator's output, or null when the build did not run the crd-generator plugin. */
    public static String generatedYamlOrNull() {
        try (InputStream in = NodeGroupCrdFiles.class.getClassLoader().getResourceAsStream(GENERATED_RESOURCE)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read classpath resource " + GENERATED_RESOURCE, e);
        }
    }

    public static CustomResourceDefinition checkedIn() {
        return Serialization.unmarshal(checkedInYaml(), CustomResourceDefinition.class);
    }
}
