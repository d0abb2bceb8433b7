/**
 * How long a text from or to Facebook may be. Lengths are counted in UTF-16 code units (what
 * `String.length` counts), which is never fewer than the characters Meta counts, so a text
 * within a limit here is within Meta's limit too.
 */

/** A person's display name as kept by the app; Facebook's own names are far shorter. */
export const NAME_MAX = 200;

/**
 * A comment's text as kept and classified. Facebook does not accept a comment longer than
 * 8,000 characters, so a longer one is not a real comment and is cut.
 */
export const COMMENT_MAX = 8_000;

/** The text of a Messenger message a person sends the Page, kept and read for an email or a code. */
export const INCOMING_MESSAGE_MAX = 8_000;

/**
 * An outgoing Messenger text (a message, a private reply, a utility template's parameter): Meta's
 * Send API documents `message.text` as "UTF-8 and has a 2000 character limit", and refuses more.
 */
export const MESSENGER_TEXT_MAX = 2_000;

/** The text above a button template's buttons: Meta's button template takes up to 640 characters. */
export const BUTTON_TEXT_MAX = 640;

/** An outgoing reply under a comment: a comment on Facebook holds at most 8,000 characters. */
export const COMMENT_REPLY_MAX = 8_000;

/** A Messenger message cut to the limit of its kind (plain text, or text above buttons). */
export function fitForMessenger<M extends { text: string; buttons?: readonly unknown[] }>(message: M): M {
  const max = message.buttons && message.buttons.length > 0 ? BUTTON_TEXT_MAX : MESSENGER_TEXT_MAX;
  return message.text.length <= max ? message : { ...message, text: cutText(message.text, max) };
}

const ELLIPSIS = '…';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * `text` when it fits in `max`, otherwise its start cut at the last whole character (grapheme:
 * an emoji with its modifiers, a letter with its accents, never half a surrogate pair) and "…",
 * the whole at most `max` long. Only the start is segmented: whether a boundary falls before a
 * character depends on that character and the ones before it, never on what comes later, so a
 * 4 MB text costs no more than one that is just too long.
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  const room = Math.max(0, max - ELLIPSIS.length);
  let end = 0;
  for (const { index } of graphemes.segment(text.slice(0, room + 2))) {
    if (index > room) break;
    end = index;
  }
  if (end === 0) {
    // One grapheme longer than the room (a letter under hundreds of accents): cut between code points.
    end = room;
    const before = text.charCodeAt(end - 1);
    if (before >= 0xd800 && before <= 0xdbff) end -= 1;
  }
  return `${text.slice(0, end).trimEnd()}${ELLIPSIS}`;
}

/** A person's name from outside, cut to NAME_MAX. */
export function capName(name: string): string {
  return cutText(name, NAME_MAX);
}

/** A comment's text from outside, cut to COMMENT_MAX. */
export function capComment(message: string): string {
  return cutText(message, COMMENT_MAX);
}
