package io.chorus.client.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.client.ChorusClient;
import io.chorus.client.SubscribeOptions;
import io.chorus.client.Subscription;
import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code chorus-tail --url ws://HOST:PORT/v1/ws --channel NAME [--since POS | --rewind N] [--count N]}:
 * subscribes with the Java client and prints every message as one JSON line on stdout (after a
 * {@code {"type":"ready",...}} line), until {@code --count} messages arrived or stdin closes.
 */
public final class Tail {

    private Tail() {
    }

    public static void main(String[] args) throws Exception {
        String url = null;
        String channel = null;
        SubscribeOptions options = SubscribeOptions.live();
        long count = Long.MAX_VALUE;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--url" -> url = args[i + 1];
                case "--channel" -> channel = args[i + 1];
                case "--since" -> options = SubscribeOptions.since(args[i + 1]);
                case "--rewind" -> options = SubscribeOptions.rewind(Integer.parseInt(args[i + 1]));
                case "--count" -> count = Long.parseLong(args[i + 1]);
                default -> usage();
            }
        }
        if (url == null || channel == null || args.length % 2 != 0) {
            usage();
        }
        ObjectMapper json = new ObjectMapper();
        CountDownLatch done = new CountDownLatch(1);
        long wanted = count;
        long[] seen = {0};
        try (ChorusClient client = ChorusClient.builder(URI.create(url)).build()) {
            Subscription sub = client.subscribe(channel, options, m -> {
                ObjectNode line = json.createObjectNode().put("type", "message").put("channel", m.channel())
                        .put("position", m.position()).put("id", m.id()).put("name", m.name());
                line.set("data", m.data());
                System.out.println(line);
                System.out.flush();
                if (++seen[0] >= wanted) {
                    done.countDown();
                }
            });
            client.connect().get(30, TimeUnit.SECONDS);
            var ready = sub.ready().get(30, TimeUnit.SECONDS);
            System.out.println(json.createObjectNode().put("type", "ready").put("position", ready.position()));
            System.out.flush();
            Thread stdin = new Thread(() -> {
                try {
                    while (System.in.read() >= 0) {
                        // drain; end of input ends the tail
                    }
                } catch (java.io.IOException e) {
                    // treat as end of input
                }
                done.countDown();
            }, "tail-stdin");
            stdin.setDaemon(true);
            stdin.start();
            done.await();
        }
    }

    private static void usage() {
        System.err.println("usage: chorus-tail --url ws://HOST:PORT/v1/ws --channel NAME"
                + " [--since POSITION | --rewind N] [--count N]");
        System.exit(2);
    }
}
