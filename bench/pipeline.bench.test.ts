import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, it } from 'vitest';
import { testRedis, type TestRedis } from '../test/support/redis';
import { systemClock } from '../src-main/engine/clock';
import { LiveBus } from '../src-main/engine/live';
import { memoryLogger } from '../src-main/engine/log';
import { QueueFactory } from '../src-main/engine/queues/factory';
import { parseRedisUrl } from '../src-main/engine/redis/endpoint';
import { Store } from '../src-main/engine/store/store';
import { EmailVerification } from '../src-main/engine/pipeline/email/verification';
import { recordBatch, type RecorderDeps } from '../src-main/engine/pipeline/recorder/recorder';
import { PipelineCore } from '../src-main/engine/pipeline/core';
import { PipelineState } from '../src-main/engine/pipeline/state/pipeline-state';
import type { EventRecord, VolunteerRecord } from '../src-main/engine/pipeline/state/records';
import { commentIntent } from '../src-main/engine/pipeline/testing/harness';
import { reportFigures, type BenchRow } from './support/report';

let t: TestRedis;
beforeAll(async () => {
  t = await testRedis();
});
afterAll(() => t.cleanup());

/** A data folder holding a roster of `n` volunteers (as lowdb files) and one published event. */
function seed(n: number): { dir: string; postId: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vt-bench-pipeline-'));
  const now = Date.now();
  const volunteers: Record<string, VolunteerRecord> = {};
  for (let i = 0; i < n; i += 1) {
    const id = `fb_${1_000_000 + i}`;
    volunteers[id] = {
      id, name: `Volunteer ${i} Example`, facebookId: String(1_000_000 + i), psid: `psid${i}`, email: i % 3 === 0 ? `v${i}@example.test` : null,
      tags: i % 5 === 0 ? ['driver'] : [], notes: i % 7 === 0 ? 'Prefers weekend mornings' : '', firstSeen: now - 90 * 86_400_000, lastSeen: now - 86_400_000,
      lastMessageAt: null, source: 'facebook', mergedIds: [],
    };
  }
  const postId = 'page_bench_post';
  const event: EventRecord = {
    id: 'ev_bench', title: 'Bench event', description: '', location: 'Hall', postTextOverride: null, status: 'published', scheduledAt: null,
    publishedAt: now, postId, permalinkUrl: null, failureReason: null, createdAt: now, updatedAt: now,
    slots: [{ id: 'slot1', title: 'All day', start: now + 86_400_000, end: now + 90_000_000, capacity: 5000, description: null }],
  };
  writeFileSync(path.join(dir, 'volunteers.json'), JSON.stringify(volunteers));
  writeFileSync(path.join(dir, 'events.json'), JSON.stringify({ [event.id]: event }));
  return { dir, postId };
}

async function measure(n: number): Promise<BenchRow[]> {
  const { dir, postId } = seed(n);
  const log = memoryLogger();
  const store = new Store(dir, log);
  const state = await PipelineState.open(store);
  const queues = new QueueFactory(parseRedisUrl(t.url), `${t.keys.bullPrefix}${n}`, log);
  const live = new LiveBus(t.redis, null, t.keys.liveChannel, systemClock, log);
  const dispatch = {
    state, redis: t.redis, keys: t.keys, live, log, replyQueue: () => queues.queue('reply'), emailQueue: () => queues.queue('email'),
    timeZone: () => 'UTC', now: () => Date.now(),
  } satisfies Omit<RecorderDeps, 'verification' | 'context' | 'stream' | 'group'>;
  const core = new PipelineCore(state, dispatch);
  const deps: RecorderDeps = {
    ...dispatch, verification: new EmailVerification(t.redis, t.keys.emailCode, () => Date.now()),
    context: (effects) => core.context(effects), stream: t.keys.streamIntents, group: 'recorder',
  };
  // Half the signups come from people already on the roster, half from new people.
  const batch = Array.from({ length: 1000 }, (_, i) => ({
    id: `0-${i + 1}`,
    value: commentIntent({ postId, from: i % 2 === 0 ? { id: String(1_000_000 + i), name: `Volunteer ${i} Example` } : { id: `new${i}`, name: `New Person ${i}` }, message: "I'm in", intent: 'signup' }),
  }));
  const before = { v: state.files.volunteers.writes, c: state.files.comments.writes, s: state.files.signups.writes };
  const t0 = performance.now();
  const recorded = await recordBatch(deps, batch);
  const totalMs = performance.now() - t0;
  const recordMs = recorded.timings.applyMs + recorded.timings.writeMs;
  const writes = { v: state.files.volunteers.writes - before.v, c: state.files.comments.writes - before.c, s: state.files.signups.writes - before.s };

  // The bare cost of one write of the roster file at this size, the floor under any batch.
  const samples: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    const w0 = performance.now();
    await state.files.volunteers.write();
    samples.push(performance.now() - w0);
  }
  samples.sort((a, b) => a - b);
  await queues.closeAll();
  rmSync(dir, { recursive: true, force: true });
  const label = n.toLocaleString('en-US');
  return [
    { measure: `roster file write (lowdb) at ${label} volunteers, median of 5`, value: Math.round(samples[2]!), unit: 'ms' },
    {
      measure: `record 1,000 signups into ${label} volunteers (apply + durable write)`,
      value: Math.round(recordMs), unit: 'ms', baseline: { label: 'one roster file write', value: Math.round(samples[2]!) },
      ...(n === 100_000 ? { target: '<= 500 ms', met: recordMs <= 500 } : {}),
    },
    { measure: `  of which apply in memory`, value: Math.round(recorded.timings.applyMs), unit: 'ms' },
    { measure: `publish the batch's live events (once written, ${label})`, value: Math.round(recorded.timings.liveMs), unit: 'ms' },
    { measure: `write + publish, beside queueing 2,000 replies and telling feed and metrics, then ack (${label})`, value: Math.round(recorded.timings.dispatchMs), unit: 'ms' },
    { measure: `whole batch end to end (${label})`, value: Math.round(totalMs), unit: 'ms' },
    {
      measure: `file writes for that batch at ${label}: roster / comments / signups`,
      value: writes.v, unit: `write (comments ${writes.c}, signups ${writes.s})`, ...(n === 100_000 ? { target: '<= 2 roster writes', met: writes.v <= 2 } : {}),
    },
  ];
}

it('lowdb write cost per recorder batch at 10k and 100k volunteers', async () => {
  const rows = [...(await measure(10_000)), ...(await measure(100_000))];
  reportFigures('Signup pipeline (recorder)', rows);
});
