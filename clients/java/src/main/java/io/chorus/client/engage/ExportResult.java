package io.chorus.client.engage;

/**
 * A finished export.
 *
 * @param bytes   bytes written to the caller's stream
 * @param maxRows the server's row limit ({@code chorus-export-max-rows}), or -1 when it did not say.
 *                A CSV export that reached it was cut: the server says so in an HTTP trailer, which
 *                {@code java.net.http} does not expose, so compare the row count with this
 */
public record ExportResult(long bytes, long maxRows) {
}
