package io.chorus.ingest.engage.poll;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chorus.ingest.engage.Activity;
import io.chorus.ingest.engage.Check;
import io.chorus.ingest.engage.Command;
import io.chorus.ingest.engage.Engagement;
import io.chorus.ingest.engage.Limits;

/** {@code rating}: an integer on {@code min..max}; results are a histogram and the mean. */
final class RatingKind extends PollKind {

    /** Bounds the histogram (and the scale a screen can draw). */
    static final int MAX_SPAN = 100;
    static final int MAX_ABS = 1000;

    @Override
    public String kind() {
        return "rating";
    }

    @Override
    public ObjectNode define(ObjectNode command, Limits limits) {
        long min = Check.integer(command.get("min"), "min", -MAX_ABS, MAX_ABS, 1);
        long max = Check.integer(command.get("max"), "max", -MAX_ABS, MAX_ABS, 5);
        if (max <= min || max - min > MAX_SPAN) {
            throw Check.invalid("'min' must be below 'max', at most " + MAX_SPAN + " apart");
        }
        ObjectNode d = command.objectNode();
        d.put("min", min);
        d.put("max", max);
        return d;
    }

    @Override
    ObjectNode parse(Command c, Activity a, Engagement ctx) {
        long min = a.definition().get("min").asLong();
        long max = a.definition().get("max").asLong();
        if (c.field("rating") == null) {
            throw Check.invalid("'rating' must be an integer from " + min + " to " + max);
        }
        ObjectNode r = ctx.json().createObjectNode();
        r.put("rating", Check.integer(c.field("rating"), "rating", min, max, min));
        return r;
    }

    @Override
    void tally(Activity a, ObjectNode tally, ObjectNode response, int sign) {
        long v = response.get("rating").asLong();
        bump(tally, "histogram", Long.toString(v), sign);
        tally.put("sum", tally.path("sum").asLong() + sign * v);
        tally.put("count", tally.path("count").asLong() + sign);
    }

    @Override
    void results(Activity a, String part, ObjectNode tally, ObjectNode out, Engagement ctx) {
        ObjectNode ratings = out.putObject("ratings");
        ObjectNode histogram = ratings.putObject("histogram");
        for (long v = a.definition().get("min").asLong(); v <= a.definition().get("max").asLong(); v++) {
            histogram.put(Long.toString(v), tally.path("histogram").path(Long.toString(v)).asLong());
        }
        long count = tally.path("count").asLong();
        ratings.put("count", count);
        if (count == 0) {
            ratings.putNull("mean");
        } else {
            ratings.put("mean", (double) tally.path("sum").asLong() / count);
        }
    }
}
