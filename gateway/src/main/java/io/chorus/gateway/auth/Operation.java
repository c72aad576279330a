package io.chorus.gateway.auth;

/** What a capability grants on matching channels. */
public enum Operation {
    SUBSCRIBE, PUBLISH, PRESENCE, HISTORY;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Operation byWireName(String name) {
        for (Operation o : values()) {
            if (o.wireName().equals(name)) {
                return o;
            }
        }
        return null;
    }
}
