import { formatRange } from '../time/local-time';

export interface PostDetails {
  title: string;
  description: string;
  location: string;
  slots: ReadonlyArray<{ title: string; start: number; end: number; capacity: number; description?: string | null }>;
}

/**
 * The signup post as generated from an event: what, where, when, and how to sign up by
 * commenting (naming a slot when there are several). The coordinator may edit it.
 */
export function generatePostText(d: PostDetails, timeZone: string): string {
  const lines: string[] = [`📣 ${d.title}`];
  if (d.description.trim()) lines.push('', d.description.trim());
  if (d.location.trim()) lines.push('', `📍 ${d.location.trim()}`);
  lines.push('');
  const descOf = (s: PostDetails['slots'][number]) => (s.description?.trim() ? ` — ${s.description.trim()}` : '');
  if (d.slots.length === 1) {
    const s = d.slots[0]!;
    lines.push(`🗓 ${formatRange(s.start, s.end, timeZone)} (${s.capacity} ${s.capacity === 1 ? 'place' : 'places'})${descOf(s)}`);
  } else {
    lines.push('🗓 Shifts:');
    for (const s of d.slots) {
      const desc = descOf(s);
      lines.push(`• ${s.title}: ${formatRange(s.start, s.end, timeZone)} (${s.capacity} ${s.capacity === 1 ? 'place' : 'places'})${desc}`);
    }
  }
  lines.push('');
  if (d.slots.length === 1) {
    lines.push('👉 To sign up, comment "I\'m in" below. Bringing friends? Say how many, e.g. "me + 2".');
  } else {
    const example = d.slots[Math.min(1, d.slots.length - 1)]!.title;
    lines.push(`👉 To sign up, comment with the shift you want, e.g. "I'm in for ${example}". Bringing friends? Say how many, e.g. "me + 2".`);
  }
  lines.push('Can\'t make it after all? Comment "cancel" and we\'ll free your place. Questions are welcome in the comments too.');
  return lines.join('\n');
}
