package io.chorus.gateway.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Command-line tools some tests drive (kcat, nghttp). CI installs them (.ci/run). */
public final class Tools {

    private Tools() {
    }

    /** True when {@code name} is an executable on the PATH. */
    public static boolean onPath(String name) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin");
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, name))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Skips the test when {@code name} is missing, saying which Debian package has it and what needs it;
     * under CI (the {@code CI} variable set), where .ci/run installs it, the test runs and fails instead.
     */
    public static void assumeInstalled(String name, String debianPackage, String neededFor) {
        assumeTrue(onPath(name) || System.getenv("CI") != null,
                name + " is not installed (Debian package " + debianPackage + "): " + neededFor);
    }
}
