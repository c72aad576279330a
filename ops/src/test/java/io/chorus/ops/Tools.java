package io.chorus.ops;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The external tools the ops tests run, and the repository they check. A missing tool skips the test
 * on a developer's machine, with a message saying how to get it; in CI ({@code CI} set) it fails.
 */
final class Tools {

    private Tools() {
    }

    /** The repository root: surefire runs in gateway/. */
    static Path repo() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("helm/chorus")) && Files.isDirectory(p.resolve("grafana"))) {
                return p;
            }
        }
        throw new IllegalStateException("no repository root with helm/ and grafana/ above " + here);
    }

    /** helm: $CHORUS_HELM, then .ci/tools/helm/helm (what .ci/run installs), then helm on the PATH. */
    static Path helm() {
        String env = System.getenv("CHORUS_HELM");
        List<Path> candidates = new ArrayList<>();
        if (env != null && !env.isBlank()) {
            candidates.add(Path.of(env));
        }
        candidates.add(repo().resolve(".ci/tools/helm/helm"));
        return find("helm", candidates, "run .ci/run once (it unpacks helm 4 into .ci/tools) or set CHORUS_HELM");
    }

    static Path prometheus() {
        return find("prometheus", List.of(), "install the Debian package prometheus (.ci/run does)");
    }

    static Path promtool() {
        return find("promtool", List.of(), "install the Debian package prometheus (.ci/run does)");
    }

    private static Path find(String name, List<Path> candidates, String how) {
        List<Path> all = new ArrayList<>(candidates);
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty()) {
                all.add(Path.of(dir, name));
            }
        }
        for (Path p : all) {
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        String message = name + " not found: " + how;
        if (System.getenv("CI") != null) {
            fail(message + " (CI is set, so this test may not skip)");
        }
        Assumptions.abort(message + "; skipping outside CI");
        return null;
    }

    /** The outcome of a finished process. */
    record Run(int exit, String out, String err) {
        String both() {
            return out + err;
        }
    }

    /** Runs a command to completion (at most two minutes), capturing both streams. */
    static Run run(Path dir, List<String> command) {
        try {
            Path out = Files.createTempFile("ops-out", ".txt");
            Path err = Files.createTempFile("ops-err", ".txt");
            Process p = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                fail("timed out: " + command);
            }
            Run r = new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return r;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
