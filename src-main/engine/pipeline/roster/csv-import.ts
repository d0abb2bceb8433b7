import { randomUUID } from 'node:crypto';
import { RpcError } from '../../../contract/errors';
import { ROSTER_EXCERPT_MAX, ROSTER_REJECTED_LISTED, type ImportedRow, type ImportResult, type RejectedRow, type RosterEncoding } from '../../../contract/volunteers';
import { NAME_MAX, cutText } from '../../facebook/text-limits';
import type { PipelineState } from '../state/pipeline-state';
import type { VolunteerRecord } from '../state/records';
import { slicer } from '../../store/slicer';
import { readCsvRows, type CsvReadOptions, type CsvRow } from './csv-rows';

type Field = 'name' | 'firstName' | 'lastName' | 'email' | 'facebookId' | 'tags' | 'notes';

/** Header spellings found in the spreadsheets nonprofits keep (compared without case, spaces or punctuation). */
const HEADERS: Record<Field, string[]> = {
  name: ['name', 'fullname', 'volunteer', 'volunteername', 'contact', 'contactname', 'person'],
  firstName: ['firstname', 'first', 'givenname', 'forename'],
  lastName: ['lastname', 'last', 'surname', 'familyname'],
  email: ['email', 'emailaddress', 'mail', 'emailid', 'e-mail'],
  facebookId: ['facebookid', 'fbid', 'facebook', 'facebookuserid'],
  tags: ['tags', 'tag', 'groups', 'labels', 'skills', 'roles'],
  notes: ['notes', 'note', 'comments', 'remarks'],
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;
const squash = (h: string): string => h.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Which column (by index) feeds each field, and the columns that name a field another column already feeds. */
export function detectColumns(headers: readonly string[]): { columns: Partial<Record<Field, number>>; clashes: string[] } {
  const columns: Partial<Record<Field, number>> = {};
  const clashes: string[] = [];
  headers.forEach((h, i) => {
    const s = squash(h);
    if (!s) return;
    for (const [field, names] of Object.entries(HEADERS) as [Field, string[]][]) {
      if (!names.some((n) => squash(n) === s)) continue;
      const first = columns[field];
      if (first === undefined) columns[field] = i;
      else clashes.push(`Columns ${first + 1} (${quoted(headers[first]!)}) and ${i + 1} (${quoted(h)}) are both read as ${FIELD_WORDS[field]}`);
    }
  });
  return { columns, clashes };
}

const FIELD_WORDS: Record<Field, string> = {
  name: 'the name', firstName: 'the first name', lastName: 'the last name', email: 'the email', facebookId: 'the Facebook id', tags: 'the tags', notes: 'the notes',
};

/** Caps on what one volunteer may carry, the same as `volunteers.update` allows. */
const EMAIL_MAX = 254;
const NOTES_MAX = 5000;
const TAG_MAX = 60;
const TAGS_MAX = 50;
/** Accepted rows shown in the preview, and how much of their notes. */
const PREVIEW_ROWS = 50;
const PREVIEW_NOTES = 200;

const fmt = (n: number): string => n.toLocaleString('en-US');
/** A value from the file quoted in a reason, short enough that a report stays small. */
const quoted = (v: string): string => `"${cutText(v, 60)}"`;

/** A rejected row's cells for the report: the non-empty ones, cut; only the first cells are looked at. */
function excerptOf(cells: readonly string[]): string {
  const parts: string[] = [];
  let length = 0;
  for (const c of cells) {
    const t = c.trim();
    if (!t) continue;
    parts.push(cutText(t, ROSTER_EXCERPT_MAX));
    length += t.length + 3;
    if (length > ROSTER_EXCERPT_MAX) break;
  }
  return cutText(parts.join(' · '), ROSTER_EXCERPT_MAX);
}

export interface ImportPlan {
  result: ImportResult;
  /**
   * Applies the plan (nothing is changed for a dry run) and returns what it did. Matches are
   * looked up again here, since the roster may have changed while the file was being read.
   */
  apply(): Promise<{ created: number; updated: number }>;
}

export interface ImportFile {
  text: string;
  /** How the bytes were read, when the file came as bytes. */
  encoding: RosterEncoding | null;
}

/**
 * Reads a roster CSV and plans the import: each row becomes a new volunteer or fills in an
 * existing one (matched by Facebook id, then email); rows that cannot be used are rejected with
 * the reason, never silently dropped. The answer is bounded whatever the file holds: the first
 * ROSTER_REJECTED_LISTED rejected rows are listed with a short excerpt and the rest counted.
 * Nothing changes until `apply()`.
 */
export async function planImport(state: PipelineState, file: ImportFile, dryRun: boolean, now: number, opts?: CsvReadOptions): Promise<ImportPlan> {
  let headers: string[] = [];
  let columns: Partial<Record<Field, number>> = {};
  const notices: string[] = [];
  const accepted: ImportedRow[] = [];
  const rejected: RejectedRow[] = [];
  let rejectedTotal = 0;
  const seenEmail = new Map<string, number>();
  const seenFb = new Map<string, number>();
  let created = 0;

  const onHeader = (h: string[]): void => {
    headers = h;
    const found = detectColumns(h);
    columns = found.columns;
    if (found.clashes.length > 0) {
      // The first few name the problem; a header row of fifty "Name"s does not need 49 sentences.
      const more = found.clashes.length > 3 ? `; and ${found.clashes.length - 3} more` : '';
      throw new RpcError('bad_arguments', `${found.clashes.slice(0, 3).join('; ')}${more}. Rename or delete one of each, save, and import again.`);
    }
    if (columns.name === undefined && columns.firstName === undefined && columns.lastName === undefined) {
      const list = cutText(h.filter(Boolean).join(', '), 300);
      throw new RpcError('bad_arguments', `The file needs a "Name" column (or "First name" and "Last name"). Columns found: ${list || 'none'}.`);
    }
    const byName = new Map<string, number[]>();
    h.forEach((name, i) => {
      const key = name.toLowerCase();
      if (key) byName.set(key, [...(byName.get(key) ?? []), i + 1]);
    });
    for (const [, at] of byName) {
      if (notices.length >= 5) break;
      if (at.length > 1) notices.push(`Columns ${at.join(', ')} have the same header "${cutText(h[at[0]! - 1]!, 60)}"; they are not imported.`);
    }
  };

  const onRow = ({ line, cells, problem }: CsvRow): void => {
    const reject = (reason: string): void => {
      rejectedTotal += 1;
      if (rejected.length < ROSTER_REJECTED_LISTED) rejected.push({ line, reason, excerpt: excerptOf(cells) });
    };
    if (problem) return reject(problem);
    const cell = (f: Field): string => {
      const i = columns[f];
      return i === undefined ? '' : (cells[i] ?? '').trim();
    };
    const name = cell('name') || [cell('firstName'), cell('lastName')].filter(Boolean).join(' ');
    const email = cell('email').toLowerCase() || null;
    const facebookId = cell('facebookId') || null;
    const notes = cell('notes');
    const tags = cell('tags').split(/[;,|]/).map((t) => t.trim()).filter(Boolean);
    if (!name) return reject('No name');
    if (name.length > NAME_MAX) return reject(`The name is longer than ${NAME_MAX} characters`);
    if (email && email.length > EMAIL_MAX) return reject(`The email is longer than ${EMAIL_MAX} characters`);
    if (email && !EMAIL.test(email)) return reject(`${quoted(email)} does not look like an email address`);
    if (facebookId && !/^\d{3,30}$/.test(facebookId)) return reject(`${quoted(facebookId)} is not a Facebook id (digits only)`);
    if (notes.length > NOTES_MAX) return reject(`The notes are longer than ${fmt(NOTES_MAX)} characters`);
    if (tags.length > TAGS_MAX) return reject(`There are more than ${TAGS_MAX} tags`);
    const longTag = tags.find((t) => t.length > TAG_MAX);
    if (longTag) return reject(`The tag ${quoted(longTag)} is longer than ${TAG_MAX} characters`);
    if (email && seenEmail.has(email)) return reject(`Same email as line ${seenEmail.get(email)}`);
    if (facebookId && seenFb.has(facebookId)) return reject(`Same Facebook id as line ${seenFb.get(facebookId)}`);
    if (email) seenEmail.set(email, line);
    if (facebookId) seenFb.set(facebookId, line);
    const matchedId = matchOf(state, facebookId, email);
    if (!matchedId) created += 1;
    accepted.push({ line, name, email, facebookId, tags, notes, action: matchedId ? 'update' : 'create', matchedId });
  };

  await readCsvRows(file.text.replace(/^\uFEFF/, ''), onHeader, onRow, opts);

  const usedColumns: ImportResult['columns'] = {};
  for (const [field, i] of Object.entries(columns) as [Field, number][]) usedColumns[field] = headers[i]!;
  const result: ImportResult = {
    dryRun,
    encoding: file.encoding,
    columns: usedColumns,
    accepted: accepted.length,
    created,
    updated: accepted.length - created,
    preview: accepted.slice(0, PREVIEW_ROWS).map((r) => ({ ...r, notes: cutText(r.notes, PREVIEW_NOTES) })),
    rejected,
    rejectedTotal,
    notices,
  };
  return {
    result,
    async apply() {
      let made = 0;
      // In slices like the reading: 100,000 new volunteers took seconds in one go.
      const turn = slicer();
      for (const r of accepted) {
        await turn();
        const matchedId = matchOf(state, r.facebookId, r.email);
        const existing = matchedId ? state.volunteers[matchedId] : undefined;
        if (existing) {
          existing.tags = [...new Set([...existing.tags, ...r.tags])];
          if (r.notes && !existing.notes.includes(r.notes)) existing.notes = existing.notes ? `${existing.notes}\n${r.notes}` : r.notes;
          existing.email ??= r.email;
          existing.facebookId ??= r.facebookId;
          state.reindexVolunteer(existing);
          continue;
        }
        made += 1;
        const v: VolunteerRecord = {
          id: r.facebookId ? `fb_${r.facebookId}` : `vol_${randomUUID()}`, name: r.name, facebookId: r.facebookId, psid: null, email: r.email,
          tags: r.tags, notes: r.notes, firstSeen: now, lastSeen: now, lastMessageAt: null, source: 'import', mergedIds: [],
        };
        state.putVolunteer(v);
      }
      return { created: made, updated: accepted.length - made };
    },
  };
}

function matchOf(state: PipelineState, facebookId: string | null, email: string | null): string | null {
  return (facebookId && state.volunteerByFacebookId.get(facebookId)) || (email && state.volunteerByEmail.get(email)) || null;
}
