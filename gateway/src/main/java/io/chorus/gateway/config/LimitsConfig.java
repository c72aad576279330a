package io.chorus.gateway.config;

/**
 * Protections of the pod. New connections: at most {@code maxConnections} open, at most
 * {@code newConnectionsPerSecond} pod-wide and {@code newConnectionsPerIpPerSecond} per client address
 * (a bounded map of {@code trackedIps} addresses or clients). Requests: {@code publishesPerSecond} per
 * WebSocket connection (per address for HTTP), {@code publishesPerClientPerSecond} per authenticated
 * client id across its connections, {@code subscribesPerSecond} per connection. Each rate allows a
 * burst of one second's worth.
 */
public record LimitsConfig(int maxConnections, int newConnectionsPerSecond, int newConnectionsPerIpPerSecond,
                           int trackedIps, int publishesPerSecond, int publishesPerClientPerSecond,
                           int subscribesPerSecond) {
}
