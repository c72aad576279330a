package io.chorus.bench;

import io.chorus.bench.load.Worker;
import io.chorus.bench.report.Report;
import io.chorus.bench.scenario.IdleMemory;
import io.chorus.bench.scenario.ResumeStorm;
import io.chorus.bench.scenario.Sweep;
import java.nio.file.Path;

/**
 * {@code java -jar chorus-bench.jar SCENARIO --target chorus|socketio|nchan [options]}; run.sh starts
 * the servers and passes their ports and process ids. See BENCHMARKS.md for every option.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: chorus-bench fanout|channels|sse|idle|resume|votes|reactions --target chorus|socketio|nchan "
                    + "[--subscribers N] [--payload BYTES] [--rates R1,R2,…] [--pid name=PID …] [--out FILE]");
            System.exit(2);
        }
        if (args[0].equals("worker")) {
            Worker.main();
            return;
        }
        BenchOptions o = new BenchOptions(args, 1);
        Report report = switch (args[0]) {
            case "fanout" -> Sweep.run("fanout", o, "ws", 1000, 1, "bench:fanout-");
            case "channels" -> Sweep.run("channels", o, "ws", 10_000, 1000, "bench:ch-");
            case "sse" -> Sweep.run("sse", o, "sse", 1000, 1, "bench:sse-");
            case "idle" -> IdleMemory.run(o);
            case "resume" -> ResumeStorm.run(o);
            case "votes" -> io.chorus.bench.scenario.VoteStorm.run(o);
            case "reactions" -> io.chorus.bench.scenario.ReactionStorm.run(o);
            default -> throw new IllegalArgumentException("unknown scenario " + args[0]);
        };
        Path out = Path.of(o.str("out", "results/" + args[0] + "-" + report.get("target") + ".json"));
        report.put("options", o.used());
        if (!o.unread().isEmpty()) {
            report.put("unknownOptions", o.unread());
            System.err.println("unknown options (ignored): " + o.unread());
        }
        report.write(out);
        System.out.println("wrote " + out.toAbsolutePath());
        System.exit(report.get("error") == null ? 0 : 1);
    }
}
