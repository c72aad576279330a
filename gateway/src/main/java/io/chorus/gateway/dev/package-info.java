/** Dev mode: the embedded single-node Kafka broker (KRaft) that {@code chorus dev} and the tests start. */
package io.chorus.gateway.dev;
