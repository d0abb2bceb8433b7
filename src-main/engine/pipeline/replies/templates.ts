import { TEMPLATE_KEYS, type ReplyTemplates, type TemplateKey } from '../../../contract/events';
import { isolate } from '../../bidi';

/** The reply texts a fresh install starts with; the coordinator edits them (templates.set). */
export const DEFAULT_TEMPLATES: ReplyTemplates = {
  'signup.public': "Thank you {firstName}! You're signed up for {slot}. We've sent you a message with the details.",
  'signup.private': "Hi {firstName}, thanks for signing up for {event} ({slot}, {date}) at {location}. Can you confirm you'll come?",
  'signup.public.returning': "Welcome back {firstName}! You're signed up for {slot}. Details are in your messages.",
  'signup.private.returning': 'Great to have you again, {firstName}! You are down for {event} ({slot}, {date}) at {location}. Can you confirm?',
  'waitlist.public': "Thanks {firstName}! {slot} is full, so you're on the waitlist. We'll message you if a place opens.",
  'waitlist.private': "Hi {firstName}, {slot} of {event} is full right now. You're number {position} on the waitlist; we'll tell you as soon as a place opens.",
  'cancel.public': 'No problem {firstName}, we have taken you off {event}. Hope to see you another time!',
  'cancel.private': "Hi {firstName}, you're no longer signed up for {event} ({slot}). Thanks for letting us know.",
  'promoted.private': "Good news {firstName}! A place opened up: you're now signed up for {event} ({slot}, {date}) at {location}.",
  'confirm.yes': 'Thanks {firstName}, see you at {event} ({slot}, {date})!',
  'confirm.no': "Thanks for telling us, {firstName}. We've freed your place for {event}.",
  'email.code': 'Your Voluntree confirmation code is {code}. It is valid for 15 minutes.',
  'email.saved': 'Thanks {firstName}, your email address is confirmed.',
};

export type TemplateVars = Partial<Record<'firstName' | 'name' | 'event' | 'slot' | 'date' | 'time' | 'location' | 'position' | 'code', string>>;

/** The first word of a display name ("Maria José Silva" → "Maria"); "there" when unknown. */
export function firstNameOf(name: string | null | undefined): string {
  const first = (name ?? '').trim().split(/\s+/)[0];
  return first ? first : 'there';
}

/** The variables that hold a person's name: isolated in the text (see `isolate`). */
const NAME_VARS: ReadonlySet<string> = new Set(['firstName', 'name']);

/**
 * Fills `{variable}`s; an unknown or missing variable is left as written so a typo is visible.
 * A person's name is isolated, so a right-to-left override in it cannot reverse the reply.
 */
export function renderTemplate(text: string, vars: TemplateVars): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = (vars as Record<string, string | undefined>)[name];
    if (v === undefined) return whole;
    return NAME_VARS.has(name) ? isolate(v) : v;
  });
}

/** The coordinator's texts over the defaults. */
export function effectiveTemplates(overrides: Partial<Record<TemplateKey, string>>): ReplyTemplates {
  const out = { ...DEFAULT_TEMPLATES };
  for (const k of TEMPLATE_KEYS) {
    const v = overrides[k];
    if (typeof v === 'string' && v.trim()) out[k] = v;
  }
  return out;
}
