package io.chorus.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import io.chorus.schema.ChannelName;
import io.chorus.schema.ChorusException;
import io.chorus.schema.ErrorCode;
import java.util.UUID;
import java.util.regex.Pattern;

/** One publish as it goes on the wire, checked against PROTOCOL.md's field rules before it leaves. */
public record PublishRequest(String channel, String id, String name, JsonNode data) {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_\\-:.@/=+]{1,128}");
    private static final int MAX_NAME = 128;

    /**
     * Validates and snapshots a publish. {@code data} is converted to a tree now, on the caller's
     * thread, so that later changes to the caller's object cannot change a resend.
     *
     * @throws ChorusException with the error code the server would answer
     */
    public static PublishRequest create(ObjectMapper mapper, String channel, String name, Object data, String id) {
        String problem = ChannelName.problem(channel);
        if (problem != null) {
            throw new ChorusException(ErrorCode.INVALID_CHANNEL, problem);
        }
        if (id != null && !ID.matcher(id).matches()) {
            throw new ChorusException(ErrorCode.INVALID_FIELD, "publish id must be 1..128 of [A-Za-z0-9_-:.@/=+]");
        }
        if (name != null && (name.isEmpty() || name.length() > MAX_NAME)) {
            throw new ChorusException(ErrorCode.INVALID_FIELD, "publish name must be 1..128 characters");
        }
        JsonNode tree;
        try {
            tree = data instanceof JsonNode node ? node.deepCopy() : mapper.valueToTree(data);
        } catch (IllegalArgumentException e) {
            throw new ChorusException(ErrorCode.INVALID_FIELD, "publish data is not serializable: " + e.getMessage());
        }
        return new PublishRequest(channel, id != null ? id : UUID.randomUUID().toString(), name,
                tree == null ? NullNode.getInstance() : tree);
    }
}
