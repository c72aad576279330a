/**
 * Client publishes into Kafka: the pod's one idempotent producer ({@code acks=all}), acknowledgement
 * only after Kafka's, and de-duplication of retried publishes by message id (the pod's recent ids,
 * and a bounded scan of the channel's recent records for a retry).
 */
package io.chorus.gateway.publish;
