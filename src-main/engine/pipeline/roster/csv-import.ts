import { randomUUID } from 'node:crypto';
import Papa from 'papaparse';
import { RpcError } from '../../../contract/errors';
import type { ImportedRow, ImportResult, RejectedRow } from '../../../contract/volunteers';
import type { PipelineState } from '../state/pipeline-state';
import type { VolunteerRecord } from '../state/records';

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

export function detectColumns(headers: readonly string[]): Partial<Record<Field, string>> {
  const out: Partial<Record<Field, string>> = {};
  for (const h of headers) {
    const s = squash(h);
    for (const [field, names] of Object.entries(HEADERS) as [Field, string[]][]) {
      if (out[field] === undefined && names.some((n) => squash(n) === s)) out[field] = h;
    }
  }
  return out;
}

export interface ImportPlan {
  result: ImportResult;
  /** Applies the plan (nothing is changed for a dry run). */
  apply(): void;
}

/**
 * Reads a roster CSV and plans the import: each row becomes a new volunteer or fills in an
 * existing one (matched by Facebook id, then email); rows that cannot be used are rejected with
 * the reason, never silently dropped. Nothing changes until `apply()`.
 */
export function planImport(state: PipelineState, csv: string, dryRun: boolean, now: number): ImportPlan {
  const parsed = Papa.parse<Record<string, string>>(csv.replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: 'greedy', transformHeader: (h) => h.trim() });
  const headers = parsed.meta.fields ?? [];
  const columns = detectColumns(headers);
  if (!columns.name && !columns.firstName && !columns.lastName) {
    throw new RpcError('bad_arguments', `The file needs a "Name" column (or "First name" and "Last name"). Columns found: ${headers.join(', ') || 'none'}.`);
  }
  const rowErrors = new Map<number, string>();
  for (const e of parsed.errors) if (typeof e.row === 'number' && !rowErrors.has(e.row)) rowErrors.set(e.row, e.message);

  const accepted: ImportedRow[] = [];
  const rejected: RejectedRow[] = [];
  const seenEmail = new Map<string, number>();
  const seenFb = new Map<string, number>();
  parsed.data.forEach((raw, i) => {
    const line = i + 2;
    const cell = (f: Field): string => (columns[f] ? String(raw[columns[f]!] ?? '').trim() : '');
    const reject = (reason: string): void => {
      rejected.push({ line, reason, raw: Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, String(v ?? '')])) });
    };
    const parseError = rowErrors.get(i);
    if (parseError) return reject(`The row could not be read: ${parseError}`);
    const name = cell('name') || [cell('firstName'), cell('lastName')].filter(Boolean).join(' ');
    const email = cell('email').toLowerCase() || null;
    const facebookId = cell('facebookId') || null;
    if (!name) return reject('No name');
    if (name.length > 200) return reject('The name is longer than 200 characters');
    if (email && !EMAIL.test(email)) return reject(`"${email}" does not look like an email address`);
    if (facebookId && !/^\d{3,30}$/.test(facebookId)) return reject(`"${facebookId}" is not a Facebook id (digits only)`);
    if (email && seenEmail.has(email)) return reject(`Same email as line ${seenEmail.get(email)}`);
    if (facebookId && seenFb.has(facebookId)) return reject(`Same Facebook id as line ${seenFb.get(facebookId)}`);
    if (email) seenEmail.set(email, line);
    if (facebookId) seenFb.set(facebookId, line);
    const matchedId = (facebookId && state.volunteerByFacebookId.get(facebookId)) || (email && state.volunteerByEmail.get(email)) || null;
    accepted.push({
      line, name, email, facebookId,
      tags: cell('tags').split(/[;,|]/).map((t) => t.trim()).filter(Boolean).slice(0, 50),
      notes: cell('notes').slice(0, 5000),
      action: matchedId ? 'update' : 'create',
      matchedId,
    });
  });
  const created = accepted.filter((r) => r.action === 'create').length;
  const result: ImportResult = {
    dryRun, columns, accepted: accepted.length, created, updated: accepted.length - created, preview: accepted.slice(0, 50), rejected,
  };
  return {
    result,
    apply() {
      for (const r of accepted) {
        const existing = r.matchedId ? state.volunteers[r.matchedId] : undefined;
        if (existing) {
          existing.tags = [...new Set([...existing.tags, ...r.tags])];
          if (r.notes && !existing.notes.includes(r.notes)) existing.notes = existing.notes ? `${existing.notes}\n${r.notes}` : r.notes;
          existing.email ??= r.email;
          existing.facebookId ??= r.facebookId;
          state.reindexVolunteer(existing);
          continue;
        }
        const v: VolunteerRecord = {
          id: r.facebookId ? `fb_${r.facebookId}` : `vol_${randomUUID()}`, name: r.name, facebookId: r.facebookId, psid: null, email: r.email,
          tags: r.tags, notes: r.notes, firstSeen: now, lastSeen: now, lastMessageAt: null, source: 'import', mergedIds: [],
        };
        state.putVolunteer(v);
      }
    },
  };
}
