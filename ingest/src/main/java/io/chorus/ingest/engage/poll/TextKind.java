package io.chorus.ingest.engage.poll;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.engage.Activity;
import io.chorus.ingest.engage.Check;
import io.chorus.ingest.engage.Command;
import io.chorus.ingest.engage.Engagement;
import io.chorus.ingest.engage.Kv;
import io.chorus.ingest.engage.Limits;

/**
 * {@code text}: an open answer of 1..{@code limits.textChars} characters. Published answers are kept under
 * {@code CODE|text|ACT|ROUND|PART|INVERTED-TIME|PID}, so a prefix scan reads the newest {@value #TOP}
 * first and stops.
 */
final class TextKind extends ModeratedPoll {

    static final int TOP = 100;

    TextKind(BlockedWords blocked) {
        super(blocked);
    }

    @Override
    public String kind() {
        return "text";
    }

    @Override
    public ObjectNode define(ObjectNode command, Limits limits) {
        ObjectNode d = command.objectNode();
        d.put("moderated", Check.bool(command.get("moderated"), "moderated", false));
        return d;
    }

    @Override
    ObjectNode parse(Command c, Activity a, Engagement ctx) {
        String text = Check.text(c.field("text"), "text", 1, ctx.limits().textChars());
        screen(text);
        ObjectNode r = ctx.json().createObjectNode();
        r.put("text", text);
        return r;
    }

    @Override
    void tally(Activity a, ObjectNode tally, ObjectNode response, int sign) {
        tally.put("published", tally.path("published").asLong() + sign);
    }

    @Override
    void extra(Activity a, String part, String participant, PollResponse r, int sign, Engagement ctx) {
        String key = textPrefix(a, part) + String.format("%019d", Long.MAX_VALUE - Math.max(0, r.at())) + "|"
                + participant;
        if (sign < 0) {
            ctx.kv().delete(key);
        } else {
            ObjectNode v = ctx.json().createObjectNode();
            v.put("text", r.value().get("text").asText());
            v.put("at", r.at());
            ctx.kv().put(key, v);
        }
    }

    @Override
    String entryText(ObjectNode value) {
        return value.get("text").asText();
    }

    @Override
    void results(Activity a, String part, ObjectNode tally, ObjectNode out, Engagement ctx) {
        out.put("published", tally.path("published").asLong());
        ArrayNode texts = out.putArray("texts");
        ctx.kv().scan(textPrefix(a, part), ObjectNode.class, TOP, (k, v) -> texts.add(v));
    }

    private static String textPrefix(Activity a, String part) {
        return Kv.key(a.event(), "text", a.id(), Integer.toString(a.round()), part, "");
    }
}
