import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testRedis, type TestRedis } from '../../../test/support/redis';
import { metricNodeSchema } from '../../contract/metrics';
import { startMetricsHarness, type MetricsHarness } from './testing';

const TOKEN = 'test-token-123456';

/** A server like the engine's: the bearer token on every route that asks for it. */
async function httpApp(h: MetricsHarness): Promise<FastifyInstance> {
  const app = Fastify();
  app.addHook('onRequest', async (req, reply) => {
    if (req.routeOptions.config.auth === 'token' && req.headers.authorization !== `Bearer ${TOKEN}`) {
      await reply.code(401).send({ error: { code: 'unauthorized', message: 'A bearer token is required.' } });
    }
  });
  h.module.registerRoutes(app);
  await app.ready();
  return app;
}

async function defineScenario(h: MetricsHarness): Promise<void> {
  for (const id of ['C', 'D', 'E', 'F']) await h.service.define(metricNodeSchema.parse({ id, kind: 'input', validitySeconds: 60 }));
  await h.service.define(metricNodeSchema.parse({ id: 'A', kind: 'derived', fn: 'add', args: ['C', 'D', 'E'], validitySeconds: 60 }));
  await h.service.define(metricNodeSchema.parse({ id: 'B', kind: 'derived', fn: 'multiply', args: ['A', 'F'], validitySeconds: 60 }));
}

type Send = (values: Record<string, number>) => Promise<void>;

describe.each(['service', 'http'] as const)('the A = C + D + E, B = A × F scenario through the %s', (via) => {
  let t: TestRedis;
  let h: MetricsHarness;
  let app: FastifyInstance | null = null;
  let computed: string[];
  let send: Send;

  beforeEach(async () => {
    t = await testRedis();
    h = await startMetricsHarness(t);
    await defineScenario(h);
    computed = [];
    h.service.onValue((v) => {
      if (v.source === 'computed') computed.push(`${v.node}=${v.value}`);
    });
    if (via === 'http') {
      const server = await httpApp(h);
      app = server;
      send = async (values) => {
        const res = await server.inject({ method: 'POST', url: '/api/metrics/input', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, payload: JSON.stringify(values) });
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json()).toEqual({ accepted: Object.keys(values).length });
        await h.service.settled();
      };
    } else {
      send = async (values) => {
        await h.module.input(values, 'test');
        await h.service.settled();
      };
    }
  });
  afterEach(async () => {
    await app?.close();
    app = null;
    await h.close();
    await t.cleanup();
  });

  it('computes each node once per fresh full set, and not from expired arguments', async () => {
    await send({ C: 4 });
    await send({ D: 5 });
    h.clock.advance(30_000);
    await send({ E: 6 });
    expect(computed).toEqual(['A=15']);

    await send({ C: 1 });
    await send({ D: 1 });
    await send({ E: 1 });
    await send({ F: 3 });
    expect(computed).toEqual(['A=15', 'A=3', 'B=9']);

    await send({ A: 4 });
    await send({ F: 5 });
    expect(computed).toEqual(['A=15', 'A=3', 'B=9', 'B=20']);

    await send({ C: 1 });
    await send({ D: 2 });
    h.clock.advance(61_000);
    await send({ E: 7 });
    expect(computed).toEqual(['A=15', 'A=3', 'B=9', 'B=20']);

    // E is still fresh: a new C and D complete the set with it.
    await send({ C: 10, D: 20 });
    expect(computed).toEqual(['A=15', 'A=3', 'B=9', 'B=20', 'A=37']);

    const [a] = await h.service.values(['A'], 10);
    expect(a).toMatchObject({ node: 'A', definition: 'A', value: 37, fresh: true });
    expect(a!.history.map((p) => `${p.value}:${p.source}`)).toEqual(['15:computed', '3:computed', '4:input', '37:computed']);
  });
});

describe('metric inputs that are refused', () => {
  let t: TestRedis;
  let h: MetricsHarness;
  let app: FastifyInstance;
  beforeEach(async () => {
    t = await testRedis();
    h = await startMetricsHarness(t);
    await defineScenario(h);
    app = await httpApp(h);
  });
  afterEach(async () => {
    await app.close();
    await h.close();
    await t.cleanup();
  });

  const post = (payload: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/api/metrics/input', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers }, payload });

  it.each([
    ['not JSON', '{"C": 1', /not JSON/],
    ['empty', '', /not JSON/],
    ['an array', '[1, 2]', /Send a JSON object of node → number/],
    ['an empty object', '{}', /at least one value/],
    ['an unknown node', '{"C": 1, "nope": 2}', /No values were applied: "nope" is not a metric node/],
    ['a template id', '{"event:{event}:signups": 2}', /is not a metric node/],
    ['a string number', '{"C": 1, "D": "5"}', /"D" must be a finite number \(got string\)/],
    ['null', '{"C": null}', /"C" must be a finite number \(got null\)/],
    ['an overflowing number', '{"C": 1e999}', /"C" must be a finite number \(got Infinity\)/],
    ['a prototype key', '{"__proto__": 1}', /"__proto__" is not a metric node/],
    ['too many keys', JSON.stringify(Object.fromEntries(Array.from({ length: 501 }, (_, i) => [`n${i}`, i]))), /at most 500/],
    ['too large a body', JSON.stringify({ C: 1, pad: 'x'.repeat(70_000) }), /larger than 64 KB/],
  ])('refuses %s with 400 and changes nothing', async (_what, payload, message) => {
    const res = await post(payload);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('bad_arguments');
    expect(res.json().error.message).toMatch(message);
    await h.service.settled();
    const values = await h.service.values(['C', 'D'], 10);
    expect(values.map((v) => v.value)).toEqual([null, null]);
    expect(values.flatMap((v) => v.history)).toEqual([]);
  });

  it('refuses a request without the token', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/metrics/input', headers: { 'content-type': 'application/json' }, payload: '{"C": 1}' });
    expect(res.statusCode).toBe(401);
    expect((await h.service.values(['C'], 10))[0]!.value).toBeNull();
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', ''])('refuses JSON sent as "%s" with 415 (a web page could send that cross-site)', async (type) => {
    const res = await post('{"C": 2}', { 'content-type': type });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.message).toMatch(/application\/json/);
    expect((await h.service.values(['C'], 10))[0]!.value).toBeNull();
  });

  it('refuses bad values given through the service the same way', async () => {
    await expect(h.module.input({ C: 1, D: Number.NaN }, 'pipeline')).rejects.toThrow(/"D" must be a finite number \(got NaN\)/);
    await expect(h.module.input({ C: 1, X: 1, Y: 2 }, 'pipeline')).rejects.toMatchObject({ code: 'bad_arguments', message: expect.stringMatching(/"X".*; "Y"/) });
    expect((await h.service.values(['C'], 10))[0]!.value).toBeNull();
  });
});
