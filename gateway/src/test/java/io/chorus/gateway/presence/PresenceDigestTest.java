package io.chorus.gateway.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link MemberDigest}: the same members give the same digest on every pod, whatever the order. */
class PresenceDigestTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Member m(String id, String data, long at) throws Exception {
        return new Member(id, JSON.readTree(data), at);
    }

    @Test
    void theOrderOfMembersAndOfObjectKeysDoesNotMatter() throws Exception {
        String ab = MemberDigest.of(List.of(m("ada", "{\"a\":1,\"b\":[1,{\"y\":2,\"x\":1}]}", 1), m("bob", "null", 2)));
        String ba = MemberDigest.of(List.of(m("bob", "null", 2), m("ada", "{\"b\":[1,{\"x\":1,\"y\":2}],\"a\":1}", 1)));
        assertEquals(ab, ba);
        assertTrue(ab.matches("[0-9a-f]{16}"), ab);
    }

    @Test
    void clientIdAndDataCountButNotTheTimeOfTheLastEnter() throws Exception {
        String one = MemberDigest.of(List.of(m("ada", "{\"n\":1}", 1)));
        assertEquals(one, MemberDigest.of(List.of(m("ada", "{\"n\":1}", 99))), "a poll's re-enter renews only the time");
        assertNotEquals(one, MemberDigest.of(List.of(m("ada", "{\"n\":2}", 1))));
        assertNotEquals(one, MemberDigest.of(List.of(m("adb", "{\"n\":1}", 1))));
        assertNotEquals(one, MemberDigest.of(List.of(m("ada", "{\"n\":1}", 1), m("bob", "null", 1))));
        // The separator keeps the id and the data apart.
        assertNotEquals(MemberDigest.of(List.of(m("a", "\"bc\"", 1))), MemberDigest.of(List.of(m("ab", "\"c\"", 1))));
    }

    @Test
    void anEmptyListAndACappedListHaveFixedDigests() {
        assertEquals("0000000000000000", MemberDigest.of(List.<Member>of()));
        assertEquals(MemberDigest.CAPPED, MemberDigest.of((List<Member>) null));
    }

    @Test
    void onlyTheShapesTheGatewaySendsAreValid() {
        assertTrue(MemberDigest.valid("0123456789abcdef"));
        assertTrue(MemberDigest.valid("capped"));
        assertFalse(MemberDigest.valid("0123456789ABCDEF"));
        assertFalse(MemberDigest.valid("0123456789abcde"));
        assertFalse(MemberDigest.valid("0123456789abcdef0"));
        assertFalse(MemberDigest.valid(""));
    }

    @Test
    void theSyncFrameCarriesTheDigestBeforeTheList() throws Exception {
        List<Member> list = List.of(new Member("ada", NullNode.getInstance(), 1));
        String digest = MemberDigest.of(list);
        String frame = PresenceFrames.buffer(PresenceFrames.members("presence_sync", null, "room:1",
                new PresenceFrames.Snapshot(list, 1, digest))).toString();
        JsonNode n = JSON.readTree(frame);
        assertEquals(digest, n.path("digest").asText());
        assertTrue(frame.indexOf("\"digest\"") < frame.indexOf("\"members\""), frame);
    }
}
