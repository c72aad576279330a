// Reaction storm: PARTICIPANTS send emoji reactions for DURATION seconds, each at its own pace around
// ingest's per-participant limit (5 per 10 s by default), while every participant watches the
// reaction counts (engage:CODE:reactions). Refusals must be rate_limited, nothing else.
//   k6 run -e CHORUS_URL=https://live.example.com -e CHORUS_ENGAGE_URL=... -e CHORUS_ADMIN_KEY=... k6/reaction-storm.js
import { Counter, Rate, Trend } from 'k6/metrics';
import { setInterval, clearInterval, setTimeout } from 'k6/timers';
import { engagementEvent, onReply, participant, seconds } from './lib/chorus.js';

const PARTICIPANTS = seconds('PARTICIPANTS', 3000);
const DURATION = seconds('DURATION', 120);
const EVERY_MS = seconds('EVERY_MS', 2000);
const EMOJI = ['👍', '❤️', '😂', '👏', '🎉', '😮'];

const reactionReply = new Trend('chorus_reaction_reply_time', true);
const reactionAccepted = new Rate('chorus_reaction_accepted');
const refusedOther = new Counter('chorus_reaction_refused_other');
const snapshots = new Counter('chorus_reaction_snapshots');

/** @type {import('k6/options').Options} */
export const options = {
  setupTimeout: '60s',
  scenarios: {
    audience: { executor: 'ramping-vus', exec: 'audience', startVUs: 0,
      stages: [{ duration: '30s', target: PARTICIPANTS }, { duration: `${DURATION}s`, target: PARTICIPANTS }],
      gracefulRampDown: '10s' },
  },
  thresholds: {
    chorus_reaction_reply_time: ['p(95)<1000'],
    // At one reaction per EVERY_MS (2 s), a participant stays within 5 per 10 s: nearly all accepted.
    chorus_reaction_accepted: ['rate>0.95'],
    chorus_reaction_refused_other: ['count==0'],
    chorus_reaction_snapshots: ['count>0'],
    chorus_publish_ok: ['rate>0.999'],
    chorus_duplicates: ['count==0'],
  },
};

export function setup() {
  return { event: engagementEvent() };
}

/** @param {{event: {code: string}}} data */
export function audience(data) {
  const code = data.event.code;
  participant(code, ({ client }) => {
    /** @type {Map<string, number>} */
    const sent = new Map();
    // The snapshot handler first: onReply passes on what is not a reply.
    client.on('message', (f) => {
      if (f.channel === `engage:${code}:reactions`) {
        snapshots.add(1);
      }
    });
    onReply(client, (reply) => {
      const at = sent.get(reply.id);
      if (at === undefined) {
        return;
      }
      sent.delete(reply.id);
      reactionReply.add(Date.now() - at);
      reactionAccepted.add(reply.ok === true);
      if (!reply.ok && (!reply.error || reply.error.code !== 'rate_limited')) {
        refusedOther.add(1, { error: reply.error ? reply.error.code : 'none' });
      }
    });
    client.subscribe(`engage:${code}:reactions`, { rewind: 1 });
    // Jitter the start so the audience does not tick in lockstep.
    setTimeout(() => {
      const tick = setInterval(() => {
        const id = client.publish(`engage-in:${code}`, { type: 'react', emoji: EMOJI[Math.floor(Math.random() * EMOJI.length)] });
        sent.set(id, Date.now());
      }, EVERY_MS);
      setTimeout(() => {
        clearInterval(tick);
        client.close();
      }, DURATION * 1000);
    }, Math.random() * EVERY_MS);
  });
}
