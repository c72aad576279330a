/**
 * The gateway's entry point and wiring: {@link io.chorus.gateway.Main} (the {@code chorus} command),
 * {@link io.chorus.gateway.Gateway} (starts and stops the pod's parts in order) and the HTTP verticle.
 */
package io.chorus.gateway;
