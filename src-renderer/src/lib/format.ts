/** Short, friendly times for lists: "14:05" today, "Sat 14:05" this week, else "12 Mar". */
export function formatWhen(ts: number | string | null | undefined, now: number = Date.now()): string {
  if (ts === null || ts === undefined || ts === '') return '—';
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return '—';
  const n = new Date(now);
  const time = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  if (d.toDateString() === n.toDateString()) return time;
  if (Math.abs(now - d.getTime()) < 6 * 86_400_000) return `${d.toLocaleDateString(undefined, { weekday: 'short' })} ${time}`;
  return d.toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: d.getFullYear() === n.getFullYear() ? undefined : 'numeric' });
}

/** "Sat 14 Mar, 10:00–13:00" for an event or slot. */
export function formatRange(start: number | string, end?: number | string | null): string {
  const s = new Date(start);
  if (Number.isNaN(s.getTime())) return '—';
  const day = s.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short' });
  const t = (d: Date) => d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  if (end === undefined || end === null) return `${day}, ${t(s)}`;
  const e = new Date(end);
  if (Number.isNaN(e.getTime())) return `${day}, ${t(s)}`;
  return e.toDateString() === s.toDateString() ? `${day}, ${t(s)}–${t(e)}` : `${day}, ${t(s)} – ${formatRange(end)}`;
}

export function percent(part: number, whole: number): number {
  if (whole <= 0) return 0;
  return Math.max(0, Math.min(100, Math.round((part / whole) * 100)));
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
