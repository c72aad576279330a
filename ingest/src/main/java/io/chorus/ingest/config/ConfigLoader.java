package io.chorus.ingest.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.chorus.ingest.engage.Limits;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Loads the configuration in layers, like the gateway's: the bundled {@code ingest-defaults.yaml}, the
 * operator's YAML file, then environment variables ({@code CHORUS_INGEST_<PATH>} in upper snake case,
 * and {@code KAFKA_BOOTSTRAP_SERVERS}). Unknown keys and bad values fail start-up with a message naming
 * the key.
 */
public final class ConfigLoader {

    static final String ENV_PREFIX = "CHORUS_INGEST";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .registerModule(new SimpleModule().addDeserializer(Duration.class, new DurationDeserializer()))
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);

    private ConfigLoader() {
    }

    /** The bundled defaults with {@code bootstrapServers} set: for tests and the dev launcher. */
    public static IngestConfig defaults(String bootstrapServers) {
        return load(null, Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers));
    }

    public static IngestConfig load(Path file, Map<String, String> env) {
        ObjectNode tree = layers(file, env);
        // One list of blocked words serves the polls and the chat filter.
        ObjectNode engage = (ObjectNode) tree.get("engage");
        if (engage != null && engage.get("social") instanceof ObjectNode social) {
            social.set("blockedWords", engage.get("blockedWords"));
        }
        if (engage != null) {
            engage.remove(ApiKeys.NAMES);
        }
        return validate(convert(tree));
    }

    /**
     * The join API's keys from the same layers ({@code engage.http.*}, {@code engage.hmacSecret}, ...);
     * whether they are usable is {@code toApiConfig(kafka).problems()}.
     */
    public static ApiKeys loadApi(Path file, Map<String, String> env) {
        ObjectNode engage = (ObjectNode) layers(file, env).get("engage");
        ObjectNode keys = YAML.createObjectNode();
        for (String name : ApiKeys.NAMES) {
            if (engage != null && engage.has(name)) {
                keys.set(name, engage.get(name));
            }
        }
        try {
            return YAML.treeToValue(keys, ApiKeys.class);
        } catch (JsonMappingException e) {
            Throwable cause = e.getCause();
            String why = cause instanceof ConfigException ? cause.getMessage() : e.getOriginalMessage();
            throw new ConfigException("invalid configuration at 'engage." + path(e) + "': " + why);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("invalid configuration: " + e.getMessage());
        }
    }

    private static ObjectNode layers(Path file, Map<String, String> env) {
        ObjectNode tree = resource("ingest-defaults.yaml");
        if (file != null) {
            merge(tree, readFile(file));
        }
        applyEnv(tree, ENV_PREFIX, env);
        String bootstrap = env.get("KAFKA_BOOTSTRAP_SERVERS");
        if (bootstrap != null && !bootstrap.isBlank()) {
            ((ObjectNode) tree.get("kafka")).put("bootstrapServers", bootstrap);
        }
        return tree;
    }

    static IngestConfig convert(JsonNode tree) {
        try {
            return YAML.treeToValue(tree, IngestConfig.class);
        } catch (JsonMappingException e) {
            Throwable cause = e.getCause();
            String why = cause instanceof ConfigException ? cause.getMessage() : e.getOriginalMessage();
            throw new ConfigException("invalid configuration at '" + path(e) + "': " + why);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("invalid configuration: " + e.getMessage());
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

    static IngestConfig validate(IngestConfig c) {
        List<String> problems = new ArrayList<>();
        KafkaConfig k = c.kafka();
        if (k.bootstrapServers() == null || k.bootstrapServers().isBlank()) {
            problems.add("kafka.bootstrapServers (or KAFKA_BOOTSTRAP_SERVERS) is required");
        }
        if (k.applicationId() == null || k.applicationId().isBlank() || k.stateDir() == null
                || k.stateDir().isBlank()) {
            problems.add("kafka.applicationId and kafka.stateDir are required");
        }
        if (k.threads() < 1 || k.partitions() < 1 || k.replicationFactor() < 1) {
            problems.add("kafka.threads, kafka.partitions and kafka.replicationFactor must be >= 1");
        }
        List<String> topics = new ArrayList<>();
        for (String t : new String[] {c.topics().in(), c.topics().ctl(), c.topics().engage(), c.topics().chat(),
                c.topics().mod(), c.topics().me(), c.topics().audit(), c.topics().dead()}) {
            topics.add(t == null ? "" : t);
        }
        if (topics.stream().anyMatch(String::isBlank) || new HashSet<>(topics).size() != topics.size()) {
            problems.add("topics.* must be set and all different");
        }
        EngageConfig e = c.engage();
        if (e.publishInterval().toMillis() < 10 || e.dedupWindow().toSeconds() < 1
                || e.purgeInterval().toSeconds() < 1 || e.dedupMaxEntries() < 1000) {
            problems.add("engage: publishInterval >= 10ms, dedupWindow >= 1s, purgeInterval >= 1s,"
                    + " dedupMaxEntries >= 1000");
        }
        if (e.blockedWords() == null || e.blockedWords().stream().anyMatch(w -> w == null || w.isBlank())) {
            problems.add("engage.blockedWords must be a list of words");
        }
        Limits l = e.limits();
        if (l.commandBytes() < 256 || l.textChars() < 1 || l.questionChars() < 1 || l.chatChars() < 1
                || l.options() < 2 || l.quizQuestions() < 1 || l.activities() < 1 || l.qaQuestions() < 1
                || l.rooms() < 1 || l.participants() < 1 || l.wordsPerEntry() < 1 || l.reactionsPerWindow() < 1
                || l.reactionWindowMs() < 1) {
            problems.add("engage.limits: every limit must be positive (commandBytes >= 256, options >= 2)");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException("invalid configuration: " + String.join("; ", problems));
        }
        return c;
    }

    private static ObjectNode resource(String name) {
        try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(name)) {
            return (ObjectNode) YAML.readTree(in);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("cannot read bundled " + name + ": " + e.getMessage());
        }
    }

    private static JsonNode readFile(Path file) {
        try {
            JsonNode node = YAML.readTree(Files.readAllBytes(file));
            if (node == null || node.isMissingNode() || node.isNull()) {
                return YAML.createObjectNode();
            }
            if (!node.isObject()) {
                throw new ConfigException("config file " + file + " must hold a YAML mapping");
            }
            return node;
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
    }

    /** Deep merge: mappings merge key by key, anything else replaces. */
    static void merge(ObjectNode target, JsonNode overlay) {
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

    /** Every leaf can be set by its variable; a list takes a comma-separated value. */
    private static void applyEnv(ObjectNode node, String prefix, Map<String, String> env) {
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

    static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('-', '_').toUpperCase(Locale.ROOT);
    }
}
