import type { CommentAction, EventStatus, InboxStatus, IntentName, ReplyChannel, SignupStatus, TemplateKey } from '../../../contract/events';
import type { BroadcastChannel, DeliveryStatus } from '../../../contract/broadcasts';

// What the pipeline keeps in its lowdb files. Times are ms since the epoch here; the contract's
// views turn them into ISO strings. Each collection is a map by id so a record is found
// without a scan and the file stays one JSON object.

export interface SlotRecord {
  id: string;
  title: string;
  start: number;
  end: number;
  capacity: number;
  description: string | null;
}

export interface EventRecord {
  id: string;
  title: string;
  description: string;
  location: string;
  slots: SlotRecord[];
  /** Null while the post text follows the event's details. */
  postTextOverride: string | null;
  status: EventStatus;
  scheduledAt: number | null;
  publishedAt: number | null;
  postId: string | null;
  permalinkUrl: string | null;
  failureReason: string | null;
  /** Publish requests made so far: names each publish job, so a retry after a failure is a new job. */
  publishAttempts?: number;
  createdAt: number;
  updatedAt: number;
}

/** A reply that failed for good (or was not attempted because Meta would refuse it). */
export interface ReplyProblemRecord {
  /** The reply's kind + key (one problem per reply). */
  kind: string;
  key: string;
  channel: ReplyChannel;
  reason: string;
  at: number;
}

export interface CommentRecord {
  id: string;
  postId: string;
  eventId: string | null;
  authorId: string | null;
  authorName: string | null;
  message: string;
  intent: IntentName | null;
  confidence: number | null;
  correctedIntent: IntentName | null;
  state: 'active' | 'edited' | 'removed' | 'hidden';
  action: CommentAction | null;
  /** The signup this comment made (withdrawn if the comment is deleted or edited away). */
  signupId: string | null;
  /** Whether this comment's one private reply has been used. */
  privateReplied: boolean;
  /** The language its replies were written in (detected when the first reply was made; absent in older files). */
  language?: import('../../../contract/events').ReplyLanguage | null;
  /** Replies this comment caused, enqueued again when the comment is delivered again (they are sent once). */
  outbox: import('../effects').ReplyJob[];
  /** Meta's time of the text change applied last (add or edit), and of the last hide/unhide: older changes are stale. */
  textAt?: number | null;
  visibilityAt?: number | null;
  /** `kind|key` of each outbox reply Meta accepted (absent in files from before): never queued again. */
  sent?: string[];
  /** Replies to or about this comment that can never be sent (absent in files from before). */
  replyProblems?: ReplyProblemRecord[];
  createdAt: number;
  updatedAt: number;
}

export interface VolunteerRecord {
  id: string;
  name: string;
  facebookId: string | null;
  psid: string | null;
  email: string | null;
  tags: string[];
  notes: string;
  firstSeen: number;
  lastSeen: number;
  /** When the person last wrote in Messenger: the 24 h window for normal messages opens here. */
  lastMessageAt: number | null;
  source: 'facebook' | 'import' | 'coordinator';
  mergedIds: string[];
  /** The language of their latest comment that got a reply: later Messenger texts to them use it. */
  language?: import('../../../contract/events').ReplyLanguage | null;
  /** Facebook ids of duplicates merged into this record: their comments land here too. */
  aliasFacebookIds?: string[];
}

export interface SignupRecord {
  id: string;
  eventId: string;
  slotId: string;
  volunteerId: string;
  partySize: number;
  status: SignupStatus;
  /** Orders the waitlist: lower waits less. */
  queuedAt: number;
  confirmation: 'pending' | 'confirmed' | 'declined' | 'not_asked';
  attended: boolean | null;
  source: 'comment' | 'coordinator';
  commentId: string | null;
  /** How often this signup was promoted from a waitlist (names each promotion message once). */
  promotions: number;
  /**
   * Why a cancelled signup was withdrawn. Absent on signups that are not cancelled, and on those
   * cancelled before it was kept (counted as the person withdrawing, as they were then).
   */
  cancelReason?: CancelReason;
  createdAt: number;
  updatedAt: number;
}

/** Who or what withdrew a signup: the person (by comment, deletion, edit, Messenger "No") or the coordinator. */
export type CancelReason = 'comment' | 'deleted' | 'edited' | 'declined' | 'coordinator';

export interface InboxRecord {
  id: string;
  eventId: string;
  commentId: string;
  volunteerId: string | null;
  question: string;
  suggestedAnswer: string | null;
  suggestedFrom: Array<'time' | 'location' | 'description' | 'slots' | 'capacity'>;
  status: InboxStatus;
  answer: string | null;
  answeredAt: number | null;
  createdAt: number;
}

export interface DeliveryRecord {
  volunteerId: string;
  name: string;
  channel: BroadcastChannel;
  reason: string;
  status: DeliveryStatus;
  error: string | null;
  sentAt: number | null;
}

export interface BroadcastRecord {
  id: string;
  idempotencyKey: string;
  eventId: string;
  message: string;
  slotId: string | null;
  includeWaitlist: boolean;
  deliveries: Record<string, DeliveryRecord>;
  createdAt: number;
  finishedAt: number | null;
}

export type ById<T> = Record<string, T>;

export interface CollectionShapes {
  events: ById<EventRecord>;
  comments: ById<CommentRecord>;
  volunteers: ById<VolunteerRecord>;
  signups: ById<SignupRecord>;
  inbox: ById<InboxRecord>;
  broadcasts: ById<BroadcastRecord>;
  templates: Partial<Record<TemplateKey, string>>;
  /** The Page's reply language and the coordinator's texts in other languages (absent before there were languages). */
  replyTexts: import('../replies/templates').StoredReplyTexts;
}
export type CollectionName = keyof CollectionShapes;
export const COLLECTION_NAMES: CollectionName[] = ['events', 'comments', 'volunteers', 'signups', 'inbox', 'broadcasts', 'templates', 'replyTexts'];
