import { COORDINATOR_ACTOR, type FeedVerb } from '../../contract/feed';
import type { LiveEventName, LivePayload } from '../../contract';
import type { MessageChoice } from '../facebook/graph-types';

/**
 * One outgoing Messenger or comment reply. `kind` + `key` name it: they make the job id and the
 * "sent" marker, so the same reply is sent once however often it is enqueued.
 */
export interface ReplyJob {
  kind: string;
  key: string;
  /**
   * A comment (public or its one private reply), or a person in Messenger; for a person,
   * `fallbackCommentId` is answered publicly when Messenger no longer allows a message.
   * `commentCreatedAt` (ms) lets the worker skip a private reply Meta's 7-day limit would refuse.
   */
  to: { commentId: string; private: boolean; commentCreatedAt?: number } | { psid: string; fallbackCommentId?: string };
  text: string;
  quickReplies?: MessageChoice[];
  /** Whose PSID a private reply reveals (stored in the roster afterwards). */
  volunteerId: string | null;
  /**
   * The comment whose outbox holds this reply (set when it is put there). Once sent, the worker
   * records it on that comment (`sent`), so a delivery replayed after the Redis sent marker has
   * expired finds it sent in the store of record and does not queue it again.
   */
  origin?: string;
}

/** An email to send once; `kind` + `key` name it like a reply. */
export interface EmailJob {
  kind: string;
  key: string;
  to: string;
  subject: string;
  text: string;
  /** When it is a broadcast delivery, where the outcome is recorded. */
  delivery?: { broadcastId: string; volunteerId: string };
}

/** What happened, for the activity feed ("Maria signed up for Beach clean"). Ids are stable: recording one twice is harmless. */
export interface PipelineActivity {
  id: string;
  verb: FeedVerb;
  actorId: string;
  actorName: string;
  eventId: string;
  eventTitle: string;
  slotTitle: string | null;
  at: number;
}

/**
 * Per-event figures for the metrics graph: `signups.<eventId>`, `capacity.<eventId>`,
 * `waitlist.<eventId>`, `attended.<eventId>`, `cancellations.<eventId>` (current totals).
 */
export interface PipelineMetric {
  name: string;
  value: number;
  at: number;
}

export type LiveItem = { [E in LiveEventName]: { event: E; payload: LivePayload<E> } }[LiveEventName];

/** Everything a change caused, gathered while memory is changed and carried out after the files are written. */
export class Effects {
  readonly replies: ReplyJob[] = [];
  readonly emails: EmailJob[] = [];
  readonly live: LiveItem[] = [];
  readonly activities: PipelineActivity[] = [];
  /**
   * Activities this change took back that no live event tells of (a comment hidden by the Page,
   * a signup the coordinator removed), as references: `<verb>:<ref>` names the activity with that
   * id and every one whose id continues it after a colon (ids that end in a time).
   */
  readonly activitiesGone: string[] = [];
  /** Events whose counts changed (metrics and `event.updated` are sent once per event). */
  readonly eventsChanged = new Set<string>();
  /** PSID → time of the person's latest Messenger message seen in this batch. */
  readonly lastMessages = new Map<string, number>();
  /** Set once `event.updated` payloads were computed into `live`. */
  livePrepared = false;
  /** Set once the live events have gone out. */
  livePublished = false;

  emit<E extends LiveEventName>(event: E, payload: LivePayload<E>): void {
    this.live.push({ event, payload } as LiveItem);
  }
}

/** The coordinator's own action on an event, for the feed ("You published Beach clean today"). */
export function coordinatorActivity(
  verb: Extract<FeedVerb, `coordinator_${string}`>,
  event: { id: string; title: string },
  idPart: string,
  at: number,
): PipelineActivity {
  return {
    id: `${verb}:${event.id}:${idPart}`,
    verb,
    actorId: COORDINATOR_ACTOR.id,
    actorName: COORDINATOR_ACTOR.name,
    eventId: event.id,
    eventTitle: event.title,
    slotTitle: null,
    at,
  };
}
