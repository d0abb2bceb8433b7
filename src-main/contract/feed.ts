// The feed part of the contract. Requests: name → args schema (zod) + result type.
// Live events: name → payload type. Merged into the whole contract by ./index.ts.
import { z } from 'zod';
import { liveEvent, request } from './define';

/**
 * What people and the coordinator do, as recorded in the activity feed. `promoted` means moved
 * from an event's waitlist onto it; `coordinator_*` verbs are the coordinator's own actions.
 */
export const FEED_VERBS = [
  'commented',
  'signed_up',
  'cancelled',
  'asked',
  'attended',
  'promoted',
  'coordinator_published',
  'coordinator_updated',
  'coordinator_added_signup',
  'coordinator_removed_signup',
  'coordinator_sent_update',
] as const;
export type FeedVerb = (typeof FEED_VERBS)[number];

/** The actor of the coordinator's own activities ("You published Beach Cleanup today"). */
export const COORDINATOR_ACTOR = { id: 'coordinator', name: 'You' } as const;

/** Ids end up inside Redis key names and aggregation ids, so they stay printable and short. */
const feedId = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^\s|]+$/, 'ids contain no spaces or "|"');

export const activitySchema = z.object({
  /** Stable id chosen by the recorder (e.g. `signup:<signupId>`), so a retry records nothing new. */
  id: feedId,
  actor: z.object({ id: feedId, name: z.string().min(1).max(500) }),
  verb: z.enum(FEED_VERBS),
  object: z.object({
    type: z.string().regex(/^[a-z][a-z_]{0,30}$/, 'object type is a lower-case word like "event"'),
    id: feedId,
    title: z.string().min(1).max(1000),
  }),
  /** When it happened, ms since the epoch. */
  time: z.number().int().nonnegative(),
});
export type Activity = z.infer<typeof activitySchema>;

/**
 * A feed's name: `org` (everything), `following` (what the coordinator follows),
 * `event:<id>` (one event), `volunteer:<id>` (one person's profile).
 */
export const feedName = z.union([
  z.literal('org'),
  z.literal('following'),
  z.string().regex(/^(event|volunteer):[^\s|]{1,200}$/, 'a feed is org, following, event:<id> or volunteer:<id>'),
]);
export type FeedName = z.infer<typeof feedName>;

/** Something the coordinator can follow: a volunteer or an event. */
export const followTarget = z.string().regex(/^(event|volunteer):[^\s|]{1,200}$/, 'follow volunteer:<id> or event:<id>');

/** One aggregated line of a feed ("Maria Lopez signed up for 3 events today"). */
export interface FeedItem {
  /** The aggregation's id (stable while it exists). */
  id: string;
  /** `actor`: one person's activities of one verb on one day; `object`: everyone's on one object. */
  kind: 'actor' | 'object';
  verb: FeedVerb;
  /** Local day `YYYY-MM-DD` the activities happened on. */
  day: string;
  sentence: string;
  /** Newest activity's time, ms since the epoch. */
  time: number;
  /** How many activities the item holds (can exceed `activities.length`). */
  count: number;
  /** The underlying activities, newest first (at most 50). */
  activities: Activity[];
}

export interface FeedPage {
  feed: string;
  items: FeedItem[];
}

const follow = z.object({ target: followTarget, at: z.number().int().nonnegative().optional() }).strict();

export const feedRequests = {
  'feed.get': request<FeedPage>()(
    z.object({ feed: feedName, limit: z.number().int().min(1).max(200).default(30) }).strict(),
    'Aggregated feed items, newest first, with their activities',
  ),
  'feed.follow': request<{ following: boolean; changed: boolean }>()(
    follow,
    'Follow a volunteer or an event; their recent activity fills the following feed',
  ),
  'feed.unfollow': request<{ following: boolean; changed: boolean }>()(follow, 'Stop following a volunteer or an event'),
  'feed.following': request<{ targets: string[] }>()(z.object({}).strict(), 'What the coordinator follows'),
  'feed.delete': request<{ deleted: boolean }>()(
    z.object({ activityId: feedId }).strict(),
    'Remove an activity from every feed (the record stays, marked deleted)',
  ),
  'feed.rebuild': request<{ activities: number; follows: number; tookMs: number }>()(
    z.object({}).strict(),
    'Regenerate every feed from the stored activities (after Redis lost data or the feed size changed)',
  ),
};

export const feedEvents = {
  'feed.updated': liveEvent<{ feeds: string[] }>('These feeds changed; re-read them if shown'),
};
