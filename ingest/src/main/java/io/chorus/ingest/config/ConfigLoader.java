package io.chorus.ingest.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.engage.Limits;
import io.chorus.schema.config.YamlLayers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;


/**
 * Loads the configuration in layers, like the gateway's: the bundled {@code ingest-defaults.yaml}, the
 * operator's YAML file, then environment variables ({@code CHORUS_INGEST_<PATH>} in upper snake case,
 * and {@code KAFKA_BOOTSTRAP_SERVERS}). Unknown keys and bad values fail start-up with a message naming
 * the key.
 */
public final class ConfigLoader {

    static final String ENV_PREFIX = "CHORUS_INGEST";
    /** Half of Streams' transaction timeout under exactly-once (10 s): a transaction outliving it is aborted. */
    static final long MAX_INTERVAL_BEHIND_MS = 5_000;

    private static final YamlLayers YAML = new YamlLayers(true, ConfigException.class, ConfigException::new);

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
        ObjectNode keys = YAML.emptyTree();
        for (String name : ApiKeys.NAMES) {
            if (engage != null && engage.has(name)) {
                keys.set(name, engage.get(name));
            }
        }
        return YAML.convert(keys, ApiKeys.class, "engage.");
    }

    private static ObjectNode layers(Path file, Map<String, String> env) {
        ObjectNode tree = YAML.resource(ConfigLoader.class, "ingest-defaults.yaml");
        if (file != null) {
            YamlLayers.merge(tree, YAML.readFile(file));
        }
        YamlLayers.applyEnv(tree, ENV_PREFIX, env);
        String bootstrap = env.get("KAFKA_BOOTSTRAP_SERVERS");
        if (bootstrap != null && !bootstrap.isBlank()) {
            ((ObjectNode) tree.get("kafka")).put("bootstrapServers", bootstrap);
        }
        return tree;
    }

    static IngestConfig convert(JsonNode tree) {
        return YAML.convert(tree, IngestConfig.class, "");
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
        CommitConfig commit = k.commit();
        if (commit.interval().toMillis() < 10 || commit.intervalBehind().compareTo(commit.interval()) < 0
                || commit.intervalBehind().toMillis() > MAX_INTERVAL_BEHIND_MS || commit.behindRecords() < 1) {
            problems.add("kafka.commit: interval >= 10ms, intervalBehind between interval and 5s (a transaction"
                    + " open longer than Streams' 10 s transaction.timeout.ms is aborted), behindRecords >= 1");
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
}
