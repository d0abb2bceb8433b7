import type { ZodType } from 'zod';
import type { GearFunction } from '../../gears/functions';
import type { Keys } from '../../keys';

/**
 * What a stage of the pipeline is, stated once: where it reads, as which consumer group, what
 * an entry must look like, how a batch is committed and where the results go. The consumers are
 * built from these fields (so the declaration cannot drift from what runs), and chain.ts lists
 * the stages in order.
 */
export interface StageDeclaration {
  name: string;
  /** The stream it reads; null for the first stage, which HTTP feeds. */
  input: ((keys: Keys) => string) | null;
  /** Its consumer group on that stream. */
  group: string | null;
  /** The entry schema it checks each entry against (a failing entry is dead-lettered). */
  schema: ZodType | null;
  /**
   * How a batch is committed: a Redis Function of gears/functions.ts (write the outputs and
   * acknowledge and delete the inputs in one step), or `ack-and-delete` for the recorder, whose
   * output is the store of record on disk: MULTI XACK + XDEL once the files are written.
   */
  commit: GearFunction | 'ack-and-delete';
  /** The streams it writes (none for the last stage). */
  output: (keys: Keys) => string[];
}
