package io.chorus.dev;

import io.chorus.gateway.config.ConfigException;
import io.chorus.gateway.config.ConfigLoader;
import io.chorus.gateway.config.GatewayConfig;
import io.chorus.kafka.embedded.EmbeddedKafka;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code chorus-dev.jar dev [--config chorus.yaml] [--demo DIR]}: the embedded broker (data under
 * {@code ./data}), ingest, and the gateway on :8080 with the join API at {@code /engage/*} and the demo
 * app at {@code /}. {@code chorus-dev.jar kafka [--config chorus.yaml]}: the embedded broker alone
 * (127.0.0.1:9092), for a gateway or ingest run as other processes. Both read the gateway's dev
 * config (chorus-dev.yaml over the defaults), then chorus.yaml, then the environment.
 */
public final class DevMain {

    private DevMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length == 0 || !(args[0].equals("dev") || args[0].equals("kafka"))) {
            System.err.println("usage: chorus-dev dev [--config chorus.yaml] [--demo DIR]"
                    + "  |  chorus-dev kafka [--config chorus.yaml]");
            System.exit(2);
        }
        DevOptions options;
        GatewayConfig config;
        try {
            options = DevOptions.parse(args, 1, System.getenv());
            config = ConfigLoader.load(true, options.configFile(), System.getenv());
        } catch (ConfigException | IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        AutoCloseable running;
        String banner;
        if (args[0].equals("kafka")) {
            var e = config.kafka().embedded();
            EmbeddedKafka broker = EmbeddedKafka.start(Path.of(e.dataDir()), e.port(), e.controllerPort());
            running = broker;
            // The port answers before the broker takes writes; a client started on "running" (a
            // standalone ingest creating its topics) would be refused "brokers fenced" and stop.
            if (!BrokerReadiness.awaitWritable(broker.bootstrapServers(), BrokerReadiness.MAX_WAIT)) {
                System.err.println("the embedded broker did not take writes within " + BrokerReadiness.MAX_WAIT);
                broker.close();
                System.exit(1);
                return;
            }
            banner = "Kafka is running: " + broker.bootstrapServers() + " (data in " + e.dataDir() + "; Ctrl-C stops)";
        } else {
            DevMode dev = DevMode.start(config, options);
            running = dev;
            banner = "Chorus dev is running: http://localhost:" + dev.port() + "/  (demo " + options.demoDir()
                    + ", join API /engage, Kafka " + dev.bootstrapServers() + "; Ctrl-C stops)";
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                running.close();
            } catch (Exception e) {
                System.err.println("stopping: " + e);
            }
            stopped.countDown();
        }, "chorus-dev-shutdown"));
        System.out.println(banner);
        stopped.await();
    }
}
