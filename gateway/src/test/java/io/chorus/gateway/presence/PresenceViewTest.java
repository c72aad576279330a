package io.chorus.gateway.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The merge rules of {@link PresenceView}, on a clock the test moves. */
class PresenceViewTest {

    private static final long LEASE = 30_000;
    private static final long GRACE = 15_000;
    private final PresenceView view = new PresenceView(3, 100, GRACE);

    private static ShareRecord share(String pod, int subscribers, Set<String> left, Member... members) {
        return new ShareRecord(pod, "room:1", LEASE, subscribers, members.length, List.of(members), left);
    }

    private static Member m(String id, int data, long at) {
        return new Member(id, IntNode.valueOf(data), at);
    }

    private static List<String> summary(List<PresenceView.Change> changes) {
        List<String> out = new ArrayList<>();
        for (PresenceView.Change c : changes) {
            out.add(c instanceof PresenceView.Change.Event e ? e.action() + ":" + e.member().clientId() : "sync");
        }
        return out;
    }

    @Test
    void oneMemberPerClientIdAcrossPodsWithTheLatestData() {
        assertEquals(List.of("enter:ada"), summary(view.apply(share("p1", 1, Set.of(), m("ada", 1, 10)), 0, 0)));
        assertEquals(List.of(), summary(view.apply(share("p2", 2, Set.of(), m("ada", 1, 5)), 0, 0)));
        assertEquals(List.of("update:ada"), summary(view.apply(share("p2", 2, Set.of(), m("ada", 2, 20)), 0, 0)));
        assertEquals(1, view.count("room:1"));
        assertEquals(3, view.subscribers("room:1"));
        assertEquals(IntNode.valueOf(2), view.members("room:1").get(0).data());
    }

    @Test
    void aClosedConnectionLeavesAfterTheGraceUnlessItComesBack() {
        view.apply(share("p1", 0, Set.of(), m("ada", 1, 0), m("bob", 1, 0)), 0, 0);
        assertEquals(List.of(), summary(view.apply(share("p1", 0, Set.of()), 1000, 1000)));
        assertEquals(2, view.count("room:1"), "both held during the grace period");
        assertEquals(List.of(), summary(view.apply(share("p2", 0, Set.of(), m("ada", 1, 2000)), 2000, 2000)));
        assertEquals(List.of(), summary(view.sweep(1000 + GRACE - 1)));
        assertEquals(List.of("leave:bob"), summary(view.sweep(1000 + GRACE)));
        assertEquals(List.of("ada"), view.members("room:1").stream().map(Member::clientId).toList());
    }

    @Test
    void anExplicitLeaveIsImmediate() {
        view.apply(share("p1", 0, Set.of(), m("ada", 1, 0)), 0, 0);
        assertEquals(List.of("leave:ada"), summary(view.apply(share("p1", 0, Set.of("ada")), 10, 10)));
        assertEquals(0, view.channels(), "an empty channel is forgotten");
    }

    @Test
    void aLapsedLeaseDropsThePodsMembersWithoutGrace() {
        view.apply(share("p1", 4, Set.of(), m("ada", 1, 0)), 0, 0);
        view.apply(share("p2", 1, Set.of(), m("bob", 1, 0)), 20_000, 20_000);
        assertEquals(List.of(), summary(view.sweep(LEASE - 1)));
        assertEquals(List.of("leave:ada"), summary(view.sweep(LEASE)));
        assertEquals(1, view.subscribers("room:1"));
    }

    @Test
    void theNextSweepIsDueWhenTheEarliestLeaseOrGraceEnds() {
        assertEquals(Long.MAX_VALUE, view.nextDue(), "nothing held: no sweep is ever due");
        view.apply(share("p1", 1, Set.of(), m("ada", 1, 0), m("bob", 1, 0)), 0, 0);
        view.apply(share("p2", 1, Set.of()), 5_000, 5_000);
        assertEquals(LEASE, view.nextDue(), "p1's lease ends first");
        view.apply(share("p1", 1, Set.of(), m("ada", 1, 1000)), 1000, 1000);
        assertEquals(1000 + GRACE, view.nextDue(), "bob's connection closed: his grace ends first");
        assertEquals(List.of(), summary(view.sweep(1000 + GRACE - 1)));
        assertEquals(1000 + GRACE, view.nextDue(), "a sweep before it keeps the due time");
        assertEquals(List.of("leave:bob"), summary(view.sweep(1000 + GRACE)));
        assertEquals(1000 + LEASE, view.nextDue(), "then p1's renewed lease");
        assertEquals(List.of("leave:ada"), summary(view.sweep(1000 + LEASE)));
        assertEquals(5_000 + LEASE, view.nextDue(), "then p2's");
        view.sweep(5_000 + LEASE);
        assertEquals(0, view.channels());
        assertEquals(Long.MAX_VALUE, view.nextDue(), "all gone: nothing due");
    }

    @Test
    void aboveTheCapTheChannelOffersCountsOnly() {
        view.apply(share("p1", 0, Set.of(), m("a", 1, 0), m("b", 1, 0), m("c", 1, 0)), 0, 0);
        assertEquals(List.of("sync"), summary(view.apply(share("p2", 0, Set.of(), m("d", 1, 0)), 0, 0)));
        assertNull(view.members("room:1"));
        assertEquals(4, view.count("room:1"));
        assertEquals(List.of(), summary(view.apply(share("p2", 0, Set.of(), m("e", 1, 0)), 0, 0)), "no events above the cap");
        assertEquals(List.of(), summary(view.apply(share("p2", 0, Set.of("e")), 0, 0)), "d is within its grace");
        assertEquals(List.of("sync"), summary(view.sweep(GRACE)), "d's grace ended: back under the cap");
        assertEquals(3, view.members("room:1").size());
    }

    @Test
    void viewBoundedInChannels() {
        PresenceView small = new PresenceView(3, 1, GRACE);
        small.apply(share("p1", 1, Set.of()), 0, 0);
        small.apply(new ShareRecord("p1", "room:2", LEASE, 1, 0, List.of(), Set.of()), 0, 0);
        assertEquals(1, small.channels());
        assertEquals(1, small.dropped());
    }

    @Test
    void recordsRoundTripAndBadOnesAreRefused() {
        ShareRecord r = new ShareRecord("p-1", "room:1", LEASE, 2, 1, List.of(new Member("ada", NullNode.instance, 7)),
                Set.of("bob"));
        assertEquals(r, ShareRecord.decode(r.encode(), 10));
        ShareRecord capped = ShareRecord.decode(r.encode(), 0);
        assertNull(capped.members(), "more members than the cap: counts only");
        for (String bad : List.of("", "[]", "{\"v\":1}", "{\"v\":1,\"pod\":\"p\",\"channel\":\"bad channel\","
                + "\"leaseMs\":1,\"subscribers\":0,\"count\":0}", "{\"v\":1,\"pod\":\"p\",\"channel\":\"ok\","
                + "\"leaseMs\":1,\"subscribers\":0,\"count\":0,\"members\":{}}")) {
            assertThrows(RuntimeException.class, () -> ShareRecord.decode(bad.getBytes(StandardCharsets.UTF_8), 10), bad);
        }
        assertTrue(ShareRecord.decode(("{\"v\":1,\"pod\":\"p\",\"channel\":\"ok\",\"leaseMs\":1,\"subscribers\":0,"
                + "\"count\":0,\"members\":null}").getBytes(StandardCharsets.UTF_8), 10).empty());
    }

    /**
     * The digest the view keeps one change at a time equals the digest of its member list, and each
     * event carries the digest of the list once it is applied: a client that applied the events it was
     * sent holds the list that digest names.
     */
    @Test
    void everyEventCarriesTheDigestOfTheListAfterIt() {
        List<PresenceView.Change> changes = new ArrayList<>();
        changes.addAll(view.apply(share("p1", 0, Set.of(), m("ada", 1, 0), m("bob", 1, 0)), 0, 0));
        changes.addAll(view.apply(share("p1", 0, Set.of(), m("ada", 2, 10), m("bob", 1, 10)), 10, 10));
        String afterUpdate = view.digest("room:1");
        assertEquals(MemberDigest.of(view.members("room:1")), afterUpdate);
        changes.addAll(view.apply(share("p1", 0, Set.of("bob"), m("ada", 2, 20)), 20, 20));
        List<String> seen = summary(changes);
        assertEquals(Set.of("enter:ada", "enter:bob"), Set.copyOf(seen.subList(0, 2)), "in either order");
        assertEquals(List.of("update:ada", "leave:bob"), seen.subList(2, 4));
        java.util.Map<String, Member> applied = new java.util.HashMap<>();
        for (PresenceView.Change c : changes) {
            PresenceView.Change.Event e = (PresenceView.Change.Event) c;
            if (e.action().equals("leave")) {
                applied.remove(e.member().clientId());
            } else {
                applied.put(e.member().clientId(), e.member());
            }
            assertEquals(MemberDigest.of(List.copyOf(applied.values())), e.digest(), "after " + summary(List.of(c)));
        }
        assertEquals(MemberDigest.of(view.members("room:1")), view.digest("room:1"));
        org.junit.jupiter.api.Assertions.assertNotEquals(afterUpdate, view.digest("room:1"), "the leave changed it");
        // A new enter time with the same data changes nothing a client would see, nor the digest.
        String before = view.digest("room:1");
        assertEquals(List.of(), summary(view.apply(share("p1", 0, Set.of(), m("ada", 2, 30)), 30, 30)));
        assertEquals(before, view.digest("room:1"));
    }

    @Test
    void aChannelOverTheCapHasTheCappedDigest() {
        view.apply(share("p1", 0, Set.of(), m("a", 1, 0), m("b", 1, 0), m("c", 1, 0), m("d", 1, 0)), 0, 0);
        assertNull(view.members("room:1"));
        assertEquals(MemberDigest.CAPPED, view.digest("room:1"));
        view.apply(share("p1", 0, Set.of("d"), m("a", 1, 0), m("b", 1, 0), m("c", 1, 0)), 10, 10);
        assertEquals(MemberDigest.of(view.members("room:1")), view.digest("room:1"), "back under the cap");
    }
}
