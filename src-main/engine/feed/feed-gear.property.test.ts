import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { Activity, FeedVerb } from '../../contract/feed';
import { testRedis, type TestRedis } from '../../../test/support/redis';
import { preparedGears } from '../gears/libraries';
import { Gears } from '../gears/loader';
import { subjectOfTarget } from './aggregation';
import { FeedGear } from './feed-gear';
import { act, DAY, T0 } from './test-support/fixtures';
import { Prng } from './test-support/prng';
import { invariantProblems, readFeedState, ReferenceModel } from './test-support/reference-model';

type Op =
  | { kind: 'add'; activity: Activity }
  | { kind: 'delete'; id: string }
  | { kind: 'follow'; user: string; target: string; at: number; follow: boolean }
  | { kind: 'prune'; horizon: number };

const ACTORS = ['maria', 'sam', 'ana', 'joe'];
const VERBS: FeedVerb[] = ['commented', 'signed_up', 'cancelled'];
const OBJECTS = ['beach', 'park', 'food'];
const USERS = ['coordinator', 'lead'];
const TARGETS = ['volunteer:maria', 'volunteer:sam', 'volunteer:ana', 'event:beach', 'event:park'];

/** Random operations; a third of them repeat an earlier one (a retry or a duplicate delivery). */
function generator(rng: Prng, times: Map<string, number>) {
  const history: Op[] = [];
  let nextId = 0;
  return (): Op => {
    const roll = rng.next();
    let op: Op;
    if (history.length > 0 && roll < 0.3) {
      op = rng.pick(history);
    } else if (roll < 0.65) {
      const id = `a${nextId++}`;
      // Few days and coarse times, so aggregations collect several activities and ties happen.
      const time = T0 + rng.int(3) * DAY + rng.int(6) * 60_000;
      const objectType = rng.next() < 0.1 ? 'volunteer' : 'event';
      op = { kind: 'add', activity: act(id, rng.pick(ACTORS), rng.pick(VERBS), rng.pick(OBJECTS), time, objectType) };
      times.set(id, time);
    } else if (roll < 0.8) {
      op = { kind: 'delete', id: nextId > 0 && rng.next() < 0.9 ? `a${rng.int(nextId)}` : `a${nextId + 5}` };
    } else if (roll < 0.82) {
      // Rare, and mostly early horizons, so most activities stay in play.
      op = { kind: 'prune', horizon: T0 + rng.int(4) * (DAY / 2) };
    } else {
      op = { kind: 'follow', user: rng.pick(USERS), target: rng.pick(TARGETS), at: rng.int(20), follow: rng.next() < 0.6 };
    }
    history.push(op);
    return op;
  };
}

/** Activity times by id, as the engine passes them from lowdb when deleting. */
async function apply(gear: FeedGear, op: Op, times: Map<string, number>): Promise<void> {
  if (op.kind === 'add') await gear.add(op.activity);
  else if (op.kind === 'delete') await gear.delete(op.id, times.get(op.id));
  else if (op.kind === 'prune') await gear.prune(op.horizon, 2);
  else await gear.follow(op.user, op.target, op.at, op.follow);
}

function applyToModel(model: ReferenceModel, op: Op): void {
  if (op.kind === 'add') model.add(op.activity);
  else if (op.kind === 'delete') model.delete(op.id);
  else if (op.kind === 'prune') model.prune(op.horizon);
  else model.follow(op.user, subjectOfTarget(op.target), op.at, op.follow);
}

describe('feed gear, property: any sequence and interleaving of add, delete, follow, unfollow, prune', () => {
  let t: TestRedis;
  const clients: Redis[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    await t.cleanup();
  });

  // Several seeds and sizes: a small size makes trimming and refilling happen all the time.
  it.each([
    { seed: 1, maxSize: 3, workers: 4 },
    { seed: 2, maxSize: 5, workers: 3 },
    { seed: 3, maxSize: 2, workers: 6 },
    { seed: 4, maxSize: 50, workers: 4 },
    { seed: 5, maxSize: 4, workers: 1 },
  ])('seed $seed, max $maxSize, $workers workers: every feed equals the model after each step', async ({ seed, maxSize, workers }) => {
    t = await testRedis();
    const rng = new Prng(seed);
    const times = new Map<string, number>();
    const next = generator(rng, times);
    const gears: FeedGear[] = [];
    for (let w = 0; w < workers; w += 1) {
      const client = new Redis(t.url, { maxRetriesPerRequest: null });
      clients.push(client);
      const g = new Gears(client, preparedGears());
      if (w === 0) await g.load();
      gears.push(new FeedGear(client, g, t.keys, { maxSize, timeZone: () => 'UTC' }));
    }
    const model = new ReferenceModel(maxSize);
    for (let step = 0; step < 60; step += 1) {
      // One step: a handful of operations spread over the workers, all running at once.
      const ops = Array.from({ length: 1 + rng.int(10) }, next);
      const lanes: Op[][] = gears.map(() => []);
      for (const op of ops) lanes[rng.int(workers)]!.push(op);
      await Promise.all(lanes.map(async (lane, w) => {
        for (const op of lane) await apply(gears[w]!, op, times);
      }));
      for (const op of ops) applyToModel(model, op);
      const actual = await readFeedState(t.redis, t.keys);
      const where = `seed ${seed}, step ${step}`;
      expect(invariantProblems(actual, maxSize), where).toEqual([]);
      expect(actual, where).toEqual(model.expected());
    }
  });
});
