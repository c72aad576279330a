package io.chorus.gateway.transport.ably;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The Ably adapter's own events; the session's (connections, deliveries, publishes, errors) are counted
 * as for every transport, with {@code transport="ably"}. Tags take enumerated values only.
 */
final class AblyMetrics {

    private final MeterRegistry registry;

    AblyMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A ProtocolMessage from a client, by action (TR2; unknown actions as "other"). */
    void frameIn(int action) {
        String a = action >= 0 && action <= AblyProtocol.ANNOTATION ? Integer.toString(action) : "other";
        Counter.builder("chorus_ably_frames_in").description("Ably ProtocolMessages received, by action")
                .tag("action", a).register(registry).increment();
    }

    /** An Ably error sent to a client (NACK, channel error, connection error), by Ably code. */
    void error(AblyCode code) {
        Counter.builder("chorus_ably_errors").description("Ably errors sent to clients, by Ably error code")
                .tag("code", Integer.toString(code.code())).register(registry).increment();
    }

    /** A connection request refused before the session opened (bad parameters or key), by Ably code. */
    void refused(AblyCode code) {
        Counter.builder("chorus_ably_connections_refused").description("Ably connection requests refused")
                .tag("code", Integer.toString(code.code())).register(registry).increment();
    }

    /** A presence request of a client (enter, update, leave) handed to the session, by action. */
    void presence(String action) {
        Counter.builder("chorus_ably_presence").description("Ably presence requests handed to the session, by action")
                .tag("action", action).register(registry).increment();
    }

    /** A member list sent as SYNC (on attach, or when a channel crossed presence.maxMembers). */
    void sync() {
        Counter.builder("chorus_ably_presence_syncs").description("Ably presence SYNC sequences sent")
                .register(registry).increment();
    }

    /** A channel reattached after a connection resume without RESUMED, so that the SDK re-enters its members. */
    void presenceReentry() {
        Counter.builder("chorus_ably_presence_reentries")
                .description("Ably channels reattached after a connection resume without RESUMED (the SDK re-enters its members)")
                .register(registry).increment();
    }

    /** A {@code resume} or {@code recover} key checked: resumed, or refused by Ably code (80018, 80008). */
    void resume(AblyResume.Verdict verdict) {
        Counter.builder("chorus_ably_resumes").description("Ably resume/recover attempts, by outcome")
                .tag("outcome", verdict.resumed() ? "resumed" : Integer.toString(verdict.error().code().code()))
                .register(registry).increment();
    }

    /** A connection that passed its checks and opened, by wire format ({@code json} or {@code msgpack}). */
    void opened(boolean msgpack) {
        Counter.builder("chorus_ably_connections_opened").description("Ably connections opened, by format")
                .tag("format", msgpack ? "msgpack" : "json").register(registry).increment();
    }
}
