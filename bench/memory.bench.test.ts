import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { it } from 'vitest';
import type { VolunteerRecord } from '../src-main/engine/pipeline/state/records';
import { ensureBuilt } from '../test/e2e/support/app';
import { printedUrlOf, VoluntreeProcess, waitHealthy, sleep } from '../test/faults/support/processes';
import { reportFigures } from './support/report';

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

/** The app at rest (browser mode, demo), measured as a separate process like a coordinator runs it. */
async function restingRss(volunteers: number): Promise<{ rss: number; startMs: number }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vt-bench-mem-'));
  mkdirSync(path.join(dataDir, 'data'), { recursive: true });
  if (volunteers > 0) {
    const roster: Record<string, VolunteerRecord> = {};
    const t = Date.now();
    for (let i = 0; i < volunteers; i += 1) {
      const id = `v${i}`;
      roster[id] = {
        id, name: `Volunteer Number ${i}`, facebookId: String(10_000_000 + i), psid: i % 3 === 0 ? String(20_000_000 + i) : null,
        email: i % 4 === 0 ? `person${i}@example.org` : null, tags: i % 5 === 0 ? ['driver'] : [], notes: '', firstSeen: t - i * 1000,
        lastSeen: t, lastMessageAt: null, source: 'facebook', mergedIds: [],
      };
    }
    writeFileSync(path.join(dataDir, 'data', 'volunteers.json'), JSON.stringify(roster));
  }
  const proc = new VoluntreeProcess('serve', { VOLUNTREE_DATA_DIR: dataDir, VOLUNTREE_PORT: '0', VOLUNTREE_TUNNEL: 'off', REDIS_URL: '' });
  const t0 = performance.now();
  proc.start();
  try {
    await waitHealthy(await printedUrlOf(proc), proc, 60_000);
    const startMs = performance.now() - t0;
    await sleep(5000);
    return { rss: rssMb(proc.pid!), startMs };
  } finally {
    await proc.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

it('engine memory at rest with 100,000 volunteers', async () => {
  ensureBuilt();
  const empty = await restingRss(0);
  const full = await restingRss(100_000);
  reportFigures('Memory at rest', [
    {
      measure: 'engine process RSS at rest, 100,000 volunteers',
      value: full.rss,
      unit: 'MB',
      baseline: { label: 'same app, empty roster', value: empty.rss },
      target: '<= 300 MB',
      met: full.rss <= 300,
    },
    { measure: 'start to healthy, 100,000 volunteers (process spawn included)', value: Math.round(full.startMs), unit: 'ms', baseline: { label: 'empty roster', value: Math.round(empty.startMs) } },
  ]);
});
