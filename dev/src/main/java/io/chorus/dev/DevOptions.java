package io.chorus.dev;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The launcher's own options (the gateway's are its config file): {@code configFile} is the
 * operator's chorus.yaml or null; {@code demoDir} the directory served at {@code /}: {@code --demo DIR},
 * else {@code CHORUS_DEV_DEMO_DIR}, else {@code demo/} of the checkout this launcher was built in,
 * else {@code ./demo}.
 */
public record DevOptions(Path configFile, Path demoDir) {

    static final String DEMO_ENV = "CHORUS_DEV_DEMO_DIR";

    /** Parses {@code [--config FILE] [--demo DIR]}; throws IllegalArgumentException naming a bad argument. */
    static DevOptions parse(String[] args, int from, Map<String, String> env) {
        Path config = Files.exists(Path.of("chorus.yaml")) ? Path.of("chorus.yaml") : null;
        Path demo = env.containsKey(DEMO_ENV) && !env.get(DEMO_ENV).isBlank() ? Path.of(env.get(DEMO_ENV)) : null;
        for (int i = from; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                config = Path.of(args[++i]);
            } else if (args[i].equals("--demo") && i + 1 < args.length) {
                demo = Path.of(args[++i]);
            } else {
                throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        return new DevOptions(config, (demo != null ? demo : defaultDemoDir()).toAbsolutePath().normalize());
    }

    /**
     * {@code demo/} beside this module in the checkout (the jar is {@code <repo>/dev/target/chorus-dev.jar},
     * the classes {@code <repo>/dev/target/classes}), so {@code ./chorus dev} serves it from any
     * working directory; {@code ./demo} when the launcher runs from elsewhere.
     */
    private static Path defaultDemoDir() {
        try {
            Path code = Path.of(DevOptions.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path target = code.getParent();
            if (target != null && target.getParent() != null && target.getParent().getParent() != null) {
                Path demo = target.getParent().getParent().resolve("demo");
                if (Files.isDirectory(demo)) {
                    return demo;
                }
            }
        } catch (URISyntaxException | SecurityException | NullPointerException | IllegalArgumentException e) {
            // No code source location: fall back to the working directory.
        }
        return Path.of("demo");
    }
}
