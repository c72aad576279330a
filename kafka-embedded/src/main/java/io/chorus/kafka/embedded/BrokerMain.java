package io.chorus.kafka.embedded;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The embedded broker alone in a process of its own, for tests that kill it with SIGKILL and start it
 * again: {@code java -cp ... io.chorus.kafka.embedded.BrokerMain DATA_DIR PORT CONTROLLER_PORT}. Prints
 * {@code Kafka is running: HOST:PORT} once it serves; SIGTERM stops it cleanly.
 */
public final class BrokerMain {

    private BrokerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 3) {
            System.err.println("usage: BrokerMain DATA_DIR PORT CONTROLLER_PORT");
            System.exit(2);
        }
        EmbeddedKafka broker = EmbeddedKafka.start(Path.of(args[0]), Integer.parseInt(args[1]),
                Integer.parseInt(args[2]));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "broker-shutdown"));
        System.out.println("Kafka is running: " + broker.bootstrapServers());
        stopped.await();
    }
}
