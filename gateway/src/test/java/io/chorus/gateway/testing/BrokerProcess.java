package io.chorus.gateway.testing;

import io.chorus.kafka.embedded.EmbeddedKafka;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The embedded broker in a process of its own, so a test can kill it (SIGKILL) and start it again on
 * the same data. The gateway jar has no broker any more; this runs the test class path's.
 */
public final class BrokerProcess {

    private static final String READY = "Kafka is running";

    private BrokerProcess() {
    }

    /** Starts the broker on {@code dir} and the given ports; returns once it serves. */
    public static Process start(Path dir, int port, int controller) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), BrokerProcess.class.getName(), dir.toString(),
                String.valueOf(port), String.valueOf(controller)).redirectErrorStream(true);
        Process p = pb.start();
        CompletableFuture<Void> up = new CompletableFuture<>();
        java.util.ArrayDeque<String> last = new java.util.ArrayDeque<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith(READY)) {
                        up.complete(null);
                    }
                    if (!up.isDone()) {
                        last.addLast(line);
                        if (last.size() > 15) {
                            last.removeFirst();
                        }
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
            up.completeExceptionally(new IllegalStateException("broker exited: " + String.join("\n", last)));
        });
        reader.setDaemon(true);
        reader.start();
        up.get(90, TimeUnit.SECONDS);
        return p;
    }

    public static void main(String[] args) throws Exception {
        EmbeddedKafka broker = EmbeddedKafka.start(Path.of(args[0]), Integer.parseInt(args[1]),
                Integer.parseInt(args[2]));
        System.out.println(READY + ": " + broker.bootstrapServers());
        new CountDownLatch(1).await();
    }
}
