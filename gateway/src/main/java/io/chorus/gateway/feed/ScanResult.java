package io.chorus.gateway.feed;

import java.util.List;

/**
 * What a scan found, oldest first. {@code nextOffset}: where a forward scan would continue.
 * {@code firstOffset}/{@code endOffset}: the partition's committed range when the scan ran.
 * {@code reachedStart}: a backward scan saw the partition's first record (there is nothing older).
 * {@code truncated}: the scan stopped at {@code maxScanRecords} before it was complete.
 */
public record ScanResult(List<FeedMessage> messages, long nextOffset, long firstOffset, long endOffset,
                         boolean reachedStart, boolean truncated) {
}
