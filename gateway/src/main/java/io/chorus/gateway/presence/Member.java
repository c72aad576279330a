package io.chorus.gateway.presence;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/** A present client: its id, its data (a JSON value; JSON null when none was given) and when it was set. */
public record Member(String clientId, JsonNode data, long updatedAt) {

    public Member {
        Objects.requireNonNull(clientId);
        Objects.requireNonNull(data);
    }

    /** Same client, same data: nothing to tell anyone. */
    boolean sameAs(Member other) {
        return other != null && clientId.equals(other.clientId) && data.equals(other.data);
    }
}
