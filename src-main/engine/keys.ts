/**
 * Every name that crosses a process boundary: Redis keys, streams, channels and queue names.
 * Workers on other machines must agree on these, so they live in one place. Every key starts
 * with the prefix (`vt:` in the app; tests use a unique prefix each so they never collide).
 */
export const DEFAULT_PREFIX = 'vt:';

/** BullMQ queue names. One folder a queue under src-main/engine/queues (see docs/architecture.md). */
export const QUEUE_NAMES = {
  publish: 'publish',
  reply: 'reply',
  notify: 'notify',
  dbWrite: 'db-write',
  email: 'email',
  metrics: 'metrics',
} as const;
export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

export function createKeys(prefix: string = DEFAULT_PREFIX) {
  const k = (s: string): string => `${prefix}${s}`;
  return {
    prefix,
    /** BullMQ's own prefix, so its keys sit under ours. */
    bullPrefix: k('bull'),
    /** Raw deliveries accepted by the webhook, deduplicated by the ingest gear. */
    streamIngest: k('stream:ingest'),
    /** Comments with their features, read in batches by the classifier gear. */
    streamComments: k('stream:comments'),
    /** Classified comments, read in batches by the recorder. */
    streamIntents: k('stream:intents'),
    /** Entries that failed repeatedly, for the coordinator to see. */
    streamDead: k('stream:dead'),
    /** Dedupe marker for one delivery (comment id + verb + content hash + Meta's change time). */
    seen: (dedupeId: string) => k(`seen:${dedupeId}`),
    /** The state (verb + content hash) the last accepted change left a comment in. */
    lastState: (subject: string) => k(`ingest-state:${subject}`),
    /** The live channel (Redis pub/sub) every live event travels on. */
    liveChannel: k('live'),
    /** The model store: current version pointer and one key per version. */
    modelCurrent: k('model:current'),
    modelVersion: (version: string) => k(`model:v:${version}`),
    /** Gear library versions, as loaded. */
    gearsLoaded: k('gears:loaded'),
    /** One key per running process (app or worker), refreshed while it lives (presence.ts). */
    presence: (processId: string) => k(`presence:${processId}`),
    /** The app's Page connection for workers: sealed with VOLUNTREE_WORKER_KEY, or the demo simulator's address (facebook/graph-connection.ts). */
    graphConnection: k('graph:connection'),
    /** Idempotency markers for outgoing messages ("sent exactly once"). */
    sentMarker: (kind: string, id: string) => k(`sent:${kind}:${id}`),
    /**
     * Activity feed keys. gears/feed.lua builds the same names from `feedPrefix` (it reaches
     * followers' feeds it only learns about inside the function), so change both together.
     */
    feedPrefix: k('feed:'),
    /** The settings the feeds were last built with (a rebuild is due when they differ). */
    feedMeta: k('feed:meta'),
    /** A materialised feed: sorted set of aggregation ids scored by their newest activity. */
    feed: (feedId: string) => k(`feed:f:${feedId}`),
    /** An aggregation: sorted set of activity ids scored by time. */
    feedAgg: (aggId: string) => k(`feed:agg:${aggId}`),
    /** The feeds that hold an aggregation (its reference count is the set's size). */
    feedAggRefs: (aggId: string) => k(`feed:refs:${aggId}`),
    /** Every aggregation of one subject (`actor:<id>`, `object:<type>:<id>`, `all`), by newest activity. */
    feedIndex: (subject: string) => k(`feed:idx:${subject}`),
    /** Users following a subject. */
    feedFollowers: (subject: string) => k(`feed:followers:${subject}`),
    /** Subjects a user follows. */
    feedFollows: (userId: string) => k(`feed:follows:${userId}`),
    /** Last follow/unfollow stamp per subject of one user (last writer wins). */
    feedEdges: (userId: string) => k(`feed:edges:${userId}`),
    /** An applied activity's fan-out record, or its tombstone once deleted. */
    feedActivity: (activityId: string) => k(`feed:act:${activityId}`),
    /** Live metric keys. */
    metricArgs: (nodeId: string) => k(`metric:args:${nodeId}`),
    metricValue: (nodeId: string) => k(`metric:value:${nodeId}`),
    /** Compute leases not yet committed (node + lease id, by expiry), for the sweep after a worker dies. */
    metricLeases: k('metric:leases'),
    /** Pending email confirmation for a Messenger user (code hash, attempts, expiry). */
    emailCode: (psid: string) => k(`email:code:${psid}`),
    /** Hash PSID → ms of the person's last Messenger message (the 24 h window for normal messages). */
    psidLastMessage: k('psid:last-message'),
    /** The tunnel's last known public URL and health. */
    tunnelState: k('tunnel:state'),
  };
}

export type Keys = ReturnType<typeof createKeys>;
