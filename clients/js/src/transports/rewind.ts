import type { ChannelSpec, TransportContext } from './transport.js';

/**
 * SSE and long-polling have no `rewind` parameter: a channel subscribed with `rewind: N` (and no
 * position yet) gets the last N messages from history, oldest first, and then resumes after the
 * newest of them like any other channel. An empty history leaves it live.
 */
export async function serveRewinds(ctx: TransportContext, isCurrent: () => boolean): Promise<void> {
  for (const spec of ctx.specs()) {
    if (spec.since !== undefined || !spec.rewind) continue;
    const page = await ctx.http.history(spec.name, { limit: spec.rewind });
    if (!isCurrent()) return;
    ctx.sink.rewound(spec.name, [...page.messages].reverse());
  }
}

/** `channel=A&channel=B[&positions=TOKEN]`, the query both HTTP transports resume a set from. */
export function channelQuery(specs: readonly ChannelSpec[], positions: string | undefined, auth?: string): string {
  const q = new URLSearchParams();
  for (const s of specs) q.append('channel', s.name);
  if (positions !== undefined) q.set('positions', positions);
  if (auth) q.set('token', auth);
  return q.toString();
}

/** A refused token that no reconnect will fix: the client fails rather than retry forever. */
export function isTerminalAuthError(error: unknown): boolean {
  const name = (error as { name?: string })?.name;
  return name === 'token_required' || name === 'token_invalid' || name === 'token_too_large';
}

/** A key that changes when the channel set (or a pending rewind) changes. */
export function setKey(specs: readonly ChannelSpec[]): string {
  return specs.map((s) => (s.rewind && s.since === undefined ? `${s.name}~${s.rewind}` : s.name)).join(' ');
}
