package com.vpsie.autoscaler.snapshot;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads a file into its documents: every document of a YAML stream, or the one value of a JSON file. */
final class Documents {

    /** {@code number} counts from 1, empty YAML documents included, as a reader counts the "---" lines. */
    record Document(int number, JsonNode node) {
    }

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private Documents() {
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SnapshotException(file + ": cannot read the file: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
    }

    /** Documents that hold something; empty ones (a YAML "---" with nothing after it) are left out. */
    static List<Document> parse(String source, String content) {
        String trimmed = content.stripLeading();
        if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
            try {
                JsonNode node = JSON.readTree(content);
                return node == null || node.isNull() || node.isMissingNode() ? List.of() : List.of(new Document(1, node));
            } catch (JsonProcessingException jsonError) {
                // YAML flow style also starts with a bracket; if it is not YAML either, the JSON error says more.
                try {
                    return yaml(content);
                } catch (IOException yamlError) {
                    throw new SnapshotException(source + ": " + JsonProblems.syntax(jsonError));
                }
            }
        }
        try {
            return yaml(content);
        } catch (JsonProcessingException e) {
            throw new SnapshotException(source + ": " + JsonProblems.syntax(e));
        } catch (IOException e) {
            throw new SnapshotException(source + ": cannot read: " + e.getMessage());
        }
    }

    private static List<Document> yaml(String content) throws IOException {
        List<Document> documents = new ArrayList<>();
        try (JsonParser parser = YAML.getFactory().createParser(content)) {
            int number = 0;
            while (parser.nextToken() != null) {
                number++;
                JsonNode node = YAML.readTree(parser);
                if (node != null && !node.isNull() && !node.isMissingNode()) {
                    documents.add(new Document(number, node));
                }
            }
        }
        return documents;
    }
}
