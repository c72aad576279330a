package io.chorus.schema.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The layered YAML configuration every Chorus process reads the same way: bundled defaults, overlays,
 * the operator's file, then environment variables ({@code PREFIX_<PATH>} in upper snake case; a list takes
 * a comma-separated value). Strict: unknown keys, nulls for numbers and bad durations fail with a message
 * naming the key. Each module keeps its own exception type (its {@code errors} function), so its callers
 * and tests see one kind of configuration error.
 */
public final class YamlLayers {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

    private final ObjectMapper yaml;
    private final Class<? extends RuntimeException> errorType;
    private final Function<String, ? extends RuntimeException> errors;

    /**
     * @param strictCreators also fail when a record's component is missing from the tree (the bundled
     *                       defaults must name every key)
     * @param errorType      the module's configuration error: thrown by a record's own checks during
     *                       {@link #convert}, its message is kept
     * @param errors         makes the module's configuration error
     */
    public <E extends RuntimeException> YamlLayers(boolean strictCreators, Class<E> errorType,
                                                   Function<String, E> errors) {
        this.errorType = errorType;
        this.errors = errors;
        this.yaml = new ObjectMapper(new YAMLFactory())
                .registerModule(new SimpleModule().addDeserializer(Duration.class, new DurationReader()))
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        if (strictCreators) {
            yaml.enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);
        }
    }

    public ObjectNode emptyTree() {
        return yaml.createObjectNode();
    }

    /** A YAML mapping bundled on the classpath of {@code owner}. */
    public ObjectNode resource(Class<?> owner, String name) {
        try (InputStream in = owner.getClassLoader().getResourceAsStream(name)) {
            return (ObjectNode) yaml.readTree(in);
        } catch (IOException | RuntimeException e) {
            throw errors.apply("cannot read bundled " + name + ": " + e.getMessage());
        }
    }

    /** The operator's file: a mapping, or empty. */
    public JsonNode readFile(Path file) {
        JsonNode node;
        try {
            node = yaml.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw errors.apply("cannot read config file " + file + ": " + e.getMessage());
        }
        if (node == null || node.isMissingNode() || node.isNull()) {
            return yaml.createObjectNode();
        }
        if (!node.isObject()) {
            throw errors.apply("config file " + file + " must hold a YAML mapping");
        }
        return node;
    }

    /** The tree as {@code type}; a bad value names its key, under {@code prefix} (e.g. {@code "engage."}). */
    public <T> T convert(JsonNode tree, Class<T> type, String prefix) {
        try {
            return yaml.treeToValue(tree, type);
        } catch (JsonMappingException e) {
            Throwable cause = e.getCause();
            String why = cause instanceof BadValue || errorType.isInstance(cause) ? cause.getMessage() : e.getOriginalMessage();
            throw errors.apply("invalid configuration at '" + prefix + path(e) + "': " + why);
        } catch (IOException | IllegalArgumentException e) {
            throw errors.apply("invalid configuration: " + e.getMessage());
        }
    }

    private static String path(JsonMappingException e) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (b.length() > 0) {
                b.append('.');
            }
            b.append(r.getFieldName() != null ? r.getFieldName() : String.valueOf(r.getIndex()));
        }
        return b.toString();
    }

    /** Deep merge: mappings merge key by key, anything else replaces. */
    public static void merge(ObjectNode target, JsonNode overlay) {
        Iterator<Map.Entry<String, JsonNode>> fields = overlay.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            JsonNode existing = target.get(f.getKey());
            if (existing instanceof ObjectNode obj && f.getValue().isObject()) {
                merge(obj, f.getValue());
            } else {
                target.set(f.getKey(), f.getValue());
            }
        }
    }

    /** Every leaf can be set by {@code prefix} + its path in upper snake case; a list by a comma-separated value. */
    public static void applyEnv(ObjectNode node, String prefix, Map<String, String> env) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        for (String field : names) {
            String name = prefix + "_" + snake(field);
            JsonNode value = node.get(field);
            if (value instanceof ObjectNode child) {
                applyEnv(child, name, env);
            } else if (env.containsKey(name)) {
                String text = env.get(name);
                if (value instanceof ArrayNode) {
                    ArrayNode list = node.putArray(field);
                    for (String part : text.split(",")) {
                        if (!part.isBlank()) {
                            list.add(part.trim());
                        }
                    }
                } else {
                    node.set(field, TextNode.valueOf(text));
                }
            }
        }
    }

    public static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('-', '_').toUpperCase(Locale.ROOT);
    }

    /** A duration written {@code 250ms}, {@code 15s}, {@code 2m} or {@code 1h}. */
    public static Duration parseDuration(String text) {
        Matcher m = text == null ? null : DURATION.matcher(text.trim());
        if (m == null || !m.matches()) {
            throw new BadValue("duration '" + text + "' must look like 250ms, 15s, 2m or 1h");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    /** A value that is not of its key's form; {@link #convert} names the key. */
    public static final class BadValue extends IllegalArgumentException {
        public BadValue(String message) {
            super(message);
        }
    }

    private static final class DurationReader extends JsonDeserializer<Duration> {
        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return parseDuration(p.getValueAsString());
        }
    }
}
