/**
 * {@code ./chorus dev} and {@code ./chorus kafka}: the one-command developer setup. {@link
 * io.chorus.dev.DevMode} composes the embedded broker (module kafka-embedded), the gateway with its
 * dev config, ingest and its join API, and the demo app's static files on the gateway's port. Nothing
 * here is part of a production artifact.
 */
package io.chorus.dev;
