/**
 * Positions (PROTOCOL.md "Position"): `<topic id>.<partition>.<partition count>.<offset>`. Opaque to
 * applications; the SDK only orders two positions of the same log (equal first three fields) by
 * offset, and builds the positions token that SSE and long-polling resume a channel set from.
 */

export interface ParsedPosition {
  /** topic id, partition and partition count: positions compare only within one log. */
  readonly log: string;
  readonly offset: bigint;
}

const SHAPE = /^([A-Za-z0-9_-]{22}\.\d{1,10}\.\d{1,10})\.(-1|\d{1,19})$/;
export const MAX_POSITION_LENGTH = 64;

/** The parsed position, or undefined when the text is not one this SDK can read. */
export function parsePosition(text: string): ParsedPosition | undefined {
  if (typeof text !== 'string' || text.length > MAX_POSITION_LENGTH) return undefined;
  const m = SHAPE.exec(text);
  // BigInt because offsets are Kafka longs; a Number would silently round past 2^53.
  return m ? { log: m[1], offset: BigInt(m[2]) } : undefined;
}

/**
 * True when `next` comes after `prev` and must be delivered. A position on another log (topic
 * recreated, repartitioned) follows a continuity break and always passes; positions this SDK cannot
 * read compare by text only.
 */
export function isAfter(next: string, prev: string): boolean {
  const n = parsePosition(next);
  const p = parsePosition(prev);
  if (!n || !p) return next !== prev;
  return n.log !== p.log || n.offset > p.offset;
}

/**
 * The positions token (PROTOCOL.md "The positions token"): one entry per channel, in the order of the
 * request's `channel` parameters, an empty entry for "live". Undefined when every entry is live, so
 * the parameter can be left out.
 */
export function positionsToken(positions: ReadonlyArray<string | undefined>): string | undefined {
  return positions.some((p) => p) ? positions.map((p) => p ?? '').join(',') : undefined;
}
