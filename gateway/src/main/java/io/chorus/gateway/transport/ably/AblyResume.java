package io.chorus.gateway.transport.ably;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.LoggerFactory;

/**
 * Connection keys (CD2b) that any pod can check without shared state, so that {@code resume} (RTN15c)
 * and {@code recover} (RTN16) keep the connection id on whatever pod the SDK reaches. A key is
 * {@code <connectionId>!<issued, epoch milliseconds in base 36>!<mac>}, the mac an HMAC-SHA256 (first 16 bytes,
 * base64url) with {@code ably.connectionKeySecret} over the connection id, the issue time, and the Ably
 * key name and clientId the connection authenticated with: a key is only good for the credentials and
 * client that got it, and nobody without the secret can make one.
 *
 * <p>Why no state is needed: a Chorus connection has nothing to hand over. Channels continue from the
 * channelSerial the SDK sends back when it reattaches (a Kafka position), and the publishes it resends
 * keep their ids ({@code connectionId:msgSerial:index}) because the connection id is the same, so the
 * gateway's keyed dedup answers each once. The key's age is bounded by {@code ably.connectionKeyMaxAge}
 * counted from its issue (every connect and resume issues a new one); the time since the disconnection is
 * bounded by the SDK itself, which stops resuming after {@code connectionStateTtl} (RTN15g). Thread-safe.
 */
final class AblyResume {

    /** The outcome of checking a presented key; {@code connectionId} is set when it resumes. */
    record Verdict(String connectionId, AblyError error) {
        boolean resumed() {
            return error == null;
        }
    }

    private static final int MAC_BYTES = 16;
    private static final int MAX_KEY_CHARS = 256;
    /** Below this an issue time is in epoch seconds (keys issued before they counted milliseconds): year 5138. */
    private static final long SECONDS_BEFORE = 100_000_000_000L;
    /** A key issued this far in the future (clock skew between pods) still counts. */
    private static final long SKEW_SECONDS = 60;
    /** With no configured secret: one per process, so only this process resumes its connections. */
    private static final byte[] PROCESS_SECRET = randomSecret();
    private static final java.util.concurrent.atomic.AtomicBoolean WARNED = new java.util.concurrent.atomic.AtomicBoolean();

    private final SecretKeySpec secret;
    private final Duration maxAge;
    private final Clock clock;

    AblyResume(String secret, Duration maxAge, Clock clock) {
        boolean random = secret == null || secret.isEmpty();
        if (random && !WARNED.getAndSet(true)) {
            LoggerFactory.getLogger(AblyResume.class).info("ably.connectionKeySecret is not set: an Ably connection"
                    + " resumes only on the process that opened it (elsewhere it gets a new connection, 80018)");
        }
        byte[] bytes = random ? PROCESS_SECRET : secret.getBytes(StandardCharsets.UTF_8);
        this.secret = new SecretKeySpec(bytes, "HmacSHA256");
        this.maxAge = maxAge;
        this.clock = clock;
    }

    /** The key for a connection that just connected or resumed. */
    String issue(String connectionId, String keyName, String clientId) {
        // Milliseconds, so that a connect and the resume after it never get the same key.
        String issued = Long.toString(clock.millis(), 36);
        return connectionId + '!' + issued + '!' + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac(connectionId, issued, keyName, clientId));
    }

    /**
     * Checks a presented key against the credentials of the new connection: 80018 when it is not one of
     * ours for them (malformed, forged, another secret, another key or clientId), 80008 when too old.
     */
    Verdict verify(String key, String keyName, String clientId) {
        String[] parts = key.length() > MAX_KEY_CHARS ? new String[0] : key.split("!", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[1].length() > 13) {
            return invalid("the connection key is not one this service issued");
        }
        byte[] presented;
        long issued;
        try {
            presented = Base64.getUrlDecoder().decode(parts[2]);
            issued = Long.parseLong(parts[1], 36);
        } catch (IllegalArgumentException e) {
            return invalid("the connection key is not one this service issued");
        }
        if (!MessageDigest.isEqual(presented, mac(parts[0], parts[1], keyName, clientId))) {
            return invalid("the connection key was not issued to these credentials and clientId, or by this service");
        }
        if (issued < SECONDS_BEFORE) {
            issued *= 1000; // issued in epoch seconds, before keys counted milliseconds (a rolling upgrade)
        }
        long now = clock.millis();
        if (issued > now + SKEW_SECONDS * 1000) {
            return invalid("the connection key was issued in the future");
        }
        if (now - issued > maxAge.toMillis()) {
            return new Verdict(null, AblyError.of(AblyCode.CONNECTION_EXPIRED, "the connection key is older than "
                    + maxAge + ": this is a new connection; channels reattach from their channelSerial"));
        }
        return new Verdict(parts[0], null);
    }

    private static Verdict invalid(String why) {
        return new Verdict(null, AblyError.of(AblyCode.INVALID_CONNECTION_KEY, why
                + ": this is a new connection; channels reattach from their channelSerial"));
    }

    private byte[] mac(String connectionId, String issued, String keyName, String clientId) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(secret);
            String input = "chorus-ably-connection-key\n" + connectionId + '\n' + issued + '\n' + keyName + '\n'
                    + (clientId == null ? "" : clientId);
            return Arrays.copyOf(m.doFinal(input.getBytes(StandardCharsets.UTF_8)), MAC_BYTES);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JRE", e);
        }
    }

    private static byte[] randomSecret() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return b;
    }
}
