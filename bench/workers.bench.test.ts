// Classifier throughput as processes are added: the classifier stage in one process (the app
// alone), then two and three processes (+1 and +2 `voluntree worker`s) sharing one consumer group
// on one Redis, each draining the same 30,000 comments. Each process is the same code a worker
// runs (bench/support/classifier-process.ts), started and given the model before the clock starts,
// so the figure is the drain, not start-up. On a 2-core machine a third process has no core of its
// own: the CPU count is printed beside the figures so they are read against it.
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { preparedGears } from '../src-main/engine/gears/libraries';
import { Gears } from '../src-main/engine/gears/loader';
import { readArtifact, type ModelArtifact } from '../src-main/engine/model/artifact';
import { publishModel } from '../src-main/engine/model/model-store';
import { preprocessItem } from '../src-main/engine/pipeline/stages/preprocess';
import type { CommentItem } from '../src-main/engine/streams/entries';
import { readLabelled } from '../src-main/engine/model/training/data';
import { testRedis, type TestRedis } from '../test/support/redis';
import { reportFigures, type BenchRow } from './support/report';

const ROOT = path.resolve(import.meta.dirname, '..');
const ARTIFACT = path.join(ROOT, 'model/artifact');
const COMMENTS = 30_000;
const DRAIN_LIMIT_MS = 120_000;
const texts = readLabelled(path.join(ROOT, 'model/data/test.jsonl')).map((r) => r.text);

function item(n: number): CommentItem {
  return {
    kind: 'comment', commentId: `post_${n}`, postId: 'post', parentId: 'post', verb: 'add',
    from: { id: `u${n}`, name: `Person ${n}` }, message: texts[n % texts.length]!, createdTime: 1, receivedAt: 2, pageId: 'page',
  };
}

interface Proc {
  child: ChildProcess;
  lines: AsyncIterator<string>;
}

async function startProcess(t: TestRedis): Promise<Proc> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', path.join(ROOT, 'bench/support/raw-import.mjs'), path.join(ROOT, 'bench/support/classifier-process.ts')], {
    cwd: ROOT, env: { ...process.env, BENCH_REDIS_URL: t.url, BENCH_PREFIX: t.prefix }, stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const first = await Promise.race([
    lines.next(),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('a classifier process did not get ready within 60 s')), 60_000)),
  ]);
  if (first.value !== 'ready') throw new Error(`a classifier process said ${String(first.value)} instead of ready`);
  return { child, lines };
}

describe('classifier across processes', () => {
  let t: TestRedis;
  let artifact: ModelArtifact;
  const rows: BenchRow[] = [];
  const running: Proc[] = [];

  beforeAll(async () => {
    t = await testRedis();
    await new Gears(t.redis, preparedGears()).load();
    artifact = await readArtifact(ARTIFACT);
    await publishModel(t.redis, t.keys, artifact);
  });
  afterAll(async () => {
    for (const p of running) p.child.kill('SIGKILL');
    await t.cleanup();
    reportFigures(`Classifier across processes (${os.cpus().length} CPUs)`, rows);
  });

  async function fill(): Promise<void> {
    await t.redis.del(t.keys.streamComments, t.keys.streamIntents);
    for (let i = 0; i < COMMENTS; i += 1000) {
      const p = t.redis.pipeline();
      for (let j = i; j < Math.min(COMMENTS, i + 1000); j += 1) p.xadd(t.keys.streamComments, '*', 'p', JSON.stringify(preprocessItem(item(j), artifact.features).entry));
      await p.exec();
    }
  }

  /** Starts `n` processes on a full stream, lets them go together and times the drain. */
  async function drain(n: number): Promise<{ rate: number; cpuMsPer1000: number; shares: number[] }> {
    await fill();
    const procs: Proc[] = [];
    for (let i = 0; i < n; i += 1) procs.push(await startProcess(t));
    running.push(...procs);
    const started = performance.now();
    for (const p of procs) p.child.stdin!.write('go\n');
    while ((await t.redis.xlen(t.keys.streamIntents)) < COMMENTS) {
      if (performance.now() - started > DRAIN_LIMIT_MS) throw new Error(`only ${await t.redis.xlen(t.keys.streamIntents)} of ${COMMENTS} classified in ${DRAIN_LIMIT_MS} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const seconds = (performance.now() - started) / 1000;
    const reports: Array<{ done: number; cpuMs: number }> = [];
    for (const p of procs) {
      p.child.kill('SIGTERM');
      const line = await p.lines.next();
      reports.push(JSON.parse(String(line.value)) as { done: number; cpuMs: number });
      running.splice(running.indexOf(p), 1);
    }
    const cpu = reports.reduce((s, r) => s + r.cpuMs, 0);
    return { rate: COMMENTS / seconds, cpuMsPer1000: Math.round((cpu / COMMENTS) * 1000 * 10) / 10, shares: reports.map((r) => r.done) };
  }

  it('measures comments/s with one, two and three classifier processes', async () => {
    const alone = await drain(1);
    rows.push({ measure: 'classifier, app alone (1 process)', value: Math.round(alone.rate), unit: 'comments/s' });
    for (const extra of [1, 2]) {
      const r = await drain(1 + extra);
      rows.push({
        measure: `classifier, app + ${extra} worker${extra > 1 ? 's' : ''} (${1 + extra} processes; shares ${r.shares.join(' / ')})`,
        value: Math.round(r.rate),
        unit: 'comments/s',
        baseline: { label: 'app alone, same run', value: Math.round(alone.rate) },
      });
      rows.push({ measure: `  CPU per 1,000 comments, all ${1 + extra} processes`, value: r.cpuMsPer1000, unit: 'ms' });
    }
    rows.push({ measure: 'CPU per 1,000 comments, app alone', value: alone.cpuMsPer1000, unit: 'ms' });
    rows.push({ measure: 'CPUs on this machine', value: os.cpus().length, unit: '' });
  });
});
