// Shared pieces of the k6 scripts: configuration from the environment, HS256 tokens, the join API,
// and a WebSocket client speaking PROTOCOL.md. Every frame the client does not expect is counted in
// chorus_unexpected_frames, so a protocol change shows up as a failed threshold, not as silence.
import http from 'k6/http';
import crypto from 'k6/crypto';
import encoding from 'k6/encoding';
import { WebSocket } from 'k6/websockets';
import { Counter, Rate, Trend } from 'k6/metrics';

/** The gateway's base URL, e.g. https://live.example.com (CHORUS_URL). */
export const BASE = (__ENV.CHORUS_URL || 'http://localhost:8080').replace(/\/$/, '');
/** Where the join API answers (ingest's port, or the same host behind the chart's Ingress). */
export const ENGAGE = (__ENV.CHORUS_ENGAGE_URL || BASE).replace(/\/$/, '');
const WS = BASE.replace(/^http/, 'ws') + '/v1/ws';

export const received = new Counter('chorus_messages_received');
export const deliveryLatency = new Trend('chorus_delivery_latency', true);
export const subscribeOk = new Rate('chorus_subscribe_ok');
export const ackLatency = new Trend('chorus_ack_latency', true);
export const publishOk = new Rate('chorus_publish_ok');
export const errors = new Counter('chorus_errors');
export const unexpected = new Counter('chorus_unexpected_frames');
export const duplicates = new Counter('chorus_duplicates');

/** @param {unknown} value */
function b64json(value) {
  return encoding.b64encode(JSON.stringify(value), 'rawurl');
}

/**
 * An HS256 token for `sub` (CHORUS_HMAC_SECRET: the gateway's auth.hmacSecret), or CHORUS_TOKEN as
 * given, or null (anonymous; only for a gateway with auth.anonymous).
 * @param {string} sub
 * @param {Record<string, string[]>} caps channel pattern -> operations
 * @param {number} [ttlSeconds]
 * @returns {string | null}
 */
export function token(sub, caps, ttlSeconds = 3600) {
  const secret = __ENV.CHORUS_HMAC_SECRET;
  if (!secret) {
    return __ENV.CHORUS_TOKEN || null;
  }
  const head = b64json({ alg: 'HS256', typ: 'JWT' });
  const body = b64json({ sub, exp: Math.floor(Date.now() / 1000) + ttlSeconds, chorus: caps });
  return `${head}.${body}.${crypto.hmac('sha256', secret, `${head}.${body}`, 'base64rawurl')}`;
}

/**
 * POST /engage/join: a participant token for an event (ENGAGE.md, Join API).
 * @param {string} code
 * @param {string} name
 * @returns {{token: string, participant: string} | null}
 */
export function join(code, name) {
  const res = http.post(`${ENGAGE}/engage/join`, JSON.stringify({ code, name }),
    { headers: { 'Content-Type': 'application/json' }, tags: { name: 'engage_join' } });
  if (res.status !== 200) {
    errors.add(1, { error: `join_${res.status}` });
    return null;
  }
  const body = /** @type {{token: string, participant: string}} */ (res.json());
  return { token: body.token, participant: body.participant };
}

/**
 * @typedef {{type: string, ref?: string, channel?: string, position?: string, timestamp?: number,
 *   resumed?: boolean, reason?: string, error?: string, data?: any, id?: string, duplicate?: boolean}} Frame
 */

/**
 * One WebSocket connection. `on(type, fn)` adds a handler for a frame type; `request(frame)` sends a
 * frame with a fresh ref and calls back with the reply carrying that ref (ack, subscribed, error...).
 */
export class Client {
  /**
   * @param {string | null} jwt
   * @param {() => void} onOpen
   */
  constructor(jwt, onOpen) {
    /** @type {Map<string, (f: Frame) => void>} */
    this.pending = new Map();
    /** @type {Map<string, (f: Frame) => void>} */
    this.handlers = new Map();
    /** Highest offset delivered per channel: a lower or equal one is a duplicate (DESIGN.md). */
    /** @type {Map<string, number>} */
    this.lastOffset = new Map();
    /** @type {Map<string, string>} */
    this.lastPosition = new Map();
    this.refs = 0;
    this.open = false;
    const url = jwt ? `${WS}?token=${encodeURIComponent(jwt)}` : WS;
    this.ws = new WebSocket(url);
    this.ws.onopen = () => {
      this.open = true;
    };
    this.ws.onmessage = (e) => {
      if (!e) {
        return;
      }
      /** @type {Frame} */
      const f = JSON.parse(String(e.data));
      this.dispatch(f, onOpen);
    };
    this.ws.onerror = () => {
      errors.add(1, { error: 'socket' });
    };
  }

  /**
   * @param {Frame} f
   * @param {() => void} onOpen
   */
  dispatch(f, onOpen) {
    if (f.type === 'connected') {
      onOpen();
      return;
    }
    if (f.type === 'message' && f.channel && f.position) {
      this.delivered(f);
    }
    if (f.type === 'error') {
      errors.add(1, { error: f.error || 'unknown' });
    }
    const waiting = f.ref !== undefined ? this.pending.get(f.ref) : undefined;
    if (waiting && f.ref !== undefined) {
      this.pending.delete(f.ref);
      waiting(f);
      return;
    }
    const handler = this.handlers.get(f.type);
    if (handler) {
      handler(f);
    } else if (!['message', 'ping', 'pong', 'error', 'presence_event', 'occupancy', 'stream'].includes(f.type)) {
      unexpected.add(1, { type: f.type });
    }
    if (f.type === 'ping') {
      this.ws.send(JSON.stringify({ type: 'pong' }));
    }
  }

  /** @param {Frame} f */
  delivered(f) {
    const channel = /** @type {string} */ (f.channel);
    const position = /** @type {string} */ (f.position);
    const offset = Number(position.slice(position.lastIndexOf('.') + 1));
    const last = this.lastOffset.get(channel);
    if (last !== undefined && offset <= last) {
      duplicates.add(1);
      return;
    }
    this.lastOffset.set(channel, offset);
    this.lastPosition.set(channel, position);
    received.add(1);
    if (typeof f.timestamp === 'number') {
      // Kafka's record timestamp against this machine's clock: keep both in sync (NTP).
      deliveryLatency.add(Math.max(0, Date.now() - f.timestamp));
    }
  }

  /**
   * @param {string} type
   * @param {(f: Frame) => void} fn
   */
  on(type, fn) {
    this.handlers.set(type, fn);
  }

  /**
   * @param {Record<string, unknown>} frame
   * @param {(reply: Frame, ms: number) => void} [then]
   */
  request(frame, then) {
    const ref = String(++this.refs);
    const started = Date.now();
    this.pending.set(ref, (reply) => then && then(reply, Date.now() - started));
    this.ws.send(JSON.stringify({ ...frame, ref }));
  }

  /**
   * @param {string} channel
   * @param {Record<string, unknown>} [options] since, rewind, presence...
   * @param {(reply: Frame) => void} [then]
   */
  subscribe(channel, options = {}, then) {
    this.request({ type: 'subscribe', channel, ...options }, (reply) => {
      subscribeOk.add(reply.type === 'subscribed');
      if (then) {
        then(reply);
      }
    });
  }

  /**
   * A publish acknowledged after Kafka acknowledged it; the id makes a retry harmless.
   * @param {string} channel
   * @param {unknown} data
   * @param {(reply: Frame) => void} [then]
   * @returns {string} the message id (for engagement commands, the command id of the reply)
   */
  publish(channel, data, then) {
    const id = `k6-${__VU}-${Date.now().toString(36)}-${this.refs}`;
    this.request({ type: 'publish', channel, data, id }, (reply, ms) => {
      publishOk.add(reply.type === 'ack');
      if (reply.type === 'ack') {
        ackLatency.add(ms);
      }
      if (then) {
        then(reply);
      }
    });
    return id;
  }

  close() {
    this.ws.close();
  }
}

/** Seconds from the environment, with a default. @param {string} name @param {number} fallback */
export function seconds(name, fallback) {
  const v = __ENV[name];
  return v ? Number(v) : fallback;
}

/**
 * The engagement event to load: EVENT_CODE and HOST_TOKEN from the environment, or a new one from
 * POST /engage/events (CHORUS_ADMIN_KEY: ingest's engage.adminKey; none in dev mode).
 * @returns {{code: string, hostToken: string}}
 */
export function engagementEvent() {
  if (__ENV.EVENT_CODE && __ENV.HOST_TOKEN) {
    return { code: __ENV.EVENT_CODE, hostToken: __ENV.HOST_TOKEN };
  }
  /** @type {Record<string, string>} */
  const headers = { 'Content-Type': 'application/json' };
  if (__ENV.CHORUS_ADMIN_KEY) {
    headers.Authorization = `Bearer ${__ENV.CHORUS_ADMIN_KEY}`;
  }
  const res = http.post(`${ENGAGE}/engage/events`, JSON.stringify({ title: 'k6 load test' }), { headers });
  if (res.status !== 200 && res.status !== 201) {
    throw new Error(`POST /engage/events answered ${res.status}: ${res.body}`);
  }
  const body = /** @type {{code: string, hostToken: string}} */ (res.json());
  return { code: body.code, hostToken: body.hostToken };
}

/**
 * A staff command (ENGAGE.md) published over HTTP on engage-ctl:CODE:host with the host token.
 * @param {{code: string, hostToken: string}} event
 * @param {Record<string, unknown>} command
 */
export function hostCommand(event, command) {
  const channel = `engage-ctl:${event.code}:host`;
  const res = http.post(`${BASE}/v1/channels/${encodeURIComponent(channel)}/messages`,
    JSON.stringify({ data: command, id: `k6-host-${command.type}-${Date.now()}` }),
    { headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${event.hostToken}` } });
  if (res.status !== 201 && res.status !== 200) {
    throw new Error(`host command ${command.type} answered ${res.status}: ${res.body}`);
  }
}

/**
 * A participant: joins, connects, subscribes to its reply channel; replies to its commands arrive
 * on engage-me:CODE:PID as messages whose data is {type: "reply", id, ok, error?}.
 * @param {string} code
 * @param {(p: {client: Client, participant: string}) => void} ready
 * @returns {boolean} false when the join failed
 */
export function participant(code, ready) {
  const joined = join(code, `k6 ${__VU}`);
  if (!joined) {
    return false;
  }
  const me = `engage-me:${code}:${joined.participant}`;
  const client = new Client(joined.token, () => {
    client.subscribe(me, {}, () => ready({ client, participant: joined.participant }));
  });
  return true;
}

/**
 * Calls `fn` with each reply (the data of a message on an engage-me channel).
 * @param {Client} client
 * @param {(reply: {id: string, ok: boolean, error?: {code: string}}) => void} fn
 */
export function onReply(client, fn) {
  const previous = client.handlers.get('message');
  client.on('message', (f) => {
    if (f.channel && f.channel.startsWith('engage-me:') && f.data && f.data.type === 'reply') {
      fn(f.data);
    } else if (previous) {
      previous(f);
    }
  });
}
