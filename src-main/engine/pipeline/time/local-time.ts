/** A moment as the coordinator's calendar shows it, in their time zone. */
export interface LocalParts {
  year: number;
  month: number;
  day: number;
  /** 0 = Sunday. */
  weekday: number;
  hour: number;
  minute: number;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const partFormatters = new Map<string, Intl.DateTimeFormat>();

let systemZone: { zone: string; at: number } | null = null;

/**
 * The system's time zone (the coordinator's computer), used when no setting says otherwise.
 * Looked up at most once a minute: the lookup builds a formatter (about half a millisecond) and
 * the recorder asks for every batch, while the computer's zone changes only when it travels.
 */
export function systemTimeZone(): string {
  const now = Date.now();
  if (!systemZone || now - systemZone.at > 60_000) systemZone = { zone: Intl.DateTimeFormat().resolvedOptions().timeZone, at: now };
  return systemZone.zone;
}

export function localParts(ms: number, timeZone: string): LocalParts {
  let f = partFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, year: 'numeric', month: 'numeric', day: 'numeric', weekday: 'short', hour: 'numeric', minute: 'numeric', hourCycle: 'h23',
    });
    partFormatters.set(timeZone, f);
  }
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(ms)) p[part.type] = part.value;
  return {
    year: Number(p.year), month: Number(p.month), day: Number(p.day),
    weekday: WEEKDAYS.indexOf(p.weekday ?? 'Sun'), hour: Number(p.hour) % 24, minute: Number(p.minute),
  };
}

const dateFormatters = new Map<string, Intl.DateTimeFormat>();
const timeFormatters = new Map<string, Intl.DateTimeFormat>();

// Building an Intl formatter costs far more than using one: keep one per zone.
function cached(map: Map<string, Intl.DateTimeFormat>, timeZone: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let f = map.get(timeZone);
  if (!f) {
    f = make();
    map.set(timeZone, f);
  }
  return f;
}

/** "Saturday 5 December" in the coordinator's zone. */
export function formatDate(ms: number, timeZone: string): string {
  return cached(dateFormatters, timeZone, () => new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'long', day: 'numeric', month: 'long' })).format(ms);
}

/** "09:00" in the coordinator's zone. */
export function formatTime(ms: number, timeZone: string): string {
  return cached(timeFormatters, timeZone, () => new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })).format(ms);
}

/** "Saturday 5 December, 09:00–12:00" (the end's date is named when it differs). */
export function formatRange(start: number, end: number, timeZone: string): string {
  const sameDay = formatDate(start, timeZone) === formatDate(end, timeZone);
  return sameDay
    ? `${formatDate(start, timeZone)}, ${formatTime(start, timeZone)}–${formatTime(end, timeZone)}`
    : `${formatDate(start, timeZone)} ${formatTime(start, timeZone)} – ${formatDate(end, timeZone)} ${formatTime(end, timeZone)}`;
}
