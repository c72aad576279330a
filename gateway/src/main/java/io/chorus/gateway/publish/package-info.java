/**
 * Client publishes into Kafka: the pod's one idempotent producer ({@code acks=all}), answers only
 * after Kafka's acknowledgement and never after {@code publish.timeout}, and, for client-chosen ids,
 * the answer of the record every reader delivers for that id (decided by {@code feed.IdIndex}).
 */
package io.chorus.gateway.publish;
