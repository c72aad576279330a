package io.chorus.schema;

import java.util.Base64;
import java.util.UUID;

/**
 * A channel position: the serial of a message. It names the Kafka topic by its id (so a deleted and
 * recreated topic is detected), the partition, the partition count at the time (so a repartition is
 * detected) and the offset. Clients treat it as opaque, except that an SDK may order two positions
 * of the same channel (equal topic id, partition and partition count) by offset, to drop anything at
 * or below the last one it delivered.
 *
 * <p>Text form: {@code <topic id, 22 chars base64url>.<partition>.<partition count>.<offset>}, at most
 * {@value #MAX_TEXT_LENGTH} characters. An offset of -1 means "before the first record".
 */
public record Position(UUID topicId, int partition, int partitionCount, long offset) {

    public static final int MAX_TEXT_LENGTH = 64;

    public Position {
        if (partition < 0 || partitionCount < 1 || partition >= partitionCount || offset < -1) {
            throw new IllegalArgumentException("invalid position fields");
        }
    }

    public Position withOffset(long newOffset) {
        return new Position(topicId, partition, partitionCount, newOffset);
    }

    public String encode() {
        byte[] id = new byte[16];
        long hi = topicId.getMostSignificantBits();
        long lo = topicId.getLeastSignificantBits();
        for (int i = 0; i < 8; i++) {
            id[i] = (byte) (hi >>> (56 - 8 * i));
            id[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(id)
                + '.' + partition + '.' + partitionCount + '.' + offset;
    }

    /** Parses the text form; throws {@link ChorusException} with {@link ErrorCode#INVALID_POSITION}. */
    public static Position decode(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_TEXT_LENGTH) {
            throw invalid("position is empty or too long");
        }
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4 || parts[0].length() != 22) {
            throw invalid("position is not of the form id.partition.count.offset");
        }
        try {
            byte[] id = Base64.getUrlDecoder().decode(parts[0]);
            long hi = 0;
            long lo = 0;
            for (int i = 0; i < 8; i++) {
                hi = (hi << 8) | (id[i] & 0xff);
                lo = (lo << 8) | (id[8 + i] & 0xff);
            }
            return new Position(new UUID(hi, lo), Integer.parseInt(parts[1]),
                    Integer.parseInt(parts[2]), Long.parseLong(parts[3]));
        } catch (IllegalArgumentException e) {
            throw invalid("position has a malformed field");
        }
    }

    private static ChorusException invalid(String why) {
        return new ChorusException(ErrorCode.INVALID_POSITION, why);
    }

    @Override
    public String toString() {
        return encode();
    }
}
