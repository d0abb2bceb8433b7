// The events part of the contract: events and their slots, the signup post, comments, signups,
// the coordinator's inbox and the reply templates. Requests: name → args schema (zod) + result
// type. Live events: name → payload type. Merged into the whole contract by ./index.ts.
//
// Times: every date and time in this contract is an ISO 8601 string with a time zone
// ("2026-12-05T09:00:00Z" or "2026-12-05T10:00:00+01:00"); results always use UTC ("…Z").
import { z } from 'zod';
import { INTENTS, type IntentName } from './intents';
import { liveEvent, request } from './define';

/** An ISO 8601 date-time with a zone; the message says how to write one. */
export const isoDateTime = z.iso.datetime({
  offset: true,
  message: 'Write the time as an ISO 8601 date-time with a zone, e.g. 2026-12-05T09:00:00Z',
});

const id = z.string().trim().min(1, 'An id is required').max(200);

export const EVENT_STATUSES = ['draft', 'scheduled', 'published', 'failed'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

export const slotInput = z
  .object({
    /** Give the id of an existing slot to keep its signups when updating; leave out for a new slot. */
    id: id.optional(),
    title: z.string().trim().min(1, 'Give the slot a title, e.g. "Morning"').max(120),
    start: isoDateTime,
    end: isoDateTime,
    capacity: z.number().int('Capacity is a whole number').min(1, 'A slot needs room for at least one person').max(10_000),
    description: z.string().trim().max(1000).nullable().optional(),
  })
  .refine((s) => Date.parse(s.end) > Date.parse(s.start), { message: 'A slot must end after it starts', path: ['end'] });
export type SlotInput = z.input<typeof slotInput>;

const eventFields = {
  title: z.string().trim().min(1, 'Give the event a title').max(200),
  description: z.string().trim().max(5000).default(''),
  location: z.string().trim().max(500).default(''),
  slots: z.array(slotInput).min(1, 'An event needs at least one slot').max(50, 'At most 50 slots per event'),
};

export interface Slot {
  id: string;
  title: string;
  start: string;
  end: string;
  capacity: number;
  description: string | null;
  /** People counted against capacity (party sizes added up). */
  taken: number;
  /** Signups (not people) waiting for this slot. */
  waitlisted: number;
}

export interface EventView {
  id: string;
  title: string;
  description: string;
  location: string;
  slots: Slot[];
  /** The slot a signup goes to when the comment names none (the first slot). */
  defaultSlotId: string;
  /** The text published on the Page. */
  postText: string;
  /** True when the coordinator edited the text; otherwise it follows the event's details. */
  postTextEdited: boolean;
  status: EventStatus;
  /** When a scheduled post goes out. */
  scheduledAt: string | null;
  publishedAt: string | null;
  /** The Facebook post id once published. */
  postId: string | null;
  /** Link to the post on Facebook once published. */
  permalinkUrl: string | null;
  /** Why publishing failed, for the coordinator to read. */
  failureReason: string | null;
  createdAt: string;
  updatedAt: string;
  /** `needsReview`: comments held for the coordinator because the model was unsure. */
  counts: { signedUp: number; capacity: number; waitlisted: number; openQuestions: number; comments: number; needsReview: number };
}

export const COMMENT_ACTIONS = [
  'signed_up', 'waitlisted', 'cancelled', 'question', 'ignored', 'already_signed_up', 'not_our_post', 'withdrawn', 'no_author', 'needs_review',
] as const;
/**
 * What the pipeline did with a comment. `needs_review`: the model was less sure than the review
 * threshold (Settings → Model), so nothing was done yet; the coordinator picks the intent.
 */
export type CommentAction = (typeof COMMENT_ACTIONS)[number];

export const intentName = z.enum(INTENTS, {
  message: 'The intent is one of signup, cancel, question, other',
});
export type { IntentName };

/** Where a reply goes: under the comment, as its one private reply, or as a Messenger message. */
export const REPLY_CHANNELS = ['public', 'private', 'messenger'] as const;
export type ReplyChannel = (typeof REPLY_CHANNELS)[number];

/** A reply that could not be sent and will not be retried, with the reason in the coordinator's words. */
export interface ReplyProblem {
  channel: ReplyChannel;
  reason: string;
  at: string;
}

export interface CommentView {
  id: string;
  /** Null when the comment is on a post Voluntree did not publish (kept, not acted on). */
  eventId: string | null;
  postId: string;
  authorId: string | null;
  authorName: string | null;
  message: string;
  /** The model's intent (null for a deleted comment or while unclassified). */
  intent: IntentName | null;
  confidence: number | null;
  /** The coordinator's correction, when made. */
  correctedIntent: IntentName | null;
  state: 'active' | 'edited' | 'removed';
  action: CommentAction | null;
  /** The language replies to this comment were written in (detected from its text; null until a reply was made). */
  language: ReplyLanguage | null;
  /** Replies to this comment (or to its author about it) that failed for good; empty when all went out. */
  replyProblems: ReplyProblem[];
  createdAt: string;
}

export const SIGNUP_STATUSES = ['signed_up', 'waitlisted', 'cancelled'] as const;
export type SignupStatus = (typeof SIGNUP_STATUSES)[number];

export interface SignupView {
  id: string;
  eventId: string;
  slotId: string;
  slotTitle: string;
  volunteerId: string;
  volunteerName: string;
  /** How many people this signup counts for ("me + 2 friends" is 3). */
  partySize: number;
  status: SignupStatus;
  /** 1-based place on the waitlist (null unless waitlisted). */
  waitlistPosition: number | null;
  /** The person's answer to the Messenger Yes/No confirmation. */
  confirmation: 'pending' | 'confirmed' | 'declined' | 'not_asked';
  attended: boolean | null;
  source: 'comment' | 'coordinator';
  /** The comment that made this signup, when it came from one. */
  commentId: string | null;
  /** True when the person had signed up for an earlier event. */
  returning: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface SlotSignups {
  slotId: string;
  title: string;
  start: string;
  end: string;
  capacity: number;
  taken: number;
  signups: SignupView[];
  /** In order: the first is promoted when a place frees up. */
  waitlist: SignupView[];
}

export interface EventSignups {
  eventId: string;
  slots: SlotSignups[];
  cancelled: SignupView[];
}

export const INBOX_STATUSES = ['open', 'answered', 'dismissed'] as const;
export type InboxStatus = (typeof INBOX_STATUSES)[number];

export interface InboxItem {
  id: string;
  eventId: string;
  eventTitle: string;
  commentId: string;
  volunteerId: string | null;
  volunteerName: string | null;
  question: string;
  /** An answer built from the event's facts, offered for the coordinator to send or edit. */
  suggestedAnswer: string | null;
  /** Which facts the suggestion used. */
  suggestedFrom: Array<'time' | 'location' | 'description' | 'slots' | 'capacity'>;
  status: InboxStatus;
  answer: string | null;
  answeredAt: string | null;
  createdAt: string;
}

export const TEMPLATE_KEYS = [
  'signup.public',
  'signup.private',
  'signup.public.returning',
  'signup.private.returning',
  'waitlist.public',
  'waitlist.public.open',
  'waitlist.private',
  'cancel.public',
  'cancel.private',
  'promoted.private',
  'confirm.yes',
  'confirm.no',
  'email.code',
  'email.saved',
] as const;
/**
 * Reply texts. Variables: {firstName}, {name}, {event}, {slot}, {date}, {time}, {location},
 * {position} (waitlist place), {open} (the shifts that still have room, when the one asked for is
 * full), {code} (email code). Unknown variables are left as written.
 */
export type TemplateKey = (typeof TEMPLATE_KEYS)[number];
export type ReplyTemplates = Record<TemplateKey, string>;

/**
 * The languages a comment's language is detected among and replies can be written in (those the
 * intent model is trained on). English and Spanish texts ship with the app; the others exist once
 * the coordinator writes them in Settings → Replies.
 */
export const REPLY_LANGUAGES = ['en', 'es', 'pt', 'fr', 'de', 'it', 'tl', 'vi'] as const;
export type ReplyLanguage = (typeof REPLY_LANGUAGES)[number];
export const replyLanguage = z.enum(REPLY_LANGUAGES, { message: `The language is one of ${REPLY_LANGUAGES.join(', ')}` });
export const LANGUAGE_NAMES: Record<ReplyLanguage, string> = {
  en: 'English', es: 'Spanish', pt: 'Portuguese', fr: 'French', de: 'German', it: 'Italian', tl: 'Tagalog', vi: 'Vietnamese',
};

export interface ReplyLanguages {
  /** The Page's language: replies to comments whose language cannot be told, or has no texts, use it. */
  defaultLanguage: ReplyLanguage;
  languages: Array<{
    code: ReplyLanguage;
    name: string;
    /** Texts ship with Voluntree (English, Spanish). */
    builtIn: boolean;
    /** The coordinator wrote or changed at least one text. */
    edited: boolean;
    /** Replies can be written in it (built in, or edited). */
    available: boolean;
  }>;
}

const eventDraft = z.object(eventFields).strict();

export const eventsRequests = {
  'events.create': request<EventView>()(
    eventDraft.extend({ postText: z.string().trim().min(1).max(60_000).optional() }).strict(),
    'Creates a draft event with its slots; the post text is generated unless given',
  ),
  'events.update': request<EventView>()(
    z
      .object({
        id,
        title: eventFields.title.optional(),
        description: z.string().trim().max(5000).optional(),
        location: z.string().trim().max(500).optional(),
        slots: eventFields.slots.optional(),
        /** A string sets the post text; null goes back to the generated text. */
        postText: z.string().trim().min(1).max(60_000).nullable().optional(),
      })
      .strict(),
    'Changes an event; slots keep their signups when given with their id',
  ),
  'events.get': request<EventView>()(z.object({ id }).strict(), 'One event with its slots and counts'),
  'events.list': request<EventView[]>()(
    z.object({ status: z.enum(EVENT_STATUSES).optional() }).strict(),
    'Every event, newest first, optionally only one status',
  ),
  'events.publish': request<EventView>()(
    z.object({ id, at: isoDateTime.optional() }).strict(),
    'Publishes the post now, or at `at` (10 minutes to 30 days ahead)',
  ),
  'events.delete': request<{ ok: true }>()(
    z.object({ id }).strict(),
    'Deletes an event and its signups from Voluntree (a published Facebook post stays on the Page)',
  ),
  'events.previewPost': request<{ text: string }>()(
    eventDraft.extend({ description: z.string().max(5000).default(''), location: z.string().max(500).default('') }),
    'The post text Voluntree would generate for these details',
  ),
  'comments.list': request<CommentView[]>()(
    z
      .object({
        eventId: id,
        intent: intentName.optional(),
        limit: z.number().int().min(1).max(1000).default(200),
      })
      .strict(),
    "An event's comments, newest first, with the model's intent and confidence",
  ),
  'comments.correct': request<CommentView>()(
    z.object({ commentId: id, intent: intentName }).strict(),
    'Records the right intent for a comment (kept for training) and applies it: a comment that needed a look is acted on now',
  ),
  'comments.needsReview': request<CommentView[]>()(
    z.object({ eventId: id.optional(), limit: z.number().int().min(1).max(1000).default(200) }).strict(),
    'Comments the model was unsure of, held until the coordinator picks their intent (oldest first)',
  ),
  'signups.list': request<EventSignups>()(z.object({ eventId: id }).strict(), "An event's signups per slot, with each waitlist in order"),
  'signups.add': request<SignupView>()(
    z
      .object({
        eventId: id,
        /** The event's default slot when left out. */
        slotId: id.optional(),
        /** An existing volunteer; or give `name` to add someone new to the roster. */
        volunteerId: id.optional(),
        name: z.string().trim().min(1).max(200).optional(),
        partySize: z.number().int().min(1).max(20).default(1),
        /** Sign up even when the slot is full (otherwise the person goes on the waitlist). */
        overCapacity: z.boolean().default(false),
      })
      .strict()
      .refine((a) => a.volunteerId !== undefined || a.name !== undefined, { message: 'Give a volunteerId or a name' }),
    'Signs a person up by hand',
  ),
  'signups.move': request<SignupView>()(
    z.object({ signupId: id, slotId: id, overCapacity: z.boolean().default(false) }).strict(),
    'Moves a signup to another slot of the same event (waitlisted there when full)',
  ),
  'signups.remove': request<{ removed: SignupView; promoted: SignupView | null }>()(
    z.object({ signupId: id }).strict(),
    'Cancels a signup by hand; the first person waiting is promoted and told',
  ),
  'signups.markAttendance': request<{ updated: number }>()(
    z
      .object({
        marks: z
          .array(z.object({ signupId: id, attended: z.boolean().nullable() }))
          .min(1, 'Mark at least one signup')
          .max(5000),
      })
      .strict(),
    'Marks who came (null clears the mark)',
  ),
  'signups.export': request<{ filename: string; csv: string }>()(z.object({ eventId: id }).strict(), "An event's signups as CSV text"),
  'inbox.list': request<InboxItem[]>()(
    z.object({ eventId: id.optional(), status: z.enum(INBOX_STATUSES).optional() }).strict(),
    'Questions from comments, newest first',
  ),
  'inbox.answer': request<InboxItem>()(
    z
      .object({
        id,
        message: z.string().trim().min(1, 'Write an answer').max(2000),
        /** Where the answer goes: under the comment, in Messenger, or both. */
        channel: z.enum(['public', 'private', 'both']).default('public'),
      })
      .strict(),
    'Sends the answer to a question (queued; sent once)',
  ),
  'inbox.dismiss': request<InboxItem>()(z.object({ id }).strict(), 'Marks a question as needing no answer'),
  'templates.get': request<ReplyTemplates>()(
    z.object({ language: replyLanguage.optional() }).strict(),
    "The reply texts in one language (the Page's default language when left out)",
  ),
  'templates.set': request<ReplyTemplates>()(
    z
      .object({
        language: replyLanguage.optional(),
        templates: z.partialRecord(z.enum(TEMPLATE_KEYS), z.string().trim().min(1, 'A reply text cannot be empty').max(2000)),
      })
      .strict(),
    "Changes some reply texts of one language (the Page's default when left out); returns all of them",
  ),
  'templates.languages': request<ReplyLanguages>()(z.object({}).strict(), 'The languages replies can be written in, and the Page default'),
  'templates.setDefaultLanguage': request<ReplyLanguages>()(
    z.object({ language: replyLanguage }).strict(),
    "Sets the Page's language: the one replies fall back to",
  ),
};

export interface SignupEventPayload {
  signupId: string;
  volunteerId: string;
  volunteerName: string;
  eventId: string;
  eventTitle: string;
  slotId: string;
  slotTitle: string;
  partySize: number;
  returning: boolean;
  waitlisted: boolean;
  source: 'comment' | 'coordinator';
}

export const eventsEvents = {
  'signup.created': liveEvent<SignupEventPayload>('Someone signed up (or joined a waitlist)'),
  'signup.cancelled': liveEvent<SignupEventPayload & { reason: 'comment' | 'deleted' | 'edited' | 'declined' | 'coordinator' }>(
    'A signup was withdrawn',
  ),
  'signup.promoted': liveEvent<SignupEventPayload>('Someone moved from the waitlist to a place'),
  'signup.updated': liveEvent<{ signup: SignupView }>('A signup changed (moved, confirmed, attendance)'),
  'waitlist.changed': liveEvent<{ eventId: string; slotId: string; waitlist: Array<{ signupId: string; volunteerName: string; position: number }> }>(
    "A slot's waitlist changed",
  ),
  'comment.received': liveEvent<{ comment: CommentView }>('A comment was recorded (with its intent)'),
  'comment.updated': liveEvent<{ comment: CommentView }>('A recorded comment changed without a new delivery (e.g. a reply to it could not be sent)'),
  'inbox.question': liveEvent<{ item: InboxItem }>('A question arrived in the inbox'),
  'event.updated': liveEvent<{ event: EventView }>('An event changed (status, details, counts)'),
};
