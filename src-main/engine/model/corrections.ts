import { RpcError } from '../../contract/errors';
import type { IntentName } from '../../contract/intents';
import type { ModelCorrection } from '../../contract/model';
import type { EngineContext } from '../module';
import type { Collection } from '../store/store';

/**
 * What other modules may do with the coordinator's corrections: the pipeline records one when
 * the coordinator picks a comment's intent, and erasing a person drops theirs. Handed to the
 * pipeline as a port (engine/modules.ts), so no module reaches another through the public
 * contract.
 */
export interface CorrectionsPort {
  record(c: { commentId: string; text: string; intent: IntentName }): Promise<ModelCorrection>;
  /** Drops the corrections made on these comments (text and label); returns how many went. */
  forget(commentIds: readonly string[]): Promise<number>;
}

export interface Corrections extends CorrectionsPort {
  list(): Promise<ModelCorrection[]>;
  count(): Promise<number>;
}

/** The corrections collection (lowdb `corrections`), kept by the app; a worker has none. */
export function createCorrections(ctx: EngineContext): Corrections {
  let col: Collection<ModelCorrection[]> | null = null;
  const collection = async (): Promise<Collection<ModelCorrection[]>> => {
    if (!ctx.store) throw new RpcError('unavailable', 'Corrections are stored by the Voluntree app, not by a worker process.');
    col ??= await ctx.store.collection<ModelCorrection[]>('corrections', () => []);
    return col;
  };
  return {
    async record({ commentId, text, intent }) {
      const c = await collection();
      const correction: ModelCorrection = { commentId, text, intent, at: ctx.clock.now() };
      await c.update((list) => {
        // One correction per comment: the coordinator's latest word wins.
        const i = list.findIndex((x) => x.commentId === commentId);
        if (i >= 0) list[i] = correction;
        else list.push(correction);
      });
      return correction;
    },
    async forget(commentIds) {
      const c = await collection();
      const drop = new Set(commentIds);
      const before = c.data.length;
      // The label without the text teaches nothing, so the whole correction goes.
      if (c.data.some((x) => drop.has(x.commentId))) await c.update((list) => list.splice(0, list.length, ...list.filter((x) => !drop.has(x.commentId))));
      return before - c.data.length;
    },
    async list() {
      return (await collection()).data;
    },
    async count() {
      return ctx.store ? (await collection()).data.length : 0;
    },
  };
}
