// A scripted gateway + ingest + join API for the engagement unit tests: a WebSocket that connects at
// once, answers subscribes (with rewind from a per-channel log), acks publishes, and hands every
// command to `onCommand`, whose answer becomes a `reply` on the sender's engage-me channel. Time is
// a FakeClock; nothing sleeps.
import { FakeClock, seeded, settle } from './fake-clock.mjs';
import { FakeWebSocket } from './fakes.mjs';
import { TOPIC } from './unit-client.mjs';

export const jwt = (sub, expSeconds = 4_000_000_000) =>
  `h.${Buffer.from(JSON.stringify({ sub, exp: expSeconds })).toString('base64url')}.s`;
export const subOf = (token) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sub;

/** A Storage in memory. */
export function memoryStorage() {
  const m = new Map();
  return { getItem: (k) => (m.has(k) ? m.get(k) : null), setItem: (k, v) => m.set(k, String(v)), removeItem: (k) => m.delete(k), map: m };
}

export class EngageServer {
  constructor({ clock = new FakeClock(), onCommand = () => ({ ok: true }) } = {}) {
    this.clock = clock;
    this.onCommand = onCommand; // (command) => {ok, error} | undefined (no reply) | 'refuse:<name>' (gateway nack)
    this.logs = new Map(); // channel -> [{offset, data, timestamp}]
    this.sockets = [];
    this.commands = [];
    this.joins = [];
    this.participants = 0;
    this.tokens = new Map(); // token -> sub
    this.events = new Map([['ABC234', { title: 'Town hall' }]]);
    this.holdAcks = false;
    this.members = new Map(); // channel -> Map(clientId -> member): the gateway's presence
    this.refusePresence = undefined; // an error name: every enter is refused with it (e.g. 'forbidden')
    this.listLags = false; // enters are stored (`entered`) but the member lists do not show them yet
    const server = this;
    this.WebSocket = class extends FakeWebSocket {
      constructor(url) {
        super(url);
        this.subs = new Set();
        server.sockets.push(this);
        queueMicrotask(() => this.connected(0));
      }

      send(text) {
        super.send(text);
        const frame = this.sent[this.sent.length - 1];
        queueMicrotask(() => server.handle(this, frame));
      }
    };
    this.fetch = async (url, init = {}) => {
      const u = new URL(url);
      const body = init.body ? JSON.parse(init.body) : undefined;
      const answer = this.api(u, body, init);
      return new Response(answer.text ?? JSON.stringify(answer.body ?? {}), { status: answer.status ?? 200 });
    };
  }

  /** Options for joinEvent/hostEvent wired to this server. */
  options(extra = {}) {
    return {
      url: 'http://gw.test',
      fetch: this.fetch,
      storage: null,
      clock: this.clock,
      chorus: { transports: ['websocket'], WebSocket: this.WebSocket, EventSource: null, storage: null, clock: this.clock, random: seeded(7), fetch: this.fetch },
      ...extra,
    };
  }

  api(url, body, init) {
    if (url.pathname === '/engage/join' && init.method === 'POST') {
      this.joins.push(body);
      if (!this.events.has(body?.code)) return { status: 404, body: { error: 'unknown_event', message: 'no such event' } };
      let sub = body.token !== undefined ? this.tokens.get(body.token) : undefined;
      if (body.token !== undefined && sub === undefined) return { status: 401, body: { error: 'token_invalid', message: 'bad signature' } };
      sub ??= `p-${++this.participants}`;
      const token = jwt(sub, 4_000_000_000 + this.joins.length); // a different token each time
      this.tokens.set(token, sub);
      return { body: { token, participant: sub, expiresAt: 4_000_000_000_000 } };
    }
    if (url.pathname === '/engage/events' && init.method === 'POST') {
      this.events.set('HST234', { title: body.title });
      return { body: { code: 'HST234', hostToken: jwt('host-1'), joinUrl: 'http://gw.test/#/join/HST234' } };
    }
    const m = /^\/engage\/events\/([A-Z0-9]+)\/export$/.exec(url.pathname);
    if (m && init.method === 'GET') {
      if (init.headers?.authorization !== `Bearer ${jwt('host-1')}`) return { status: 403, body: { error: 'forbidden', message: 'not the host' } };
      return { text: `event,activity,format\n${m[1]},${url.searchParams.get('activity') ?? ''},${url.searchParams.get('format')}\n` };
    }
    return { status: 404, body: { error: 'not_found' } };
  }

  handle(ws, f) {
    if (f.type === 'subscribe') {
      const log = this.log(f.channel);
      ws.subs.add(f.channel);
      const from = f.rewind ? Math.max(0, log.length - f.rewind) : log.length;
      ws.receive({ type: 'subscribed', ref: f.ref, channel: f.channel, position: this.pos(from - 1) });
      if (f.presence) {
        (ws.presence ??= new Set()).add(f.channel);
        const members = [...this.room(f.channel).values()];
        ws.receive({ type: 'presence_sync', channel: f.channel, members, count: members.length, complete: true });
      }
      for (const r of log.slice(from)) ws.receive(this.frame(f.channel, r));
    } else if (f.type === 'unsubscribe') {
      ws.subs.delete(f.channel);
      ws.presence?.delete(f.channel);
      ws.receive({ type: 'unsubscribed', ref: f.ref, channel: f.channel });
    } else if (f.type === 'publish') {
      this.publish(ws, f);
    } else if (f.type === 'enter' || f.type === 'leave') {
      if (this.refusePresence) {
        ws.receive({ type: 'error', ref: f.ref, code: 40302, error: this.refusePresence, message: `gateway: ${this.refusePresence}`, retryable: false });
        return;
      }
      const sender = subOf(new URL(ws.url).searchParams.get('token'));
      if (f.type === 'enter') {
        if (!this.listLags) this.enter(f.channel, sender, f.data ?? null);
      }
      else this.leave(f.channel, sender);
      ws.receive({ type: f.type === 'enter' ? 'entered' : 'left', ref: f.ref, channel: f.channel });
    }
  }

  /** The gateway's member list of a channel. */
  room(channel) {
    if (!this.members.has(channel)) this.members.set(channel, new Map());
    return this.members.get(channel);
  }

  /** A member enters (this SDK, or another client on any pod): every presence watcher is told. */
  enter(channel, clientId, data) {
    const member = { clientId, data, updatedAt: this.clock.now() };
    this.room(channel).set(clientId, member);
    this.tellPresence(channel, 'enter', member);
  }

  leave(channel, clientId) {
    const member = this.room(channel).get(clientId);
    if (!member) return;
    this.room(channel).delete(clientId);
    this.tellPresence(channel, 'leave', member);
  }

  tellPresence(channel, action, member) {
    for (const ws of this.sockets) if (ws.presence?.has(channel)) ws.receive({ type: 'presence_event', channel, action, member });
  }

  publish(ws, f) {
    const sender = ws.url.includes('token=') ? subOf(new URL(ws.url).searchParams.get('token')) : 'anon';
    const command = { channel: f.channel, id: f.id, sender, retry: f.retry === true, ...f.data };
    this.commands.push(command);
    const outcome = this.onCommand(command);
    if (typeof outcome === 'string' && outcome.startsWith('refuse:')) {
      const name = outcome.slice(7);
      ws.receive({ type: 'error', ref: f.ref, code: name === 'forbidden' ? 40302 : 42902, error: name, message: `gateway: ${name}`, retryable: name !== 'forbidden' });
      return;
    }
    const offset = this.append(f.channel, f.data);
    const ack = () => ws.receive({ type: 'ack', ref: f.ref, channel: f.channel, id: f.id, position: this.pos(offset), duplicate: false });
    if (this.holdAcks) (this.heldAcks ??= []).push(ack);
    else ack();
    if (outcome) {
      const code = f.channel.split(':')[1];
      this.send(`engage-me:${code}:${sender}`, { type: 'reply', id: f.id, ...outcome });
    }
  }

  /** ingest writes a record: every socket subscribed to the channel gets it. */
  send(channel, data, timestamp = this.clock.now()) {
    const offset = this.append(channel, data, timestamp);
    const r = this.log(channel)[offset];
    for (const ws of this.sockets) if (ws.subs.has(channel)) ws.receive(this.frame(channel, r));
  }

  append(channel, data, timestamp = this.clock.now()) {
    const log = this.log(channel);
    log.push({ offset: log.length, data, timestamp });
    return log.length - 1;
  }

  log(channel) {
    if (!this.logs.has(channel)) this.logs.set(channel, []);
    return this.logs.get(channel);
  }

  pos(offset) {
    return `${TOPIC}.0.8.${offset}`;
  }

  frame(channel, r) {
    return { type: 'message', channel, position: this.pos(r.offset), id: `m-${r.offset}`, data: r.data, timestamp: r.timestamp };
  }

  last() {
    return this.sockets[this.sockets.length - 1];
  }

  /** Channels the latest socket is subscribed to, with the rewind it asked for. */
  subscribes() {
    return this.last().frames('subscribe').map((f) => [f.channel, f.rewind]);
  }

  async settle() {
    await settle();
  }
}
