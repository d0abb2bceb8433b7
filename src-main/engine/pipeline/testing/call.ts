import { requests, type RequestArgs, type RequestName, type RequestResult } from '../../../contract';
import type { Handler } from '../../module';
import type { PipelineModule } from '../pipeline-module';

/** Calls a handler the way the RPC layer does: arguments validated (defaults applied) by the contract's schema first. */
export async function call<N extends RequestName>(module: PipelineModule, name: N, args: RequestArgs<N>): Promise<RequestResult<N>> {
  const handler = module.handlers?.[name] as Handler<N> | undefined;
  if (!handler) throw new Error(`no handler for ${name}`);
  const parsed = requests[name].args.parse(args) as Parameters<Handler<N>>[0];
  return handler(parsed, { via: 'internal' });
}

/**
 * Creates an event with one slot (Saturday 5 December 2026, 9–12 UTC), publishes it and waits
 * until it is published: what most pipeline tests start from. Returns its id, post id and slot id.
 */
export async function publishedEvent(
  module: PipelineModule,
  o: { title?: string; location?: string; slotTitle?: string; capacity?: number } = {},
): Promise<{ id: string; postId: string; slotId: string }> {
  const e = await call(module, 'events.create', {
    title: o.title ?? 'Pantry', location: o.location ?? '',
    slots: [{ title: o.slotTitle ?? 'Shift', start: '2026-12-05T09:00:00Z', end: '2026-12-05T12:00:00Z', capacity: o.capacity ?? 4 }],
  });
  await call(module, 'events.publish', { id: e.id });
  const deadline = Date.now() + 30_000;
  for (;;) {
    const got = await call(module, 'events.get', { id: e.id });
    if (got.status === 'published') return { id: e.id, postId: got.postId!, slotId: got.slots[0]!.id };
    if (Date.now() > deadline) throw new Error(`event ${e.id} was not published (status ${got.status})`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
