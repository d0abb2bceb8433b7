import type { Slot, SlotInput } from '@contract/events';
import { isoToLocal, localToIso } from '../../lib/time-input';

/** A slot as the form edits it: text fields, the id kept so an edit keeps its signups. */
export interface SlotDraft {
  id?: string;
  title: string;
  start: string;
  end: string;
  capacity: string;
  description: string;
}

export function draftsFromSlots(slots: readonly Slot[]): SlotDraft[] {
  return slots.map((s) => ({ id: s.id, title: s.title, start: isoToLocal(s.start), end: isoToLocal(s.end), capacity: String(s.capacity), description: s.description ?? '' }));
}

/**
 * What the form sends. The description is always sent (null when empty), so saving an edit
 * keeps what the slot had and clearing the field really clears it.
 */
export function slotArgsFromDrafts(drafts: readonly SlotDraft[]): SlotInput[] {
  return drafts.map((s) => ({
    ...(s.id ? { id: s.id } : {}),
    title: s.title.trim(),
    start: localToIso(s.start) ?? '',
    end: localToIso(s.end) ?? '',
    capacity: Number(s.capacity),
    description: s.description.trim() || null,
  }));
}

export function slotProblem(s: SlotDraft): string | null {
  if (!s.title.trim()) return 'Give the slot a title, e.g. “Morning”.';
  const start = localToIso(s.start);
  const end = localToIso(s.end);
  if (!start || !end) return 'Choose when the slot starts and ends.';
  if (Date.parse(end) <= Date.parse(start)) return 'The slot must end after it starts.';
  const c = Number(s.capacity);
  if (!Number.isInteger(c) || c < 1) return 'Capacity is a whole number of people, at least 1.';
  if (s.description.trim().length > 1000) return 'Keep the slot description under 1,000 characters.';
  return null;
}
