// /healthz while 10,000 webhook deliveries of the delivery fuzz's kinds go over HTTP to the
// engine in demo mode (signed with its secret), one after another from a worker thread, beside
// /healthz on the same engine idle just before. The whole pipeline runs behind them (ingest,
// preprocess, the classifier gear, the recorder, replies to the simulator). The target:
// never slower than 200 ms. Every answer must be a 200, or a 401/403 for the badly signed.
import { it } from 'vitest';
import type { EventView } from '../src-main/contract/events';
import { commentChange, feedEntry, signBody, webhookPayload } from '../src-main/simulator/webhook-payloads';
import { prng } from '../test/support/prng';
import { healthzRows, probeDuring, round, type ProbeBody } from './support/healthz';
import { reportFigures } from './support/report';

const DELIVERIES = 10_000;
const TEXTS = ["I'm in", 'count me + 2 friends', 'sorry, cannot come', 'what time?', 'great cause!', '🙋', 'cuenten conmigo', 'x'.repeat(9000)];
const HOSTILE_IDS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'a:b', '../x', '', 'x'.repeat(201), 'id with space'];

it('/healthz during 10,000 hostile webhook deliveries', { timeout: 900_000 }, async () => {
  const kinds = { replays: 0, hostileIds: 0, otherPages: 0, badSignatures: 0 };
  const r = await probeDuring(async (engine) => {
    const { appSecret, pageId } = engine.services!.demo!.credentials;
    const start = new Date(Date.now() + 3 * 86_400_000);
    const ev = (await engine.call('events.create', {
      title: 'Dune planting', location: 'South beach',
      slots: [{ title: 'Morning', start: start.toISOString(), end: new Date(start.getTime() + 3 * 3_600_000).toISOString(), capacity: 60 }],
    })) as EventView;
    await engine.call('events.publish', { id: ev.id });
    let postId: string | null = null;
    for (let i = 0; i < 200 && !postId; i += 1) {
      postId = ((await engine.call('events.get', { id: ev.id })) as EventView).postId;
      if (!postId) await new Promise((res) => setTimeout(res, 50));
    }
    if (!postId) throw new Error('the event was not published');
    // Demo mode's simulated crowd comments on the post as well, as it would in the app.
    const rand = prng(20261204);
    const int = (n: number): number => Math.floor(rand() * n);
    const sent: Buffer[] = [];
    const bodies: ProbeBody[] = [];
    let t = Date.now() - 3_600_000;
    for (let i = 0; i < DELIVERIES; i += 1) {
      let body: Buffer;
      if (sent.length > 0 && rand() < 0.25) {
        body = sent[int(sent.length)]!;
        kinds.replays += 1;
      } else {
        const hostile = rand() < 0.03;
        if (hostile) kinds.hostileIds += 1;
        const otherPage = rand() < 0.08;
        if (otherPage) kinds.otherPages += 1;
        const page = otherPage ? '100000000000999' : pageId;
        const commentId = hostile ? HOSTILE_IDS[int(HOSTILE_IDS.length)]! : `${postId.split('_')[1]}_${int(400)}`;
        const person = int(120);
        const verb = (['add', 'add', 'add', 'edited', 'remove', 'hide', 'unhide'] as const)[int(7)];
        t += 1000 - int(1500);
        body = Buffer.from(JSON.stringify(webhookPayload([
          feedEntry(page, [commentChange({ pageId: page, postId, commentId, from: { id: `9${person}`, name: `Fuzz ${person}` }, message: TEXTS[int(TEXTS.length)]!, verb, createdTime: Math.floor(t / 1000) })], t),
        ])));
        sent.push(body);
      }
      const bad = rand() < 0.05;
      if (bad) kinds.badSignatures += 1;
      bodies.push({ path: '/webhooks/facebook', headers: { 'content-type': 'application/json', 'x-hub-signature-256': bad ? signBody(body, 'not-the-secret') : signBody(body, appSecret) }, body });
    }
    return bodies;
  });
  const count = (codes: number[]): number => r.statuses.filter((s) => codes.includes(s)).length;
  const unexpected = r.statuses.filter((s) => ![200, 401, 403].includes(s));
  if (unexpected.length > 0) throw new Error(`deliveries answered ${[...new Set(unexpected)].join(', ')}`);
  if (count([401, 403]) !== kinds.badSignatures) throw new Error(`${count([401, 403])} refused, ${kinds.badSignatures} badly signed`);
  reportFigures('Hostile webhook deliveries', [
    {
      measure: `${DELIVERIES.toLocaleString('en-US')} deliveries (${kinds.replays} replays, ${kinds.hostileIds} hostile ids, ${kinds.otherPages} other Page, ${kinds.badSignatures} badly signed)`,
      value: round(r.importMs), unit: 'ms',
    },
    ...healthzRows(r, 'the deliveries'),
  ]);
});
