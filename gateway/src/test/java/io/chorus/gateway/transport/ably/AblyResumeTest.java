package io.chorus.gateway.transport.ably;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Connection keys: any pod with the secret resumes them; nothing else does. */
class AblyResumeTest {

    private static final String SECRET = "a-shared-secret-of-some-length";
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    private static AblyResume resume(String secret, Instant now) {
        return new AblyResume(secret, Duration.ofHours(1), Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void aKeyResumesItsConnectionOnAnyPodWithTheSameSecret() {
        String key = resume(SECRET, T0).issue("a-conn1", "app.key", "alice");
        AblyResume.Verdict v = resume(SECRET, T0.plusSeconds(30)).verify(key, "app.key", "alice");
        assertTrue(v.resumed());
        assertEquals("a-conn1", v.connectionId());
        assertTrue(key.startsWith("a-conn1!"));
        assertTrue(resume(SECRET, T0).verify(resume(SECRET, T0).issue("a-x", "app.key", null), "app.key", null)
                .resumed(), "an unidentified connection resumes too");
    }

    @Test
    void aResumeWithinTheSameSecondStillGetsANewKey() {
        String atConnect = resume(SECRET, T0).issue("a-conn1", "app.key", "alice");
        String atResume = resume(SECRET, T0.plusMillis(300)).issue("a-conn1", "app.key", "alice");
        assertNotEquals(atConnect, atResume);
        assertTrue(resume(SECRET, T0.plusMillis(600)).verify(atResume, "app.key", "alice").resumed());
    }

    @Test
    void aTamperedKeyIsInvalid() {
        String key = resume(SECRET, T0).issue("a-conn1", "app.key", "alice");
        String[] parts = key.split("!");
        String otherId = "a-conn2!" + parts[1] + "!" + parts[2];
        String otherTime = parts[0] + "!" + Long.toString(Long.parseLong(parts[1], 36) + 1, 36) + "!" + parts[2];
        char c = parts[2].charAt(0);
        String otherMac = parts[0] + "!" + parts[1] + "!" + (c == 'A' ? 'B' : 'A') + parts[2].substring(1);
        for (String bad : new String[] {otherId, otherTime, otherMac, "garbage", "a!b!c!d", "!!", key + "x",
                key.replace("!", "!!"), "x".repeat(300)}) {
            AblyResume.Verdict v = resume(SECRET, T0).verify(bad, "app.key", "alice");
            assertFalse(v.resumed(), bad);
            assertNull(v.connectionId());
            assertEquals(AblyCode.INVALID_CONNECTION_KEY, v.error().code(), bad);
        }
    }

    @Test
    void aKeyFromAnotherSecretOrForOtherCredentialsIsInvalid() {
        String key = resume(SECRET, T0).issue("a-conn1", "app.key", "alice");
        assertEquals(AblyCode.INVALID_CONNECTION_KEY,
                resume("another-secret-of-some-length", T0).verify(key, "app.key", "alice").error().code());
        assertEquals(AblyCode.INVALID_CONNECTION_KEY, resume(SECRET, T0).verify(key, "app.other", "alice").error().code());
        assertEquals(AblyCode.INVALID_CONNECTION_KEY, resume(SECRET, T0).verify(key, "app.key", "mallory").error().code());
        assertEquals(AblyCode.INVALID_CONNECTION_KEY, resume(SECRET, T0).verify(key, "app.key", null).error().code());
        assertEquals(AblyCode.INVALID_CONNECTION_KEY, resume("", T0).verify(key, "app.key", "alice").error().code(),
                "without a configured secret, a process's own random one");
    }

    @Test
    void aKeyOlderThanTheMaxAgeHasExpiredAndOneFromTheFutureIsInvalid() {
        String key = resume(SECRET, T0).issue("a-conn1", "app.key", "alice");
        assertTrue(resume(SECRET, T0.plus(Duration.ofHours(1))).verify(key, "app.key", "alice").resumed());
        AblyResume.Verdict old = resume(SECRET, T0.plus(Duration.ofHours(1)).plusSeconds(1)).verify(key, "app.key", "alice");
        assertEquals(AblyCode.CONNECTION_EXPIRED, old.error().code());
        assertEquals(80008, old.error().code().code());
        assertEquals(AblyCode.INVALID_CONNECTION_KEY,
                resume(SECRET, T0.minusSeconds(3600)).verify(key, "app.key", "alice").error().code());
    }

    @Test
    void everyIssueIsANewKeyForTheSameConnection() {
        String first = resume(SECRET, T0).issue("a-conn1", "app.key", "alice");
        String later = resume(SECRET, T0.plusSeconds(5)).issue("a-conn1", "app.key", "alice");
        assertNotEquals(first, later);
        assertEquals("a-conn1", resume(SECRET, T0.plusSeconds(5)).verify(later, "app.key", "alice").connectionId());
    }
}
