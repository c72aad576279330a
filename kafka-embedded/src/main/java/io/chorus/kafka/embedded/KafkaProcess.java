package io.chorus.kafka.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A Kafka node in a child JVM ({@link KafkaNodeMain}) on this JVM's class path, so that a test can
 * SIGKILL it for real ({@link #kill}) and start it again on the same directory. Its output goes to
 * {@code <dataDir>.log}, appended across restarts, where tests read what the node logged.
 */
public final class KafkaProcess implements AutoCloseable {

    private final KafkaNodeConfig node;
    private final List<String> jvmOptions;
    private final Path log;
    private Process process;

    private KafkaProcess(KafkaNodeConfig node, List<String> jvmOptions) {
        this.node = node;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.log = node.dataDir().resolveSibling(node.dataDir().getFileName() + ".log");
    }

    /** Launches the node without waiting; {@link #awaitReady} waits. */
    public static KafkaProcess launch(KafkaNodeConfig node, List<String> jvmOptions) {
        KafkaProcess p = new KafkaProcess(node, jvmOptions);
        p.launch();
        return p;
    }

    private void launch() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // A small heap and the serial collector: several nodes share a small test machine.
        cmd.add("-Xmx384m");
        cmd.add("-XX:+UseSerialGC");
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(KafkaNodeMain.class.getName());
        cmd.addAll(List.of(KafkaNodeMain.args(node)));
        try {
            Files.createDirectories(node.dataDir().getParent());
            Files.writeString(log, "--- launch\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot launch Kafka node " + node.nodeId(), e);
        }
    }

    /** Waits until this launch printed its ready line; fails if the process exits or time runs out. */
    public KafkaProcess awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!launchOutput().contains(KafkaNodeMain.READY)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Kafka node " + node.nodeId() + " exited with " + process.exitValue()
                        + "; its log: " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Kafka node " + node.nodeId() + " not ready after " + timeout
                        + "; its log: " + log);
            }
            // The poll interval of the check, not a wait for time to pass.
            LockSupport.parkNanos(20_000_000);
        }
        return this;
    }

    /** What the current launch printed so far (the log after its last launch marker). */
    public String launchOutput() {
        try {
            String all = Files.readString(log, StandardCharsets.UTF_8);
            return all.substring(all.lastIndexOf("--- launch\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL: no shutdown hook, no controlled shutdown, the registration left as it was. */
    public void kill() {
        process.destroyForcibly();
        waitForExit();
    }

    /** SIGTERM: a controlled shutdown. */
    public void stop() {
        process.destroy();
        waitForExit();
    }

    /** Starts the node again on the same directory and ports. */
    public KafkaProcess restart() {
        if (process.isAlive()) {
            throw new IllegalStateException("Kafka node " + node.nodeId() + " is still running");
        }
        launch();
        return this;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public KafkaNodeConfig node() {
        return node;
    }

    public Path log() {
        return log;
    }

    private void waitForExit() {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            stop();
        }
    }
}
