// A stand-in for `chorus dev` while ingest is not there: one HTTP server that serves demo/ at /,
// the built SDK at /sdk/, the join API at /engage/*, and a WebSocket at /v1/ws that speaks
// PROTOCOL.md's frames, with a small in-memory imitation of ingest's rules (ENGAGE.md) behind it.
// It exists to drive the demo in a real browser; it is no reference for ingest's rules, and the
// browser test runs against a real `chorus dev` instead when CHORUS_DEV_URL is set.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.md': 'text/plain; charset=utf-8', '.ts': 'text/plain' };
const jwt = (sub) => `h.${Buffer.from(JSON.stringify({ sub, exp: Math.floor(Date.now() / 1000) + 3600 })).toString('base64url')}.s`;
const subOf = (token) => {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sub;
  } catch {
    return undefined;
  }
};

export async function startMock({ demoDir, sdkDir }) {
  const ingest = new MiniIngest();
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname.startsWith('/engage/')) return api(ingest, req, res, url);
    const base = url.pathname.startsWith('/sdk/') ? sdkDir : demoDir;
    const rel = url.pathname.startsWith('/sdk/') ? url.pathname.slice(5) : url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
    const file = normalize(join(base, rel));
    if (!file.startsWith(base) || !existsSync(file) || !statSync(file).isFile()) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(readFileSync(file));
  });
  server.on('upgrade', (req, socket) => {
    const key = req.headers['sec-websocket-key'];
    const url = new URL(req.url, 'http://x');
    if (url.pathname !== '/v1/ws' || !key) return socket.destroy();
    const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    ingest.connect(new WsConnection(socket), subOf(url.searchParams.get('token') ?? '') ?? `anon-${randomBytes(3).toString('hex')}`);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    ingest,
    close: () => new Promise((r) => {
      ingest.closeAll();
      server.close(r);
      server.closeAllConnections?.();
    }),
  };
}

function api(ingest, req, res, url) {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const send = (status, obj, type = 'application/json') => res.writeHead(status, { 'content-type': type }).end(typeof obj === 'string' ? obj : JSON.stringify(obj));
    let json = {};
    try {
      json = body ? JSON.parse(body) : {};
    } catch {
      return send(400, { error: 'invalid_request', message: 'not JSON' });
    }
    if (req.method === 'POST' && url.pathname === '/engage/events') {
      const code = ingest.create(String(json.title ?? 'Event'));
      return send(200, { code, hostToken: jwt(`host-${code}`), joinUrl: `${url.origin}/#/join/${code}` });
    }
    if (req.method === 'POST' && url.pathname === '/engage/join') {
      if (!ingest.events.has(json.code)) return send(404, { error: 'unknown_event', message: 'no such event' });
      const previous = json.token ? subOf(json.token) : undefined;
      const sub = previous && previous.startsWith('p-') ? previous : `p-${randomBytes(8).toString('hex')}`;
      return send(200, { token: jwt(sub), participant: sub, expiresAt: Date.now() + 3_600_000 });
    }
    const m = /^\/engage\/events\/([A-Z0-9]{6})\/export$/.exec(url.pathname);
    if (req.method === 'GET' && m) {
      if (subOf((req.headers.authorization ?? '').replace(/^Bearer /, '')) !== `host-${m[1]}`) {
        return send(403, { error: 'forbidden', message: 'host token required' });
      }
      const rows = ingest.audit.filter((r) => r.event === m[1]);
      return url.searchParams.get('format') === 'json' ? send(200, rows) : send(200, `event,activity,participant,response\n${rows.map((r) => `${r.event},${r.activity},${r.participant},"${JSON.stringify(r.response).replace(/"/g, '""')}"`).join('\n')}\n`, 'text/csv');
    }
    return send(404, { error: 'not_found' });
  });
}

/** Just enough of RFC 6455 for one browser: text frames in and out, ping, close. */
class WsConnection {
  constructor(socket) {
    this.socket = socket;
    this.buf = Buffer.alloc(0);
    this.onText = () => {};
    this.onClose = () => {};
    socket.on('data', (d) => this.read(d));
    socket.on('close', () => this.onClose());
    socket.on('error', () => {});
  }

  read(data) {
    this.buf = Buffer.concat([this.buf, data]);
    while (this.buf.length >= 2) {
      const op = this.buf[0] & 0x0f;
      let len = this.buf[1] & 0x7f;
      let off = 2;
      if (len === 126) [len, off] = [this.buf.readUInt16BE(2), 4];
      else if (len === 127) [len, off] = [Number(this.buf.readBigUInt64BE(2)), 10];
      const masked = (this.buf[1] & 0x80) !== 0;
      if (this.buf.length < off + (masked ? 4 : 0) + len) return;
      const mask = masked ? this.buf.subarray(off, off + 4) : null;
      off += masked ? 4 : 0;
      const payload = Buffer.from(this.buf.subarray(off, off + len));
      if (mask) for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i % 4];
      this.buf = this.buf.subarray(off + len);
      if (op === 1) this.onText(payload.toString('utf8'));
      else if (op === 8) this.socket.end();
      else if (op === 9) this.raw(0x8a, payload);
    }
  }

  send(obj) {
    this.raw(0x81, Buffer.from(JSON.stringify(obj)));
  }

  raw(first, payload) {
    if (this.socket.destroyed) return;
    const n = payload.length;
    const head = n < 126 ? Buffer.from([first, n]) : n < 65536 ? Buffer.from([first, 126, n >> 8, n & 255]) : Buffer.concat([Buffer.from([first, 127]), (() => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(n)); return b; })()]);
    this.socket.write(Buffer.concat([head, payload]));
  }
}

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** An imitation of ingest's rules, in memory, for the demo only. */
class MiniIngest {
  constructor() {
    this.events = new Map();
    this.logs = new Map();
    this.conns = new Set();
    this.seqs = new Map();
    this.audit = [];
  }

  create(title) {
    let code;
    do code = Array.from(randomBytes(6), (b) => ALPHABET[b % 32]).join(''); while (this.events.has(code));
    this.events.set(code, {
      code, title, current: null, activities: new Map(), participants: new Map(), reactions: ['👍', '❤️', '😂', '👏', '🎉', '😮'],
      chat: { enabled: true, slowModeMs: 0 }, qa: { enabled: true, moderated: false }, questions: new Map(), slides: null, breakout: null, rooms: new Map(),
      reactionTotals: {},
    });
    this.render(code);
    return code;
  }

  connect(ws, sub) {
    const conn = { ws, sub, subs: new Set() };
    this.conns.add(conn);
    ws.onClose = () => this.conns.delete(conn);
    ws.onText = (text) => {
      let f;
      try {
        f = JSON.parse(text);
      } catch {
        return;
      }
      if (f.type === 'subscribe') {
        const log = this.log(f.channel);
        conn.subs.add(f.channel);
        const from = f.since ? Number(f.since.split('.').pop()) + 1 : f.rewind ? Math.max(0, log.length - f.rewind) : log.length;
        ws.send({ type: 'subscribed', ref: f.ref, channel: f.channel, position: pos(from - 1), ...(f.since ? { resumed: true } : {}) });
        for (const r of log.slice(from)) ws.send(r);
      } else if (f.type === 'unsubscribe') {
        conn.subs.delete(f.channel);
        ws.send({ type: 'unsubscribed', ref: f.ref, channel: f.channel });
      } else if (f.type === 'publish') {
        const offset = this.write(f.channel, f.data, f.id);
        ws.send({ type: 'ack', ref: f.ref, channel: f.channel, id: f.id, position: pos(offset), duplicate: false });
        this.command(f.channel, sub, f.id, f.data);
      } else if (f.type === 'ping') {
        ws.send({ type: 'pong', ref: f.ref });
      } else if (f.type === 'auth') {
        ws.send({ type: 'authed', ref: f.ref, clientId: sub });
      }
    };
    ws.send({ type: 'connected', connectionId: `c-${randomBytes(4).toString('hex')}`, clientId: sub, heartbeatMs: 0 });
  }

  closeAll() {
    for (const c of this.conns) c.ws.socket.destroy();
  }

  log(channel) {
    if (!this.logs.has(channel)) this.logs.set(channel, []);
    return this.logs.get(channel);
  }

  write(channel, data, id) {
    const log = this.log(channel);
    const frame = { type: 'message', channel, position: pos(log.length), id: id ?? `${channel}-${log.length}`, data, timestamp: Date.now() };
    log.push(frame);
    for (const c of this.conns) if (c.subs.has(channel)) c.ws.send(frame);
    return log.length - 1;
  }

  snapshot(channel, data) {
    const seq = (this.seqs.get(channel) ?? 0) + 1;
    this.seqs.set(channel, seq);
    this.write(channel, { ...data, seq });
  }

  command(channel, sender, id, c) {
    const [, code, role] = channel.split(':');
    const e = this.events.get(code);
    const reply = (error, message, extra = {}) => this.write(`engage-me:${code}:${sender}`, error ? { type: 'reply', id, ok: false, error: { code: error, message: message ?? error, ...extra } } : { type: 'reply', id, ok: true });
    if (!e) return reply('unknown_event');
    if (!c || typeof c.type !== 'string') return reply('invalid_command');
    try {
      const out = (role ? this.staff(e, c, sender) : this.participant(e, c, sender, id)) ?? [];
      if (Array.isArray(out) && typeof out[0] === 'string') return reply(...out);
      reply();
    } catch (err) {
      reply('invalid_command', String(err?.message ?? err));
    }
  }

  participant(e, c, pid, id) {
    const name = e.participants.get(pid)?.name ?? 'someone';
    switch (c.type) {
      case 'participant.join':
        e.participants.set(pid, { name: String(c.name).slice(0, 40) });
        this.render(e.code);
        return;
      case 'poll.vote':
      case 'quiz.answer': {
        const a = e.activities.get(c.activity);
        if (!a) return ['unknown_activity'];
        if (a.state !== 'open') return ['activity_not_open'];
        if (c.round !== a.round) return ['wrong_round'];
        if (c.type === 'quiz.answer') {
          const q = a.def.questions[a.question];
          if (c.question !== a.question || !q) return ['unknown_question'];
          if (Date.now() > a.deadline) return ['too_late', `the question closed at ${new Date(a.deadline).toISOString()}`];
          const key = `${pid}:${a.question}`;
          if (a.answers.has(key)) return ['already_voted'];
          a.answers.set(key, c.choice);
          if (c.choice === q.correct) a.scores.set(pid, (a.scores.get(pid) ?? 0) + 500 + Math.round(500 * Math.max(0, a.deadline - Date.now()) / q.timeLimitMs));
        } else {
          if (a.votes.has(pid) && !a.def.allowChange) return ['already_voted'];
          a.votes.set(pid, { ...c, name });
        }
        this.audit.push({ event: e.code, activity: a.def.id, participant: pid, response: c });
        this.renderActivity(e, a);
        this.write(`engage-me:${e.code}:${pid}`, { type: 'you', votes: { [a.def.id]: { round: a.round, ...c } }, score: a.scores?.get(pid) ?? 0, team: null });
        return;
      }
      case 'qa.ask': {
        const q = { id, text: String(c.text).slice(0, 300), author: c.anonymous === false ? name : undefined, participant: pid, name, anonymous: c.anonymous !== false, upvotes: new Set(), pinned: false, answered: false, at: Date.now(), status: e.qa.moderated ? 'pending' : 'published' };
        e.questions.set(id, q);
        this.renderQa(e);
        return;
      }
      case 'qa.upvote': {
        const q = e.questions.get(c.question);
        if (!q || q.status !== 'published') return ['unknown_question'];
        if (c.on) q.upvotes.add(pid);
        else q.upvotes.delete(pid);
        this.renderQa(e);
        return;
      }
      case 'react': {
        if (!e.reactions.includes(c.emoji)) return ['invalid_command'];
        e.reactionTotals[c.emoji] = (e.reactionTotals[c.emoji] ?? 0) + 1;
        this.snapshot(`engage:${e.code}:reactions`, { type: 'reactions', counts: { [c.emoji]: 1 }, totals: { ...e.reactionTotals } });
        return;
      }
      case 'chat.send': {
        if (!e.chat.enabled) return ['activity_not_open'];
        const room = c.room ?? null;
        if (room !== null && e.rooms.get(pid) !== room) return ['not_in_room'];
        this.write(room === null ? `engage-chat:${e.code}` : `engage-chat:${e.code}:room:${room}`, { type: 'chat', id, participant: pid, name, text: String(c.text).slice(0, 500), at: Date.now() });
        return;
      }
      default:
        return ['invalid_command', `unknown type ${c.type}`];
    }
  }

  staff(e, c) {
    const a = e.activities.get(c.activity);
    switch (c.type) {
      case 'event.configure':
        Object.assign(e, { title: c.title ?? e.title, reactions: c.reactions ?? e.reactions, chat: { ...e.chat, ...c.chat }, qa: { ...e.qa, ...c.qa } });
        break;
      case 'activity.create': {
        if (e.activities.has(c.activity)) return ['activity_exists'];
        const { type: _t, activity: id, ...def } = c;
        e.activities.set(id, { def: { id, ...def }, state: 'draft', round: 1, votes: new Map(), answers: new Map(), scores: new Map(), question: -1 });
        this.renderActivity(e, e.activities.get(id));
        break;
      }
      case 'activity.open': case 'activity.close': case 'activity.reveal': case 'activity.rerun':
        if (!a) return ['unknown_activity'];
        if (c.type === 'activity.rerun' || (c.type === 'activity.open' && a.state !== 'draft')) Object.assign(a, { round: a.round + 1, votes: new Map(), answers: new Map(), scores: new Map(), question: -1 });
        a.state = { 'activity.open': 'open', 'activity.rerun': 'open', 'activity.close': 'closed', 'activity.reveal': 'results' }[c.type];
        this.renderActivity(e, a);
        break;
      case 'event.current':
        if (c.activity !== null && !a) return ['unknown_activity'];
        e.current = c.activity;
        break;
      case 'quiz.next':
        if (!a) return ['unknown_activity'];
        if (a.question + 1 >= a.def.questions.length) return ['invalid_command', 'no next question'];
        a.question += 1;
        a.revealed = false;
        a.deadline = Date.now() + a.def.questions[a.question].timeLimitMs;
        this.renderActivity(e, a);
        break;
      case 'quiz.reveal':
        if (!a) return ['unknown_activity'];
        a.revealed = true;
        this.renderActivity(e, a);
        break;
      case 'qa.moderate': {
        const q = e.questions.get(c.question);
        if (!q) return ['unknown_question'];
        if (c.status) q.status = c.status;
        if (c.pinned !== undefined) q.pinned = c.pinned;
        if (c.answered !== undefined) q.answered = c.answered;
        this.renderQa(e);
        return;
      }
      case 'chat.delete':
        this.write(`engage-chat:${e.code}`, { type: 'chat.deleted', id: c.message });
        return;
      case 'chat.slowmode':
        e.chat.slowModeMs = c.slowModeMs;
        break;
      case 'participant.ban': case 'participant.unban':
        return;
      case 'slides.show':
        e.slides = { deck: c.deck, slide: c.slide, state: c.state ?? null };
        break;
      case 'breakout.open': {
        let i = 0;
        for (const pid of [...e.participants.keys()].sort()) {
          const room = (i++ % c.rooms) + 1;
          e.rooms.set(pid, room);
          this.write(`engage-me:${e.code}:${pid}`, { type: 'room', room, rooms: c.rooms });
        }
        e.breakout = { open: true, rooms: c.rooms };
        break;
      }
      case 'breakout.close':
        for (const pid of e.rooms.keys()) this.write(`engage-me:${e.code}:${pid}`, { type: 'room', room: null });
        e.rooms.clear();
        e.breakout = { open: false, rooms: 0 };
        break;
      default:
        return ['invalid_command', `unknown type ${c.type}`];
    }
    this.render(e.code);
  }

  render(code) {
    const e = this.events.get(code);
    this.snapshot(`engage:${code}`, {
      type: 'event', code, title: e.title, current: e.current, reactions: e.reactions, chat: e.chat, qa: e.qa, slides: e.slides, breakout: e.breakout,
      participants: e.participants.size,
      activities: [...e.activities.values()].map((a) => ({ id: a.def.id, kind: a.def.kind, title: a.def.title, state: a.state, round: a.round })),
    });
  }

  renderActivity(e, a) {
    const { results: visibility = 'live', allowChange, scope, questions, ...def } = a.def;
    const snap = { type: 'activity', ...def, settings: { results: visibility, allowChange, scope }, state: a.state, round: a.round, responses: a.votes.size };
    const visible = visibility === 'live' || visibility === 'voted' || a.state === 'closed' || a.state === 'results';
    if (a.def.kind === 'quiz') {
      snap.questions = questions.map(({ correct, ...q }, i) => (i <= a.question && (i < a.question || a.revealed) ? { ...q, correct } : q));
      if (a.question >= 0) {
        const q = questions[a.question];
        const counts = {};
        for (const [k, v] of a.answers) if (k.endsWith(`:${a.question}`)) counts[v] = (counts[v] ?? 0) + 1;
        snap.question = { index: a.question, text: q.text, options: q.options, deadline: a.deadline, revealed: !!a.revealed, ...(a.revealed ? { correct: q.correct, counts } : {}) };
        snap.responses = Object.values(counts).reduce((s, n) => s + n, 0);
      }
      snap.leaderboard = [...a.scores.entries()].sort((x, y) => y[1] - x[1]).slice(0, 10).map(([participant, score]) => ({ participant, name: e.participants.get(participant)?.name, score }));
      snap.results = { leaderboard: snap.leaderboard };
    } else if (visible) {
      const votes = [...a.votes.values()];
      const counts = {};
      const ranking = {};
      const hist = {};
      const words = {};
      for (const v of votes) {
        for (const ch of v.choices ?? []) counts[ch] = (counts[ch] ?? 0) + 1;
        (v.ranking ?? []).forEach((id, i, all) => (ranking[id] = (ranking[id] ?? 0) + all.length - 1 - i));
        if (typeof v.rating === 'number') hist[v.rating] = (hist[v.rating] ?? 0) + 1;
        for (const w of v.words ?? []) words[w.toLowerCase()] = (words[w.toLowerCase()] ?? 0) + 1;
      }
      const ratings = votes.filter((v) => typeof v.rating === 'number');
      snap.results = {
        counts, ranking, ratings: { histogram: hist, mean: ratings.length ? ratings.reduce((s, v) => s + v.rating, 0) / ratings.length : null },
        words: Object.entries(words).map(([word, count]) => ({ word, count })), texts: votes.filter((v) => v.text).map((v) => ({ text: v.text })),
      };
    }
    this.snapshot(`engage:${e.code}:a:${a.def.id}`, snap);
  }

  renderQa(e) {
    const all = [...e.questions.values()];
    const published = all.filter((q) => q.status === 'published').sort((x, y) => (y.pinned - x.pinned) || (y.upvotes.size - x.upvotes.size) || (x.at - y.at));
    this.snapshot(`engage:${e.code}:qa`, { type: 'qa', questions: published.map((q) => ({ id: q.id, text: q.text, author: q.author, upvotes: q.upvotes.size, pinned: q.pinned, answered: q.answered, at: q.at })) });
    this.snapshot(`engage-mod:${e.code}`, { type: 'moderation', questions: all.filter((q) => q.status === 'pending').map((q) => ({ id: q.id, text: q.text, participant: q.participant, name: q.name, anonymous: q.anonymous, at: q.at })), entries: [], bans: [], slowModeMs: e.chat.slowModeMs });
  }
}

function pos(offset) {
  return `mockTopicId00000000000.0.1.${offset}`;
}
