import { type CommandOptions, handled } from './commands.js';
import { EngageError } from './errors.js';
import { Observable, SnapshotFeed } from './observable.js';
import type { SessionLink } from './session.js';
import { isObject, type ActivitySnapshot, type QuizQuestion, type Results, type ResultsVisibility, type Vote } from './wire.js';

/**
 * One activity's snapshots (`engage:CODE:a:ID`), subscribed on first use. What a screen is shown
 * goes through `visible`: results of a `results: "voted"` activity reach a participant only once
 * they responded in this round (or the host revealed them); staff see every result.
 */
export class ActivityView {
  private readonly feed: SnapshotFeed<ActivitySnapshot>;
  private readonly shown: Observable<ActivitySnapshot>;
  private readonly results: Observable<Results | null>;
  private readonly offYou: () => void;
  private unwatch?: () => void;
  private lastRaw?: ActivitySnapshot;
  private lastVisible = false;

  constructor(
    protected readonly link: SessionLink,
    readonly id: string,
    private readonly staff: boolean,
  ) {
    const report = (e: unknown) => link.report(e);
    this.feed = new SnapshotFeed<ActivitySnapshot>('activity', report, (why) => link.report(new EngageError('unexpected', `${this.channel}: ${why}`)));
    this.shown = new Observable<ActivitySnapshot>(report);
    this.results = new Observable<Results | null>(report);
    this.feed.on(() => this.refresh());
    this.offYou = link.you.on(() => this.refresh());
  }

  get channel(): string {
    return `engage:${this.link.code}:a:${this.id}`;
  }

  /** The latest snapshot as this client may see it (undefined until the first arrives). */
  get snapshot(): ActivitySnapshot | undefined {
    this.ensure();
    return this.shown.value;
  }

  /** The results this client may see, or undefined. */
  get visibleResults(): Results | undefined {
    this.ensure();
    return this.results.value ?? undefined;
  }

  /** Every snapshot (the current one at once), results stripped where this client may not see them. */
  onChange(listener: (snapshot: ActivitySnapshot) => void): () => void {
    this.ensure();
    return this.shown.on(listener);
  }

  /** The visible results whenever they change; null while hidden (a `voted` activity before voting). */
  onResults(listener: (results: Results | null, snapshot: ActivitySnapshot) => void): () => void {
    this.ensure();
    return this.results.on((r) => listener(r, this.shown.value as ActivitySnapshot));
  }

  /** The current snapshot, or the first one (rejects with `timeout` after commandTimeoutMs). */
  ready(): Promise<ActivitySnapshot> {
    this.ensure();
    return this.shown.first(this.link.clock, this.link.options.commandTimeoutMs, `snapshot of ${this.channel}`);
  }

  /** Whether this participant responded in the current round. */
  get responded(): boolean {
    const s = this.feed.value;
    return s !== undefined && this.respondedIn(s.round);
  }

  /** A quiz's current question (from the snapshot's `question`, or `results.question`). */
  get question(): QuizQuestion | undefined {
    const s = this.latest;
    if (!s) {
      this.ensure();
      return undefined;
    }
    const q = isObject(s.question) ? s.question : isObject(s.results) && isObject(s.results.question) ? s.results.question : undefined;
    return q as QuizQuestion | undefined;
  }

  /** Milliseconds left to answer the current question, by the server's clock (0 when past). */
  remainingMs(): number | undefined {
    const deadline = this.question?.deadline;
    return typeof deadline === 'number' ? Math.max(0, deadline - this.link.serverNow()) : undefined;
  }

  /** Stops following the activity. */
  dispose(): void {
    this.offYou();
    this.unwatch?.();
    this.unwatch = undefined;
  }

  protected respondedIn(round: number): boolean {
    const mine = this.link.you.value?.votes[this.id];
    return isObject(mine) && (typeof mine.round !== 'number' || mine.round === round);
  }

  protected refresh(): void {
    const raw = this.feed.value;
    if (!raw) return;
    const visible = isObject(raw.results) && this.visible(raw);
    if (raw === this.lastRaw && visible === this.lastVisible) return; // nothing this client sees changed
    this.lastRaw = raw;
    this.lastVisible = visible;
    const { results, ...rest } = raw;
    this.shown.set(visible ? raw : (rest as ActivitySnapshot));
    this.results.set(visible ? (results as Results) : null);
  }

  private visible(s: ActivitySnapshot): boolean {
    if (this.staff || visibility(s) !== 'voted' || s.state === 'results') return true;
    return this.respondedIn(s.round);
  }

  protected ensure(): void {
    if (!this.unwatch) this.unwatch = this.link.watch(this.channel, (d) => this.feed.offer(d), 1);
  }

  /** The raw snapshot (results included), for subclasses. */
  protected get latest(): ActivitySnapshot | undefined {
    return this.feed.value;
  }
}

/** The results setting, from `settings.results` (a string `results` at the top is read too). */
export function visibility(s: ActivitySnapshot): ResultsVisibility {
  const v = s.settings?.results ?? (typeof s.results === 'string' ? s.results : undefined);
  return v === 'voted' || v === 'closed' ? v : 'live';
}

/** A participant's activity: responds with vote(). */
export class LiveActivity extends ActivityView {
  private readonly rounds = new Set<number>();

  constructor(link: SessionLink, id: string) {
    super(link, id, false);
  }

  /**
   * `poll.vote` for the current round: `{choices}`, `{rating}`, `{ranking}`, `{words}` or `{text}`.
   * Waits for the first snapshot to know the round; once accepted, a `voted` activity shows results.
   */
  vote(vote: Vote, options?: CommandOptions): Promise<void> {
    return handled((async () => {
      if (!isObject(vote)) throw new EngageError('invalid_command', 'a vote is an object: {choices}, {rating}, {ranking}, {words} or {text}');
      const s = await this.ready();
      await this.link.send({ type: 'poll.vote', activity: this.id, round: s.round, ...vote }, options);
      this.markResponded(s.round);
    })());
  }

  protected markResponded(round: number): void {
    this.rounds.add(round);
    this.refresh();
  }

  protected override respondedIn(round: number): boolean {
    return this.rounds.has(round) || super.respondedIn(round);
  }
}

/** A participant's quiz: answers the current question, joins a team. */
export class LiveQuiz extends LiveActivity {
  /** `quiz.answer`: one per question, refused `too_late` after the deadline. */
  answer(question: number, choice: string, options?: CommandOptions): Promise<void> {
    return handled((async () => {
      const s = await this.ready();
      await this.link.send({ type: 'quiz.answer', activity: this.id, round: s.round, question, choice }, options);
      this.markResponded(s.round);
    })());
  }

  /** `quiz.team`: once per quiz. */
  team(team: string, options?: CommandOptions): Promise<void> {
    return handled(this.ready().then((s) => this.link.send({ type: 'quiz.team', activity: this.id, round: s.round, team }, options)));
  }
}
