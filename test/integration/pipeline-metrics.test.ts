import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../src-main/engine/log';
import { startMetricsHarness, type MetricsHarness } from '../../src-main/engine/metrics/testing';
import type { PipelineMetric } from '../../src-main/engine/pipeline/effects';
import { call } from '../../src-main/engine/pipeline/testing/call';
import { FakeGraph } from '../../src-main/engine/pipeline/testing/fake-graph';
import { commentIntent, feedIntents, settled, startHarness, until, type Harness } from '../../src-main/engine/pipeline/testing/harness';
import { pipelineMetricsToNodes } from '../../src-main/engine/wiring';

/** The real pipeline feeding the real live metrics, wired as the engine wires them, on one Redis. */
describe('pipeline figures in live metrics', () => {
  let h: Harness;
  let m: MetricsHarness;
  let send: ((values: PipelineMetric[]) => Promise<void>) | null = null;

  beforeEach(async () => {
    h = await startHarness({ graph: new FakeGraph(), onMetrics: (values) => send?.(values) });
    m = await startMetricsHarness(h.t, { clock: h.clock });
    send = pipelineMetricsToNodes(m.module, memoryLogger());
  });
  afterEach(async () => {
    send = null;
    await m.close();
    await h.cleanup();
  });

  const valueOf = async (node: string): Promise<number | null> => {
    const [v] = (await m.module.handlers!['metrics.values']!({ nodes: [node], historyLimit: 10 }, { via: 'internal' })).values;
    return v?.value ?? null;
  };

  it('counts a cancel comment in event:<id>:cancellations and keeps the waitlist node current', async () => {
    const e = await call(h.module, 'events.create', { title: 'Beach clean', slots: [{ title: 'Morning', start: '2026-12-05T09:00:00Z', end: '2026-12-05T12:00:00Z', capacity: 1 }] });
    await call(h.module, 'events.publish', { id: e.id });
    await until('the post is published', async () => (await call(h.module, 'events.get', { id: e.id })).status === 'published');
    const { postId } = await call(h.module, 'events.get', { id: e.id });
    const maria = { id: '3001', name: 'Maria Lopez' };
    const sam = { id: '3002', name: 'Sam Lee' };
    await feedIntents(h, [
      commentIntent({ postId: postId!, from: maria, message: "I'm in", intent: 'signup' }),
      commentIntent({ postId: postId!, from: sam, message: "I'm in", intent: 'signup' }),
    ]);
    await settled(h);
    await until('the signups reach the metrics', async () => (await valueOf(`event:${e.id}:waitlist`)) === 1);
    expect(await valueOf(`event:${e.id}:cancellations`)).toBe(0);
    expect(await valueOf(`event:${e.id}:signups`)).toBe(1);

    await feedIntents(h, [commentIntent({ postId: postId!, from: maria, message: "sorry, can't make it", intent: 'cancel' })]);
    await settled(h);
    await until('the cancellation reaches the metrics', async () => (await valueOf(`event:${e.id}:cancellations`)) === 1);
    // Sam took Maria's place: nobody waits, one person signed up.
    expect(await valueOf(`event:${e.id}:waitlist`)).toBe(0);
    expect(await valueOf(`event:${e.id}:signups`)).toBe(1);
    await m.service.settled();
    expect(await valueOf(`event:${e.id}:fill-rate`)).toBe(1);
  });
});
