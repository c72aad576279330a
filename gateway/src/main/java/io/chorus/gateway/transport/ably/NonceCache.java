package io.chorus.gateway.transport.ably;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The TokenRequest nonces a pod has seen, each kept until its request's timestamp window closes (after
 * that the timestamp check refuses the request anyway). Bounded by {@code ably.tokens.maxNonces}: when
 * full of live nonces, new TokenRequests are refused (42910) rather than an old nonce forgotten, which
 * would let its request be replayed. Only key holders can sign a TokenRequest, so only they can fill it.
 * Pod-wide, used from every event loop: synchronized, and nothing is done under the lock but map work.
 */
final class NonceCache {

    enum Outcome { NEW, REPLAYED, FULL }

    private final int max;
    /** Nonce to the time it may be forgotten; insertion order, which is roughly that time's order. */
    private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>();

    NonceCache(int max) {
        this.max = max;
    }

    synchronized Outcome add(String nonce, long forgetAt, long now) {
        Iterator<Map.Entry<String, Long>> it = seen.entrySet().iterator();
        while (it.hasNext()) {
            if (it.next().getValue() > now) {
                break;
            }
            it.remove();
        }
        Long known = seen.get(nonce);
        if (known != null && known > now) {
            return Outcome.REPLAYED;
        }
        if (seen.size() >= max) {
            return Outcome.FULL;
        }
        seen.put(nonce, forgetAt);
        return Outcome.NEW;
    }

    synchronized int size() {
        return seen.size();
    }
}
