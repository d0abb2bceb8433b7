import { LANGUAGE_NAMES, REPLY_LANGUAGES, TEMPLATE_KEYS, type ReplyLanguage, type ReplyLanguages, type ReplyTemplates, type TemplateKey } from '../../../contract/events';
import { isolate } from '../../bidi';

/** The reply texts a fresh install starts with; the coordinator edits them (templates.set). */
export const DEFAULT_TEMPLATES: ReplyTemplates = {
  'signup.public': "Thank you {firstName}! You're signed up for {slot}. We've sent you a message with the details.",
  'signup.private': "Hi {firstName}, thanks for signing up for {event} ({slot}, {date}) at {location}. Can you confirm you'll come?",
  'signup.public.returning': "Welcome back {firstName}! You're signed up for {slot}. Details are in your messages.",
  'signup.private.returning': 'Great to have you again, {firstName}! You are down for {event} ({slot}, {date}) at {location}. Can you confirm?',
  'waitlist.public': "Thanks {firstName}! {slot} is full, so you're on the waitlist. We'll message you if a place opens.",
  'waitlist.public.open': "Thanks {firstName}! {slot} is full, so you're on its waitlist. {open} still has room: edit your comment to name it and the place is yours.",
  'waitlist.private': "Hi {firstName}, {slot} of {event} is full right now. You're number {position} on the waitlist; we'll tell you as soon as a place opens.",
  'cancel.public': 'No problem {firstName}, we have taken you off {event}. Hope to see you another time!',
  'cancel.private': "Hi {firstName}, you're no longer signed up for {event} ({slot}). Thanks for letting us know.",
  'promoted.private': "Good news {firstName}! A place opened up: you're now signed up for {event} ({slot}, {date}) at {location}.",
  'confirm.yes': 'Thanks {firstName}, see you at {event} ({slot}, {date})!',
  'confirm.no': "Thanks for telling us, {firstName}. We've freed your place for {event}.",
  'email.code': 'Your Voluntree confirmation code is {code}. It is valid for 15 minutes.',
  'email.saved': 'Thanks {firstName}, your email address is confirmed.',
};

/**
 * The Spanish texts, written for Voluntree (the same situations and variables as the English
 * ones; `tú`, as a Page's comment section speaks). A Spanish comment gets these unless the
 * coordinator changed them in Settings → Replies.
 */
export const SPANISH_TEMPLATES: ReplyTemplates = {
  'signup.public': '¡Gracias {firstName}! Quedaste apuntado/a para {slot}. Te enviamos un mensaje con los detalles.',
  'signup.private': 'Hola {firstName}, gracias por apuntarte a {event} ({slot}, {date}) en {location}. ¿Nos confirmas que vienes?',
  'signup.public.returning': '¡Qué bueno verte de nuevo, {firstName}! Quedaste apuntado/a para {slot}. Los detalles están en tus mensajes.',
  'signup.private.returning': '¡Qué alegría contar contigo otra vez, {firstName}! Estás en {event} ({slot}, {date}) en {location}. ¿Nos confirmas?',
  'waitlist.public': '¡Gracias {firstName}! {slot} está completo, así que estás en la lista de espera. Te escribimos si se libera un lugar.',
  'waitlist.public.open': '¡Gracias {firstName}! {slot} está completo, así que estás en su lista de espera. {open} todavía tiene lugar: edita tu comentario con ese nombre y el lugar es tuyo.',
  'waitlist.private': 'Hola {firstName}, {slot} de {event} está completo por ahora. Eres el número {position} en la lista de espera; te avisamos en cuanto se libere un lugar.',
  'cancel.public': 'Sin problema {firstName}, te quitamos de {event}. ¡Esperamos verte en otra ocasión!',
  'cancel.private': 'Hola {firstName}, ya no estás apuntado/a a {event} ({slot}). Gracias por avisarnos.',
  'promoted.private': '¡Buenas noticias {firstName}! Se liberó un lugar: ahora estás apuntado/a a {event} ({slot}, {date}) en {location}.',
  'confirm.yes': '¡Gracias {firstName}, nos vemos en {event} ({slot}, {date})!',
  'confirm.no': 'Gracias por avisarnos, {firstName}. Liberamos tu lugar en {event}.',
  'email.code': 'Tu código de confirmación de Voluntree es {code}. Es válido durante 15 minutos.',
  'email.saved': 'Gracias {firstName}, tu correo electrónico quedó confirmado.',
};

/** Texts that ship with the app, per language. */
const BUILT_IN: Partial<Record<ReplyLanguage, ReplyTemplates>> = { en: DEFAULT_TEMPLATES, es: SPANISH_TEMPLATES };

/** What the coordinator stored: the Page's language and their texts per language (English ones in the older `templates` file). */
export interface StoredReplyTexts {
  defaultLanguage?: ReplyLanguage;
  texts?: Partial<Record<ReplyLanguage, Partial<Record<TemplateKey, string>>>>;
}

/**
 * The reply texts in every language. A language has texts when they ship with the app (English,
 * Spanish) or the coordinator wrote some; otherwise replies use the Page's default language. A
 * text the coordinator left out of a language they added falls back, key by key, to the default
 * language's text, so no reply is ever empty.
 */
export class ReplyTexts {
  constructor(
    private readonly english: Partial<Record<TemplateKey, string>>,
    private readonly stored: StoredReplyTexts,
  ) {}

  get defaultLanguage(): ReplyLanguage {
    return this.stored.defaultLanguage ?? 'en';
  }

  /** The coordinator's own texts of a language (English ones live in the older file). */
  overrides(lang: ReplyLanguage): Partial<Record<TemplateKey, string>> {
    return lang === 'en' ? this.english : (this.stored.texts?.[lang] ?? {});
  }

  available(lang: ReplyLanguage): boolean {
    return BUILT_IN[lang] !== undefined || Object.values(this.overrides(lang)).some((v) => typeof v === 'string' && v.trim() !== '');
  }

  /** The texts replies to a comment in `lang` use (null: the language could not be told). */
  in(lang: ReplyLanguage | null): ReplyTemplates {
    const fallback = this.own(this.defaultLanguage, BUILT_IN[this.defaultLanguage] ?? this.own('en', DEFAULT_TEMPLATES));
    if (lang === null || lang === this.defaultLanguage || !this.available(lang)) return fallback;
    return this.own(lang, BUILT_IN[lang] ?? fallback);
  }

  /** The language the texts for `lang` are really in (what a reply to it is recorded as). */
  resolve(lang: ReplyLanguage | null): ReplyLanguage {
    return lang !== null && this.available(lang) ? lang : this.defaultLanguage;
  }

  view(): ReplyLanguages {
    return {
      defaultLanguage: this.defaultLanguage,
      languages: REPLY_LANGUAGES.map((code) => ({
        code, name: LANGUAGE_NAMES[code], builtIn: BUILT_IN[code] !== undefined,
        edited: Object.keys(this.overrides(code)).length > 0, available: this.available(code),
      })),
    };
  }

  private own(lang: ReplyLanguage, base: ReplyTemplates): ReplyTemplates {
    const out = { ...base };
    const mine = this.overrides(lang);
    for (const k of TEMPLATE_KEYS) {
      const v = mine[k];
      if (typeof v === 'string' && v.trim()) out[k] = v;
    }
    return out;
  }
}

export type TemplateVars = Partial<Record<'firstName' | 'name' | 'event' | 'slot' | 'date' | 'time' | 'location' | 'position' | 'open' | 'code', string>>;

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
