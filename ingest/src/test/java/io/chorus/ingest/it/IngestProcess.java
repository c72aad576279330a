package io.chorus.ingest.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Ingest as a real OS process ({@code io.chorus.ingest.Main} on the test classpath), so it can die the
 * way a crashed pod dies: {@link #kill} sends SIGKILL (on Linux {@link Process#destroyForcibly} is
 * {@code kill(pid, SIGKILL)}; the exit status 137 = 128 + 9 proves it), with no shutdown hook, no
 * flush, no commit.
 */
final class IngestProcess implements AutoCloseable {

    private final Process process;

    private IngestProcess(Process process) {
        this.process = process;
    }

    static IngestProcess start(Path config, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "io.chorus.ingest.Main", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().remove("KAFKA_BOOTSTRAP_SERVERS");
        return new IngestProcess(pb.start());
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL, and proof that the process died of it. */
    void kill() throws InterruptedException {
        assertTrue(process.isAlive(), "ingest was running when killed");
        process.destroyForcibly();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "ingest died");
        assertEquals(137, process.exitValue(), "killed by signal 9 (SIGKILL)");
    }

    boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
