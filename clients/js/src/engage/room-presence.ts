import type { Chorus } from '../index.js';
import type { Channel } from '../channel.js';
import type { PresenceSet } from '../members.js';
import { EngageError } from './errors.js';
import { Observable } from './observable.js';

/** A member of a breakout room. */
export interface RoomMember {
  /** The participant id: the gateway's verified `clientId`. */
  readonly participant: string;
  /** The name that member entered with (its client sets it: a display hint, not an identity). */
  readonly name: string;
}

/** Who is in this participant's breakout room (`room: null` in the main event). */
export interface RoomMembers {
  readonly room: number | null;
  /** Sorted by name; this participant included once its own enter is stored. */
  readonly members: readonly RoomMember[];
  /** How many are in the room; above the gateway's `presence.maxMembers` the list is empty. */
  readonly count: number;
  /** False when the room is over the gateway's cap: `count` only, no list. */
  readonly complete: boolean;
}

/** What RoomPresence needs from its session. */
export interface RoomPresenceHost {
  readonly code: string;
  readonly participant: string;
  readonly client: Chorus;
  readonly room: Observable<number | null>;
  report(error: unknown): void;
}

const NAME_CHARS = 40;
const OUTSIDE: RoomMembers = { room: null, members: [], count: 0, complete: true };

interface Here {
  readonly room: number;
  readonly channel: Channel;
  readonly stops: Array<() => void>;
  /** The gateway stored this participant's enter (answered `entered`). */
  entered: boolean;
}

/**
 * Presence in this participant's breakout room (`engage-chat:CODE:room:N`, ENGAGE.md "Room
 * presence"): a participant enters the room it is assigned with `{name}` and leaves it when sent back,
 * and the room's members are kept while the application listens. The room comes from `engage-me`,
 * replayed at start, so a reload re-enters the room it was in (within the gateway's presence grace
 * the others see no leave and no enter). The main event chat has no presence: it may hold 100,000.
 * One room at a time, and the list is the gateway's, capped by `presence.maxMembers`.
 */
export class RoomPresence {
  readonly members: Observable<RoomMembers>;
  private name: string | undefined;
  private listening = false;
  private started = false;
  private here: Here | undefined;
  private last: PresenceSet | undefined;
  private scheduled = false;
  private closed = false;

  constructor(private readonly host: RoomPresenceHost) {
    this.members = new Observable<RoomMembers>((e) => host.report(e));
  }

  /** Enters every room this participant is sent to, as `name` (participants only). */
  enterAs(name: string): void {
    this.name = name;
    this.start();
  }

  /** Keeps the current room's member list (on the first `members` or `onMembers`). */
  listen(): void {
    if (this.listening) return;
    this.listening = true;
    if (this.here) this.watch(this.here);
    this.start();
  }

  /** Leaves the room (when in one) and stops; the event is closing. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stop();
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.host.room.on((room) => this.move(room));
    if (this.members.value === undefined) this.members.set(OUTSIDE);
  }

  private move(room: number | null): void {
    if (this.closed || (this.here?.room ?? null) === room) return;
    this.stop();
    if (room === null) {
      this.members.set(OUTSIDE);
      return;
    }
    const here: Here = { room, channel: this.host.client.channel(`engage-chat:${this.host.code}:room:${room}`), stops: [], entered: false };
    this.here = here;
    this.members.set({ room, members: [], count: 0, complete: true });
    if (this.listening) this.watch(here);
    if (this.name !== undefined) {
      here.channel.presence.enter({ name: this.name }).then(() => {
        here.entered = true;
        if (this.here === here) this.changed();
      }, (e) => this.failed(here, e));
    }
  }

  private watch(here: Here): void {
    const p = here.channel.presence;
    here.stops.push(
      p.subscribe(() => this.changed()),
      p.on('sync', (set) => {
        this.last = set;
        this.changed();
      }),
      p.on('failed', (e) => this.failed(here, e)),
    );
  }

  /** Leaves the room it was in; an answer that comes after is not this room's any more. */
  private stop(): void {
    const here = this.here;
    if (!here) return;
    this.here = undefined;
    this.last = undefined;
    here.stops.splice(0).forEach((stop) => stop());
    // `entered` is what this client asked for: leave only what it entered (a refused enter is out).
    if (here.channel.presence.entered) here.channel.presence.leave().catch((e) => this.failed(here, e));
  }

  /** Presence events come one by one (a sync reports each difference): one update per turn. */
  private changed(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      const here = this.here;
      if (!here || !this.listening) return;
      if (this.last?.complete === false) {
        // Over the gateway's cap: a count only (the SDK's list is the last complete one, now stale).
        this.members.set({ room: here.room, members: [], count: this.last.count, complete: false });
        return;
      }
      const members = here.channel.presence.members.map((m) => ({ participant: m.clientId, name: nameOf(m.data) }));
      // Its own enter is stored, though the list may not show it yet: a long-poll's member list
      // taken as the poll began comes only with that poll's answer, up to a poll timeout later.
      const me = this.host.participant;
      const addMe = here.entered && this.name !== undefined && !members.some((m) => m.participant === me);
      if (addMe) members.push({ participant: me, name: nameOf({ name: this.name }) });
      members.sort((a, b) => a.name.localeCompare(b.name) || (a.participant < b.participant ? -1 : 1));
      this.members.set({ room: here.room, members, count: members.length, complete: true });
    });
  }

  private failed(here: Here, error: unknown): void {
    // A leave that the closing client cut short needs no report: the connection's end removes it.
    if (this.closed && (error as { name?: string })?.name === 'client_closed') return;
    const name = (error as { name?: string })?.name;
    const message = `presence in breakout room ${here.room}: ${(error as Error)?.message ?? String(error)}`;
    this.host.report(new EngageError(name === 'forbidden' ? 'forbidden' : 'not_delivered', message, { cause: error }));
  }
}

/** The member data's `name`, bounded like a participant's name; other clients set it, so it is checked. */
function nameOf(data: unknown): string {
  const n = (data as { name?: unknown } | null)?.name;
  return typeof n === 'string' ? [...n.trim()].slice(0, NAME_CHARS).join('') : '';
}
