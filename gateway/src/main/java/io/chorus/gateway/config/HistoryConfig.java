package io.chorus.gateway.config;

/** The history API's page sizes. */
public record HistoryConfig(int defaultLimit, int maxLimit) {
}
