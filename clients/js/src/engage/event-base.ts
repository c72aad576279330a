import type { Chorus } from '../index.js';
import type { ActivityView } from './activity.js';
import type { SessionCore } from './session.js';
import { BreakoutView, ChatView, QaView, ReactionsView, SlidesView } from './social.js';
import type { EventSnapshot, You } from './wire.js';
import type { Observable, SnapshotFeed } from './observable.js';
import { checkActivityId } from './definitions.js';

/** What every side of an event sees: the event, activities, Q&A, chat, reactions, slides, breakouts. */
export abstract class EventBase<A extends ActivityView = ActivityView> {
  readonly code: string;
  /** This client's participant id (the token's `sub`). */
  readonly participant: string;
  /** The Chorus client underneath (connection state, transport). */
  readonly client: Chorus;
  /** The event snapshot (`engage:CODE`): the current one at once, then every newer one. */
  readonly event: SnapshotFeed<EventSnapshot>;
  /** This participant's own state: votes, score, team. */
  readonly you: Observable<You>;
  readonly qa: QaView;
  readonly chat: ChatView;
  readonly reactions: ReactionsView;
  readonly slides: SlidesView;
  readonly breakout: BreakoutView;
  private readonly activities = new Map<string, A>();

  protected constructor(protected readonly core: SessionCore, chat?: ChatView) {
    this.code = core.code;
    this.participant = core.participant;
    this.client = core.client;
    this.event = core.event;
    this.you = core.you;
    this.qa = new QaView(core);
    this.chat = chat ?? new ChatView(core);
    this.reactions = new ReactionsView(core);
    this.slides = new SlidesView(core.slides);
    this.breakout = new BreakoutView(core.breakoutState, core.room, core.roomPresence);
  }

  /**
   * The activity of that id: one object per id, subscribed on first use. Beyond maxActivities the
   * least recently asked for is disposed (it stops updating).
   */
  activity(id: string): A {
    checkActivityId(id);
    let a = this.activities.get(id);
    if (a) {
      this.activities.delete(id);
    } else {
      a = this.makeActivity(id);
      if (this.activities.size >= this.core.options.maxActivities) {
        const [oldest, view] = this.activities.entries().next().value as [string, A];
        view.dispose();
        this.activities.delete(oldest);
      }
    }
    this.activities.set(id, a);
    return a;
  }

  /** The activity every screen shows (`current`), or null; the current one at once. */
  onCurrent(listener: (activity: A | null) => void): () => void {
    return this.core.current.on((id) => listener(id === null ? null : this.activity(id)));
  }

  /** The server's clock, estimated from message timestamps (for countdowns to quiz deadlines). */
  serverNow(): number {
    return this.core.serverNow();
  }

  /** Problems that belong to no call: a malformed snapshot, a subscription refused, a listener that threw. */
  onError(listener: (error: unknown) => void): () => void {
    return this.core.onError(listener);
  }

  /** Leaves: unsubscribes, fails waiting commands with `closed`, closes the connection. */
  leave(): void {
    this.core.close();
  }

  protected abstract makeActivity(id: string): A;
}
