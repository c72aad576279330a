package io.chorus.gateway;

import io.chorus.gateway.config.ConfigException;
import io.chorus.gateway.config.ConfigLoader;
import io.chorus.gateway.config.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code serve [--config FILE]}: production, Kafka from {@code KAFKA_BOOTSTRAP_SERVERS}.
 * {@code dev [--config FILE]}: the gateway alone with the dev config, on the broker that
 * {@code KAFKA_BOOTSTRAP_SERVERS} names (e.g. one {@code ./chorus kafka} runs); this jar holds no
 * broker, so without one it points at {@code ./chorus dev} (chorus-dev.jar: broker, gateway, ingest,
 * demo). {@code kafka} moved to chorus-dev.jar too and answers where it went.
 * {@code chorus token SUB [--ttl DURATION] [--caps JSON]}: prints an HS256 token signed with
 * {@code auth.hmacSecret} (dev mode has a known one); default capabilities: everything on every channel.
 * The config file defaults to {@code ./chorus.yaml} when it exists.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length > 0 && args[0].equals("token")) {
            System.exit(token(args));
        }
        if (args.length == 0 || !(args[0].equals("dev") || args[0].equals("serve") || args[0].equals("kafka"))) {
            System.err.println("usage: chorus dev|serve|kafka [--config chorus.yaml]  |  chorus token SUB"
                    + " [--ttl 1h] [--caps '{\"chat:*\":[\"subscribe\"]}']");
            System.exit(2);
        }
        Path file = Files.exists(Path.of("chorus.yaml")) ? Path.of("chorus.yaml") : null;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                file = Path.of(args[++i]);
            } else {
                System.err.println("unknown argument: " + args[i]);
                System.exit(2);
            }
        }
        GatewayConfig config;
        try {
            config = ConfigLoader.load(!args[0].equals("serve"), file, System.getenv());
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (args[0].equals("kafka")) {
            System.err.println("the gateway jar has no Kafka broker: run `./chorus kafka`"
                    + " (java -jar dev/target/chorus-dev.jar kafka)");
            System.exit(2);
        }
        if (config.kafka().embeddedBroker()) {
            System.err.println("the gateway jar has no Kafka broker: run `./chorus dev` (broker, gateway, ingest and"
                    + " demo in one process), or set KAFKA_BOOTSTRAP_SERVERS (e.g. to a `./chorus kafka` broker)");
            System.exit(2);
        }
        Gateway gateway = Gateway.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.drainAndClose(config.drain().deadline());
            stopped.countDown();
        }, "chorus-shutdown"));
        System.out.println("Chorus is running: http://localhost:" + gateway.port() + "  (Kafka "
                + gateway.bootstrapServers() + "; Ctrl-C stops)");
        stopped.await();
    }

    /** {@code chorus token}: the secret from the dev config (or chorus.yaml / CHORUS_AUTH_HMAC_SECRET). */
    private static int token(String[] args) {
        if (args.length < 2 || args[1].startsWith("--")) {
            System.err.println("usage: chorus token SUB [--ttl 1h] [--caps JSON]");
            return 2;
        }
        java.time.Duration ttl = java.time.Duration.ofHours(1);
        String caps = "{\"*\":[\"subscribe\",\"publish\",\"presence\",\"history\"]}";
        for (int i = 2; i < args.length; i++) {
            if (args[i].equals("--ttl") && i + 1 < args.length) {
                ttl = java.time.Duration.parse("PT" + args[++i].toUpperCase(java.util.Locale.ROOT));
            } else if (args[i].equals("--caps") && i + 1 < args.length) {
                caps = args[++i];
            } else {
                System.err.println("unknown argument: " + args[i]);
                return 2;
            }
        }
        try {
            Path file = Files.exists(Path.of("chorus.yaml")) ? Path.of("chorus.yaml") : null;
            GatewayConfig config = ConfigLoader.load(true, file, System.getenv());
            var capabilities = new com.fasterxml.jackson.databind.ObjectMapper().readTree(caps);
            io.chorus.gateway.auth.Capabilities.of(new com.fasterxml.jackson.databind.ObjectMapper()
                    .convertValue(capabilities, new com.fasterxml.jackson.core.type.TypeReference<
                            java.util.Map<String, java.util.List<String>>>() { }));
            System.out.println(io.chorus.gateway.auth.TokenIssuer.hs256(config.auth().hmacSecret(), args[1], ttl,
                    capabilities, java.time.Instant.now()));
            return 0;
        } catch (ConfigException | IllegalArgumentException | java.time.format.DateTimeParseException
                 | com.fasterxml.jackson.core.JsonProcessingException e) {
            System.err.println("cannot issue a token: " + e.getMessage());
            return 2;
        }
    }
}
