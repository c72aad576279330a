// Fake platform pieces for unit tests: a scripted WebSocket, EventSource and fetch that record what
// the SDK sends and let the test play the server. No sockets, no timers of their own.

export class FakeWebSocket {
  static instances = [];
  static refuse = false; // the next constructions fail to connect (close 1006 without open)

  constructor(url) {
    this.url = url;
    this.sent = [];
    this.closed = undefined;
    FakeWebSocket.instances.push(this);
    if (FakeWebSocket.refuse) queueMicrotask(() => this.serverClose(1006, ''));
  }

  static reset() {
    FakeWebSocket.instances = [];
    FakeWebSocket.refuse = false;
  }

  static last() {
    return FakeWebSocket.instances[FakeWebSocket.instances.length - 1];
  }

  send(text) {
    this.sent.push(JSON.parse(text));
  }

  close(code, reason) {
    this.closed = { code, reason };
  }

  frames(type) {
    return this.sent.filter((f) => f.type === type);
  }

  // ---- the server's side ----
  receive(frame) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }

  connected(heartbeatMs = 15000) {
    this.receive({ type: 'connected', connectionId: 'c-test', heartbeatMs, limits: { maxFrameBytes: 262144 } });
  }

  serverClose(code, reason = '') {
    this.onclose?.({ code, reason });
  }

  /** Answers every subscribe not answered yet with `subscribed` at `position(channel)`. */
  answerSubscribes(position) {
    for (const f of this.frames('subscribe')) {
      if (f.answered) continue;
      f.answered = true;
      const frame = { type: 'subscribed', ref: f.ref, channel: f.channel, position: position(f) };
      if (f.since !== undefined) frame.resumed = true;
      this.receive(frame);
    }
  }
}

export class FakeEventSource {
  static instances = [];

  constructor(url) {
    this.url = new URL(url);
    this.listeners = new Map();
    this.closed = false;
    FakeEventSource.instances.push(this);
  }

  static reset() {
    FakeEventSource.instances = [];
  }

  static last() {
    return FakeEventSource.instances[FakeEventSource.instances.length - 1];
  }

  addEventListener(type, fn) {
    if (!this.listeners.has(type)) this.listeners.set(type, []);
    this.listeners.get(type).push(fn);
  }

  close() {
    this.closed = true;
  }

  channels() {
    return this.url.searchParams.getAll('channel');
  }

  positions() {
    return this.url.searchParams.get('positions');
  }

  // ---- the server's side ----
  fire(type, data) {
    const event = data === undefined ? { type } : { type, data: JSON.stringify(data) };
    for (const fn of this.listeners.get(type) ?? []) fn(event);
  }
}

/**
 * A fetch whose answers the test gives: `handler(url, init)` returns {status, body} or a promise of
 * one, or throws for a network error. Records every request.
 */
export function fakeFetch(handler) {
  const requests = [];
  const fetch = async (url, init = {}) => {
    const request = { url: new URL(url), init, body: init.body ? JSON.parse(init.body) : undefined };
    requests.push(request);
    const answer = await new Promise((resolve, reject) => {
      init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      Promise.resolve().then(() => handler(request)).then(resolve, reject);
    });
    return new Response(answer.body === undefined ? '' : JSON.stringify(answer.body), { status: answer.status ?? 200 });
  };
  fetch.requests = requests;
  return fetch;
}

/** A promise the test settles later: for fetch answers held back, e.g. a long poll. */
export function gate() {
  let open;
  const promise = new Promise((r) => (open = r));
  return { promise, open };
}

/**
 * A fetch for /v1/poll whose answers the test hands out one by one (`waiting`, oldest first); other
 * paths answer `other(req)`, 404 by default.
 */
export function pollServer(other = () => ({ status: 404, body: { error: 'not_found', code: 40400 } })) {
  const waiting = [];
  const fetch = fakeFetch((req) => {
    if (req.url.pathname !== '/v1/poll') return other(req);
    const g = gate();
    waiting.push({ req, answer: g.open });
    return g.promise;
  });
  return { fetch, waiting };
}
