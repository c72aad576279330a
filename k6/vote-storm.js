// Vote storm: VOTERS participants join an event (ENGAGE.md join API), connect, and all vote in one
// choice poll at the same moment. Each vote is a publish on engage-in:CODE; ingest answers on the
// participant's engage-me channel. At the end the poll's snapshot must count every vote exactly once.
//   k6 run -e CHORUS_URL=https://live.example.com -e CHORUS_ENGAGE_URL=... -e CHORUS_ADMIN_KEY=... k6/vote-storm.js
import http from 'k6/http';
import { check } from 'k6';
import { Rate, Trend } from 'k6/metrics';
import { setTimeout } from 'k6/timers';
import { BASE, engagementEvent, hostCommand, onReply, participant, seconds } from './lib/chorus.js';

const VOTERS = seconds('VOTERS', 5000);
const JOIN_WINDOW = seconds('JOIN_WINDOW', 60);
const REPLY_TIMEOUT = seconds('REPLY_TIMEOUT', 30);
const ACTIVITY = __ENV.ACTIVITY || 'k6poll';
const OPTIONS = ['a', 'b', 'c', 'd'];

const voteReply = new Trend('chorus_vote_reply_time', true);
const voteCounted = new Rate('chorus_vote_counted');

/** @type {import('k6/options').Options} */
export const options = {
  setupTimeout: '60s',
  scenarios: {
    voters: { executor: 'per-vu-iterations', exec: 'voter', vus: VOTERS, iterations: 1,
      maxDuration: `${JOIN_WINDOW + REPLY_TIMEOUT + 60}s` },
  },
  thresholds: {
    chorus_vote_counted: ['rate>0.999'],
    chorus_vote_reply_time: ['p(95)<2000', 'p(99)<5000'],
    chorus_ack_latency: ['p(99)<500'],
    chorus_publish_ok: ['rate>0.999'],
    chorus_duplicates: ['count==0'],
    checks: ['rate==1'],
  },
};

export function setup() {
  const event = engagementEvent();
  hostCommand(event, { type: 'activity.create', activity: ACTIVITY, kind: 'choice', title: 'k6 vote storm',
    options: OPTIONS.map((id) => ({ id, label: id.toUpperCase() })), maxChoices: 1, results: 'live' });
  hostCommand(event, { type: 'activity.open', activity: ACTIVITY });
  return { event, voteAt: Date.now() + JOIN_WINDOW * 1000 };
}

/** @param {{event: {code: string, hostToken: string}, voteAt: number}} data */
export function voter(data) {
  participant(data.event.code, ({ client }) => {
    setTimeout(() => {
      const sent = Date.now();
      let answered = false;
      /** @type {string} */
      let id = '';
      onReply(client, (reply) => {
        if (reply.id !== id || answered) {
          return;
        }
        answered = true;
        voteReply.add(Date.now() - sent);
        voteCounted.add(reply.ok === true);
        client.close();
      });
      id = client.publish(`engage-in:${data.event.code}`,
        { type: 'poll.vote', activity: ACTIVITY, round: 1, choices: [OPTIONS[__VU % OPTIONS.length]] });
      setTimeout(() => {
        if (!answered) {
          voteCounted.add(false);
          client.close();
        }
      }, REPLY_TIMEOUT * 1000);
    }, Math.max(0, data.voteAt - Date.now()));
  });
}

/**
 * The latest snapshot of the poll counts each voter once: no vote lost, none doubled.
 * @param {{event: {code: string, hostToken: string}}} data
 */
export function teardown(data) {
  const channel = `engage:${data.event.code}:a:${ACTIVITY}`;
  const res = http.get(`${BASE}/v1/channels/${encodeURIComponent(channel)}/messages?limit=1`,
    { headers: { Authorization: `Bearer ${data.event.hostToken}` } });
  const body = /** @type {{messages: {data: {responses: number}}[]}} */ (res.json());
  const responses = body.messages.length ? body.messages[body.messages.length - 1].data.responses : -1;
  check(responses, {
    'no vote counted twice (responses <= voters)': (n) => n <= VOTERS,
    'every vote counted (responses == voters)': (n) => n === VOTERS,
  });
}
