/**
 * A channel's member list as the SDK keeps it (PROTOCOL.md "Member lists and events"): replaced by
 * each `presence_sync`, changed by each `presence_event`. Presence events have no positions and are
 * not replayed, so after a reconnect the fresh `presence_sync` is compared with what the SDK had and
 * only the differences are reported: a member present in both lists is no `leave` and no `enter`
 * (an `update` if its data changed). Pure bookkeeping, no I/O.
 */

/** A member as sent: `data` is null when none was given; `updatedAt` is epoch ms. */
export interface Member {
  readonly clientId: string;
  readonly data: unknown;
  readonly updatedAt: number;
}

export type PresenceAction = 'enter' | 'update' | 'leave';

export interface PresenceEvent {
  readonly action: PresenceAction;
  readonly member: Member;
}

/** The members of a channel at one moment; `complete: false` above `presence.maxMembers` (count only). */
export interface PresenceSet {
  readonly channel: string;
  readonly members: Member[];
  readonly count: number;
  readonly complete: boolean;
}

export class MemberMap {
  private readonly members = new Map<string, Member>();
  private count = 0;
  private complete = true;

  /**
   * Takes a `presence_sync` (or a `presence` answer) and returns the changes since the list the map
   * held, in the order leave, update, enter. An incomplete list (over the cap: count only) keeps the
   * members the map had, so that the next complete list is compared with them rather than with
   * nothing, which would report every member as entering again.
   */
  sync(set: { members?: unknown; count?: unknown; complete?: unknown }): PresenceEvent[] {
    const next = readMembers(set.members);
    this.complete = set.complete !== false;
    this.count = typeof set.count === 'number' ? set.count : next.length;
    if (!this.complete) return [];
    const events: PresenceEvent[] = [];
    const fresh = new Map(next.map((m) => [m.clientId, m]));
    for (const [id, old] of this.members) {
      if (!fresh.has(id)) events.push({ action: 'leave', member: old });
    }
    for (const m of next) {
      const old = this.members.get(m.clientId);
      if (old && !sameData(old.data, m.data)) events.push({ action: 'update', member: m });
    }
    for (const m of next) {
      if (!this.members.has(m.clientId)) events.push({ action: 'enter', member: m });
    }
    this.members.clear();
    for (const m of next) this.members.set(m.clientId, m);
    return events;
  }

  /** Applies a `presence_event`; returns it when it is one the application should see. */
  apply(frame: { action?: unknown; member?: unknown }): PresenceEvent | undefined {
    const member = readMember(frame.member);
    const action = frame.action;
    if (!member || (action !== 'enter' && action !== 'update' && action !== 'leave')) return undefined;
    if (!this.complete) return undefined; // over the cap the server sends none; ignore strays
    // Told relative to the list the SDK holds, so that the events always describe that list: an
    // enter of a member it has is an update (nothing if the data is the same), an update of one
    // it lacks is an enter, a leave of one it lacks is nothing.
    const old = this.members.get(member.clientId);
    let seen: PresenceAction | undefined = action;
    if (action === 'leave') {
      if (!old) return undefined;
      this.members.delete(member.clientId);
    } else {
      if (!old) seen = 'enter';
      else if (action === 'enter') seen = sameData(old.data, member.data) ? undefined : 'update';
      this.members.set(member.clientId, member);
    }
    this.count = this.members.size;
    return seen && { action: seen, member };
  }

  /** Forgets everything (no presence subscription any more). */
  clear(): void {
    this.members.clear();
    this.count = 0;
    this.complete = true;
  }

  snapshot(channel: string): PresenceSet {
    return { channel, members: [...this.members.values()], count: this.count, complete: this.complete };
  }
}

function readMembers(raw: unknown): Member[] {
  if (!Array.isArray(raw)) return [];
  const out: Member[] = [];
  for (const r of raw) {
    const m = readMember(r);
    if (m) out.push(m);
  }
  return out;
}

function readMember(raw: unknown): Member | undefined {
  const r = raw as { clientId?: unknown; data?: unknown; updatedAt?: unknown } | null;
  if (!r || typeof r !== 'object' || typeof r.clientId !== 'string') return undefined;
  return { clientId: r.clientId, data: r.data ?? null, updatedAt: typeof r.updatedAt === 'number' ? r.updatedAt : 0 };
}

/** JSON equality: data comes from JSON on the wire, so its text is a fair comparison. */
function sameData(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
