// Every Redis Function the engine calls, in one table: which library registers it, the keys it
// takes and what it answers. `Gears.call` and `Gears.args` take a name from this table, so a
// misspelt function or a call with the wrong keys fails the type check, and
// functions.test.ts checks the table against the `redis.register_function` lines of gears/*.lua.
// The arguments stay a list (each function documents its ARGV in its Lua file).

type Arg = string | number;

interface Fn<Library extends string, Keys extends readonly string[], Result> {
  library: Library;
  keys: Keys;
  result: Result;
}

export interface GearFunctionTable {
  vt_ingest: Fn<'vt_ingest', readonly [ingest: string, ...dedupe: string[]], [accepted: number, duplicates: number]>;
  vt_preprocess: Fn<'vt_preprocess', readonly [ingest: string, comments: string, intents: string], [comments: number, intents: number, skipped: number]>;
  vt_classify: Fn<'vt_classifier', readonly [comments: string, intents: string], [written: number, skipped: number]>;
  vt_dead_letter: Fn<'vt_streams', readonly [source: string, dead: string], number>;
  vt_dead_retry: Fn<'vt_streams', readonly [dead: string, ...sources: string[]], [retried: number, skipped: number]>;
  vt_metric_change: Fn<'vt_metrics', readonly string[], number[]>;
  vt_metric_take: Fn<'vt_metrics', readonly [args: string, leases: string], Arg[]>;
  vt_metric_done: Fn<'vt_metrics', readonly string[], number[]>;
  vt_metric_clear: Fn<'vt_metrics', readonly [args: string], unknown>;
  vt_metric_expired: Fn<'vt_metrics', readonly [leases: string], string[]>;
  vt_feed_add: Fn<'vt_feed', readonly [], unknown>;
  vt_feed_delete: Fn<'vt_feed', readonly [], [deleted: number, ...feeds: string[]]>;
  vt_feed_follow: Fn<'vt_feed', readonly [], [applied: number, following: number, writes: number]>;
  vt_feed_forget: Fn<'vt_feed', readonly [], string[]>;
  vt_feed_purge: Fn<'vt_feed', readonly [], [purged: number, ...feeds: string[]]>;
  vt_feed_materialize: Fn<'vt_feed', readonly [], number>;
  vt_feed_prune: Fn<'vt_feed', readonly [], [deleted: number, remaining: number]>;
}

export type GearFunction = keyof GearFunctionTable;
export type GearKeys<F extends GearFunction> = GearFunctionTable[F]['keys'];
export type GearResult<F extends GearFunction> = GearFunctionTable[F]['result'];
export type GearArgs = readonly Arg[];

/** The library of each function (the runtime half of the table). */
export const GEAR_LIBRARY: { readonly [F in GearFunction]: GearFunctionTable[F]['library'] } = {
  vt_ingest: 'vt_ingest',
  vt_preprocess: 'vt_preprocess',
  vt_classify: 'vt_classifier',
  vt_dead_letter: 'vt_streams',
  vt_dead_retry: 'vt_streams',
  vt_metric_change: 'vt_metrics',
  vt_metric_take: 'vt_metrics',
  vt_metric_done: 'vt_metrics',
  vt_metric_clear: 'vt_metrics',
  vt_metric_expired: 'vt_metrics',
  vt_feed_add: 'vt_feed',
  vt_feed_delete: 'vt_feed',
  vt_feed_follow: 'vt_feed',
  vt_feed_forget: 'vt_feed',
  vt_feed_purge: 'vt_feed',
  vt_feed_materialize: 'vt_feed',
  vt_feed_prune: 'vt_feed',
};
