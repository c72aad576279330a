package io.chorus.gateway.feed;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A message id within its channel, as 128 bits of SHA-256 over the key bytes and the id. A digest
 * rather than the strings keeps an index entry small; a cryptographic one so that no client can craft
 * an id that collides with another's and have that message dropped as a repeat.
 */
public record IdKey(long high, long low) {

    private static final ThreadLocal<MessageDigest> SHA = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    });

    /** {@code key}: the record key (the channel, UTF-8); {@code id}: the chorus-id header's bytes. */
    public static IdKey of(byte[] key, byte[] id) {
        MessageDigest d = SHA.get();
        d.reset();
        // The key's length first: "a" + "bc" and "ab" + "c" must not be the same input.
        d.update(ByteBuffer.allocate(4).putInt(key.length).array());
        d.update(key);
        d.update(id);
        ByteBuffer h = ByteBuffer.wrap(d.digest());
        return new IdKey(h.getLong(), h.getLong());
    }

    public static IdKey of(byte[] key, String id) {
        return of(key, id.getBytes(StandardCharsets.UTF_8));
    }
}
