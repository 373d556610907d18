package com.vpsie.autoscaler.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.vpsie.autoscaler.model.Quantities;
import com.vpsie.autoscaler.model.Resources;
import com.vpsie.autoscaler.plan.PlannerSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads planner settings from a YAML or JSON file. Keys left out keep {@link PlannerSettings#defaults()};
 * unknown keys are errors, so a typo cannot silently leave a default in place.
 */
public final class PlannerConfigFile {

    public static final List<String> KEYS = List.of("nodeStartupTimeout", "ignoreDaemonSetsUtilization",
            "ignoreMirrorPodsUtilization", "expanders", "priorities", "randomSeed", "maxNodesPerScaleUp",
            "newNodeOverhead", "skipNodesWithCustomControllerPods", "blockingSystemPodDisruptionTimeout");

    // YAML is a superset of JSON, so one parser reads both.
    private static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final String source;

    private PlannerConfigFile(String source) {
        this.source = source;
    }

    public static PlannerSettings load(Path file) throws InvalidConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new InvalidConfigException(file + ": no such file");
        } catch (IOException e) {
            throw new InvalidConfigException(file + ": cannot read: " + e.getMessage());
        }
        return parse(text, file.toString());
    }

    /** Parses {@code text}; {@code source} names it in error messages. */
    public static PlannerSettings parse(String text, String source) throws InvalidConfigException {
        return new PlannerConfigFile(source).read(text);
    }

    private PlannerSettings read(String text) throws InvalidConfigException {
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new InvalidConfigException(source + ": not valid YAML or JSON" + where + ": "
                    + firstLine(e.getOriginalMessage()));
        }
        PlannerSettings d = PlannerSettings.defaults();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return d;
        }
        if (!root.isObject()) {
            throw new InvalidConfigException(source + ": expected a mapping of settings at the top level, found "
                    + kind(root));
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String key = names.next();
            if (!KEYS.contains(key)) {
                throw error(key, "unknown key (known keys: " + String.join(", ", KEYS) + ")");
            }
            if (root.get(key).isNull()) {
                throw error(key, "has no value");
            }
        }
        Duration startup = root.has("nodeStartupTimeout")
                ? duration("nodeStartupTimeout", root.get("nodeStartupTimeout")) : d.nodeStartupTimeout();
        boolean ignoreDs = root.has("ignoreDaemonSetsUtilization")
                ? bool("ignoreDaemonSetsUtilization", root.get("ignoreDaemonSetsUtilization"))
                : d.ignoreDaemonSetUtilization();
        boolean ignoreMirror = root.has("ignoreMirrorPodsUtilization")
                ? bool("ignoreMirrorPodsUtilization", root.get("ignoreMirrorPodsUtilization"))
                : d.ignoreMirrorPodUtilization();
        List<String> expanders = root.has("expanders") ? expanders(root.get("expanders")) : d.expanders();
        Map<Integer, List<String>> priorities = root.has("priorities") ? priorities(root.get("priorities"))
                : d.priorities();
        long seed = root.has("randomSeed") ? integer("randomSeed", root.get("randomSeed"), Long.MIN_VALUE)
                : d.randomSeed();
        int maxNodes = root.has("maxNodesPerScaleUp")
                ? (int) Math.min(Integer.MAX_VALUE, integer("maxNodesPerScaleUp", root.get("maxNodesPerScaleUp"), 1))
                : d.maxNodesPerScaleUp();
        Resources overhead = root.has("newNodeOverhead") ? overhead(root.get("newNodeOverhead"), d.newNodeOverhead())
                : d.newNodeOverhead();
        boolean skipCustom = root.has("skipNodesWithCustomControllerPods")
                ? bool("skipNodesWithCustomControllerPods", root.get("skipNodesWithCustomControllerPods"))
                : d.skipNodesWithCustomControllerPods();
        Duration systemTimeout = root.has("blockingSystemPodDisruptionTimeout")
                ? duration("blockingSystemPodDisruptionTimeout", root.get("blockingSystemPodDisruptionTimeout"))
                : d.blockingSystemPodDisruptionTimeout();
        try {
            return new PlannerSettings(startup, ignoreDs, ignoreMirror, expanders, priorities, seed, maxNodes,
                    overhead, skipCustom, systemTimeout);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(source + ": " + e.getMessage());
        }
    }

    private Duration duration(String key, JsonNode node) throws InvalidConfigException {
        if (!node.isTextual()) {
            throw error(key, "expected a duration such as \"15m\", \"90s\" or \"PT15M\", found " + kind(node)
                    + (node.isNumber() ? " without a unit" : ""));
        }
        Duration value;
        try {
            value = Durations.parse(node.asText());
        } catch (IllegalArgumentException e) {
            throw error(key, e.getMessage());
        }
        if (value.isNegative() || value.isZero()) {
            throw error(key, "must be longer than zero, got '" + node.asText() + "'");
        }
        return value;
    }

    private boolean bool(String key, JsonNode node) throws InvalidConfigException {
        if (!node.isBoolean()) {
            throw error(key, "expected true or false, found " + kind(node));
        }
        return node.booleanValue();
    }

    private long integer(String key, JsonNode node, long min) throws InvalidConfigException {
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw error(key, "expected a whole number, found " + kind(node));
        }
        long value = node.longValue();
        if (value < min) {
            throw error(key, "must be at least " + min + ", got " + value);
        }
        return value;
    }

    private List<String> expanders(JsonNode node) throws InvalidConfigException {
        List<String> names = new ArrayList<>();
        if (node.isTextual()) {
            for (String part : node.asText().split(",", -1)) {
                names.add(part.trim());
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                JsonNode item = node.get(i);
                if (!item.isTextual()) {
                    throw error("expanders[" + i + "]", "expected an expander name, found " + kind(item));
                }
                names.add(item.asText().trim());
            }
        } else {
            throw error("expanders", "expected a list of expander names or a comma-separated string, found "
                    + kind(node));
        }
        if (names.isEmpty()) {
            throw error("expanders", "needs at least one expander (known: "
                    + String.join(", ", PlannerSettings.KNOWN_EXPANDERS) + ")");
        }
        for (String name : names) {
            if (!PlannerSettings.KNOWN_EXPANDERS.contains(name)) {
                throw error("expanders", "unknown expander '" + name + "' (known: "
                        + String.join(", ", PlannerSettings.KNOWN_EXPANDERS) + ")");
            }
        }
        return names;
    }

    private Map<Integer, List<String>> priorities(JsonNode node) throws InvalidConfigException {
        if (!node.isObject()) {
            throw error("priorities", "expected a mapping of priority number to a list of regular expressions, found "
                    + kind(node));
        }
        Map<Integer, List<String>> result = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = "priorities." + e.getKey();
            int priority;
            try {
                priority = Integer.parseInt(e.getKey().trim());
            } catch (NumberFormatException ex) {
                throw error(key, "priority must be a whole number, got '" + e.getKey() + "'");
            }
            JsonNode value = e.getValue();
            List<String> patterns = new ArrayList<>();
            if (value.isTextual()) {
                patterns.add(regex(key, value.asText()));
            } else if (value.isArray() && !value.isEmpty()) {
                for (int i = 0; i < value.size(); i++) {
                    JsonNode item = value.get(i);
                    if (!item.isTextual()) {
                        throw error(key + "[" + i + "]", "expected a regular expression, found " + kind(item));
                    }
                    patterns.add(regex(key + "[" + i + "]", item.asText()));
                }
            } else {
                throw error(key, "expected a non-empty list of regular expressions, found " + kind(value));
            }
            if (result.put(priority, List.copyOf(patterns)) != null) {
                throw error(key, "priority " + priority + " is given twice");
            }
        }
        return result;
    }

    private String regex(String key, String pattern) throws InvalidConfigException {
        try {
            Pattern.compile(pattern);
            return pattern;
        } catch (PatternSyntaxException e) {
            throw error(key, "invalid regular expression '" + pattern + "': " + e.getDescription());
        }
    }

    private Resources overhead(JsonNode node, Resources defaults) throws InvalidConfigException {
        if (!node.isObject()) {
            throw error("newNodeOverhead", "expected a mapping with cpu and memory, found " + kind(node));
        }
        long cpu = defaults.cpuMillis();
        long memory = defaults.memoryBytes();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = "newNodeOverhead." + e.getKey();
            switch (e.getKey()) {
                case "cpu" -> cpu = quantity(key, e.getValue(), true);
                case "memory" -> memory = quantity(key, e.getValue(), false);
                default -> throw error(key, "unknown key (known keys: cpu, memory)");
            }
        }
        return new Resources(cpu, memory, defaults.ephemeralStorageBytes(), defaults.pods());
    }

    private long quantity(String key, JsonNode node, boolean millis) throws InvalidConfigException {
        if (!node.isTextual() && !node.isNumber()) {
            throw error(key, "expected a quantity such as " + (millis ? "\"100m\"" : "\"256Mi\"") + ", found "
                    + kind(node));
        }
        try {
            return millis ? Quantities.parseMillis(node.asText()) : Quantities.parseUnits(node.asText());
        } catch (IllegalArgumentException e) {
            throw error(key, e.getMessage());
        }
    }

    private InvalidConfigException error(String key, String problem) {
        return new InvalidConfigException(source + ": " + key + ": " + problem);
    }

    private static String kind(JsonNode node) {
        if (node.isTextual()) {
            return "the string '" + node.asText() + "'";
        }
        if (node.isNumber()) {
            return "the number " + node.asText();
        }
        if (node.isBoolean()) {
            return node.asText();
        }
        if (node.isArray()) {
            return "a list";
        }
        if (node.isObject()) {
            return "a mapping";
        }
        return "null";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
