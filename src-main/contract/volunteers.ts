// The volunteers part of the contract: the roster. Requests: name → args schema (zod) + result
// type. Live events: name → payload type. Merged into the whole contract by ./index.ts.
// Times are ISO 8601 strings in UTC ("…Z"), as everywhere in the contract.
import { z } from 'zod';
import { liveEvent, request } from './define';

const id = z.string().trim().min(1, 'An id is required').max(200);

export const VOLUNTEER_FILTERS = ['all', 'returning', 'activeThisMonth', 'tag'] as const;
export type VolunteerFilter = (typeof VOLUNTEER_FILTERS)[number];

export interface VolunteerView {
  id: string;
  name: string;
  /** The person's Facebook id (as seen in comments); null for someone added by hand or imported. */
  facebookId: string | null;
  /** Page-scoped id for Messenger, once known. */
  psid: string | null;
  /** A confirmed email address. */
  email: string | null;
  tags: string[];
  notes: string;
  firstSeen: string;
  lastSeen: string;
  /** Events signed up for (not cancelled). */
  eventsSignedUp: number;
  eventsAttended: number;
  /** Signed up for more than one event. */
  returning: boolean;
  source: 'facebook' | 'import' | 'coordinator';
}

export interface VolunteerHistoryItem {
  eventId: string;
  eventTitle: string;
  slotTitle: string;
  status: 'signed_up' | 'waitlisted' | 'cancelled';
  attended: boolean | null;
  at: string;
}

export interface VolunteerDetail extends VolunteerView {
  history: VolunteerHistoryItem[];
  /** When the person last wrote in Messenger (the 24 h window opens from here). */
  lastMessageAt: string | null;
  /** Ids of records merged into this one. */
  mergedIds: string[];
}

export interface ImportedRow {
  /** 1-based line in the file, counting the header as line 1. */
  line: number;
  name: string;
  email: string | null;
  facebookId: string | null;
  tags: string[];
  notes: string;
  /** Whether the row adds a volunteer or fills in an existing one (matched by Facebook id, then email). */
  action: 'create' | 'update';
  matchedId: string | null;
}

export interface RejectedRow {
  /** 1-based line in the file where the row starts, counting the header as line 1. */
  line: number;
  reason: string;
  /** The row's non-empty cells joined by " · ", cut to ROSTER_EXCERPT_MAX characters. */
  excerpt: string;
}

export {
  ROSTER_EXCERPT_MAX, ROSTER_FILE_MAX_BASE64, ROSTER_FILE_MAX_BYTES, ROSTER_FILE_MAX_TEXT, ROSTER_REJECTED_LISTED, RPC_BODY_MAX_BYTES, rosterFileProblem,
} from './roster-limits';
import { ROSTER_FILE_MAX_BASE64, ROSTER_FILE_MAX_BYTES, ROSTER_FILE_MAX_TEXT } from './roster-limits';

/** How the bytes of a file sent as `file` were read. */
export type RosterEncoding = 'UTF-8' | 'UTF-16 LE' | 'UTF-16 BE' | 'Windows-1252';

export interface ImportResult {
  dryRun: boolean;
  /** How the file's bytes were read (null when it was sent as text, already read by the sender). */
  encoding: RosterEncoding | null;
  /** Which CSV header fed each field (recognised by common names: Name, First name + Last name, E-mail, Tags, Notes, Facebook id). */
  columns: Partial<Record<'name' | 'firstName' | 'lastName' | 'email' | 'facebookId' | 'tags' | 'notes', string>>;
  accepted: number;
  created: number;
  updated: number;
  /** Up to 50 accepted rows, for the preview (notes cut to 200 characters). */
  preview: ImportedRow[];
  /** The first ROSTER_REJECTED_LISTED rejected rows, in file order. */
  rejected: RejectedRow[];
  /** Every rejected row, listed or not. */
  rejectedTotal: number;
  /** Things the coordinator should know that reject no row (columns that are ignored, and why). */
  notices: string[];
}

/** What `volunteers.delete` removed: counts per store, so the coordinator can see it was thorough. */
export interface VolunteerDeletion {
  volunteerId: string;
  /** The name as it was, for the coordinator's confirmation; it is not kept anywhere after this answer. */
  name: string;
  removed: {
    /** Roster records: the person and the duplicates merged into them earlier. */
    volunteers: number;
    signups: number;
    comments: number;
    /** Questions in the inbox. */
    questions: number;
    /** Their rows in sent or pending broadcasts. */
    deliveries: number;
    /** Activity-feed entries (out of every feed, their text dropped from the store). */
    activities: number;
    /** Intent corrections made on their comments (training data for the model). */
    corrections: number;
    /** Replies, updates and emails to them that were still queued or kept after failing. */
    queuedMessages: number;
  };
  /** People moved off a waitlist into places this person held, told as after any cancellation. */
  promoted: number;
}

const TOO_BIG = `The file is larger than ${ROSTER_FILE_MAX_TEXT}; split it into smaller files`;

const searchArgs = {
  /** Matches names (any word start, accents ignored) and emails. */
  query: z.string().trim().max(200).default(''),
  filter: z.enum(VOLUNTEER_FILTERS).default('all'),
  /** Required when filter is "tag". */
  tag: z.string().trim().min(1).max(60).optional(),
};

export const volunteersRequests = {
  'volunteers.search': request<{ total: number; items: VolunteerView[] }>()(
    z
      .object({
        ...searchArgs,
        limit: z.number().int().min(1).max(500).default(50),
        offset: z.number().int().min(0).default(0),
      })
      .strict()
      .refine((a) => a.filter !== 'tag' || a.tag !== undefined, { message: 'Give the tag to filter by', path: ['tag'] }),
    'Searches the roster by name or email, with a filter',
  ),
  'volunteers.get': request<VolunteerDetail>()(z.object({ id }).strict(), 'One volunteer with their history'),
  'volunteers.update': request<VolunteerDetail>()(
    z
      .object({
        id,
        name: z.string().trim().min(1).max(200).optional(),
        notes: z.string().max(5000).optional(),
        tags: z.array(z.string().trim().min(1).max(60)).max(50).optional(),
        /** null removes the address. */
        email: z.email('That email address does not look right').nullable().optional(),
      })
      .strict(),
    "Changes a volunteer's notes, tags, email or name",
  ),
  'volunteers.merge': request<VolunteerDetail>()(
    z.object({ keepId: id, mergeIds: z.array(id).min(1, 'Choose at least one duplicate to merge').max(50) }).strict(),
    'Merges duplicates into one volunteer (signups, tags, notes and ids are combined)',
  ),
  'volunteers.delete': request<VolunteerDeletion>()(
    z.object({ id }).strict(),
    'Deletes a person for a privacy request: roster, signups (places go to the waitlist), comments, questions, deliveries, feed, corrections',
  ),
  'volunteers.importCsv': request<ImportResult>()(
    z
      .object({
        /** The file as text (scripts); its encoding is the sender's business. */
        csv: z.string().min(1, 'The file is empty').max(ROSTER_FILE_MAX_BYTES, TOO_BIG).optional(),
        /** The file's bytes as base64 (the UI sends this), so the engine can tell its encoding. */
        file: z.string().min(1, 'The file is empty').max(ROSTER_FILE_MAX_BASE64, TOO_BIG).optional(),
        /** true: only show what would happen. */
        dryRun: z.boolean().default(true),
      })
      .strict()
      .refine((a) => (a.csv === undefined) !== (a.file === undefined), { message: 'Send the file once: as text in "csv" or as base64 in "file"' }),
    'Imports a roster from CSV (preview first with dryRun)',
  ),
  'volunteers.exportCsv': request<{ filename: string; csv: string }>()(
    z.object({ ...searchArgs }).strict(),
    'The roster (or a filtered part) as CSV text',
  ),
};

export const volunteersEvents = {
  'volunteer.updated': liveEvent<{ volunteerId: string }>('A volunteer was added or changed'),
  'volunteer.deleted': liveEvent<{ volunteerId: string }>('A volunteer was deleted (privacy request); drop anything shown about them'),
};
