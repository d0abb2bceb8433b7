import { describe, expect, it } from 'vitest';
import { memoryLogger } from './log';
import type { MetricsModule } from './metrics/module';
import { pipelineMetricsToNodes } from './wiring';

describe('pipeline figures to metric nodes', () => {
  it('maps names to event nodes and leaves attendance out until some is recorded', async () => {
    const seen: Record<string, number>[] = [];
    const metrics = { input: async (v: Record<string, number>) => (seen.push(v), { accepted: Object.keys(v).length }), accepts: () => true } as unknown as MetricsModule;
    const send = pipelineMetricsToNodes(metrics, memoryLogger());
    await send([
      { name: 'signups.e1', value: 12, at: 1 },
      { name: 'capacity.e1', value: 20, at: 1 },
      { name: 'attended.e1', value: 0, at: 1 },
      { name: 'waitlist.e1', value: 3, at: 1 },
      { name: 'cancellations.e1', value: 2, at: 1 },
    ]);
    await send([{ name: 'attended.e1', value: 9, at: 2 }]);
    expect(seen).toEqual([
      { 'event:e1:signups': 12, 'event:e1:capacity': 20, 'event:e1:waitlist': 3, 'event:e1:cancellations': 2 },
      { 'event:e1:attendance': 9 },
    ]);
  });

  it('leaves out nodes the coordinator removed instead of losing the whole batch', async () => {
    const seen: Record<string, number>[] = [];
    const metrics = {
      input: async (v: Record<string, number>) => (seen.push(v), { accepted: Object.keys(v).length }),
      accepts: (node: string) => !node.endsWith(':waitlist'),
    } as unknown as MetricsModule;
    await pipelineMetricsToNodes(metrics, memoryLogger())([{ name: 'signups.e1', value: 4, at: 1 }, { name: 'waitlist.e1', value: 1, at: 1 }]);
    expect(seen).toEqual([{ 'event:e1:signups': 4 }]);
  });

  it('never lets a metrics refusal stop the pipeline', async () => {
    const log = memoryLogger();
    const metrics = { input: async () => Promise.reject(new Error('unknown node')), accepts: () => true } as unknown as MetricsModule;
    await expect(pipelineMetricsToNodes(metrics, log)([{ name: 'signups.e1', value: 1, at: 1 }])).resolves.toBeUndefined();
    expect(log.lines.join('\n')).toMatch(/refused/);
  });
});
