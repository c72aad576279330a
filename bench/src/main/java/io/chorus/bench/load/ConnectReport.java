package io.chorus.bench.load;

/** How opening the connections went: how many became fully subscribed, and how long it took. */
public record ConnectReport(int ready, int failed, long millis) {

    public ConnectReport plus(ConnectReport o) {
        return new ConnectReport(ready + o.ready, failed + o.failed, Math.max(millis, o.millis));
    }
}
