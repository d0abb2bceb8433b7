import type { Intent } from '../engine/streams/entries';

/** A comment a simulated person may write, with the intent a reader would see in it. */
export interface PoolComment {
  text: string;
  intent: Intent;
  /**
   * A hedged comment ("I'll try to make it"): people write them under every signup post, and a
   * reader could take them either way, so they are the ones the model is least sure of and the
   * ones "Needs a look" is for.
   */
  hedged?: true;
}

/**
 * Realistic comments under a volunteer signup post: plain, slangy, misspelt, with emoji, and
 * some that look like signups but are not ("not interested").
 */
export const COMMENT_POOL: readonly PoolComment[] = [
  { text: "I'm in! Count me in for Saturday", intent: 'signup' },
  { text: 'Sign me up please', intent: 'signup' },
  { text: 'count me in 🙌', intent: 'signup' },
  { text: 'Im in', intent: 'signup' },
  { text: 'me!! 🙋‍♀️', intent: 'signup' },
  { text: 'I can help with the morning shift', intent: 'signup' },
  { text: 'Put me down for 2 hours', intent: 'signup' },
  { text: 'yes i will come and bring my sister', intent: 'signup' },
  { text: 'Id love to volunteer!', intent: 'signup' },
  { text: 'sing me up lol', intent: 'signup' },
  { text: 'Interested! 💚', intent: 'signup' },
  { text: 'I can make it, see you there', intent: 'signup' },
  { text: 'Happy to help out again this year', intent: 'signup' },
  { text: 'Yes! Put me on the list', intent: 'signup' },
  { text: 'i wanna help 🙂', intent: 'signup' },
  { text: 'Count me and my husband in', intent: 'signup' },
  { text: "I'll try to make it", intent: 'signup', hedged: true },
  { text: "if my shift ends early I'll try", intent: 'signup', hedged: true },
  { text: 'hmm Saturday could work', intent: 'signup', hedged: true },
  { text: "Sorry, I can't make it anymore", intent: 'cancel' },
  { text: 'Please take me off the list, something came up', intent: 'cancel' },
  { text: 'cant come sorry 😞', intent: 'cancel' },
  { text: 'I need to cancel my spot', intent: 'cancel' },
  { text: 'Have to drop out, sick kid 🤒', intent: 'cancel' },
  { text: 'nvm cant make it', intent: 'cancel' },
  { text: "Won't be able to come after all", intent: 'cancel' },
  { text: 'remove me pls', intent: 'cancel' },
  { text: 'What time does it start?', intent: 'question' },
  { text: 'Is there parking nearby?', intent: 'question' },
  { text: 'Can kids come too?', intent: 'question' },
  { text: 'wat should i bring?', intent: 'question' },
  { text: 'How long is a shift?', intent: 'question' },
  { text: 'Do I need to be 18?', intent: 'question' },
  { text: 'where is it exactly?? 📍', intent: 'question' },
  { text: 'Is lunch provided?', intent: 'question' },
  { text: 'Can I come for just an hour?', intent: 'question' },
  { text: 'Great work everyone! ❤️', intent: 'other' },
  { text: 'Shared with my church group', intent: 'other' },
  { text: 'This is amazing, thank you for doing this', intent: 'other' },
  { text: '👏👏👏', intent: 'other' },
  { text: 'I am not interested', intent: 'other' },
  { text: '@Jamie Lee you should do this', intent: 'other' },
  { text: 'Love this community 🌳', intent: 'other' },
  { text: 'not this time, good luck!', intent: 'other' },
  { text: 'Proud of this team', intent: 'other' },
];

/** Names for simulated people (first and last names combined by the world's RNG). */
export const FIRST_NAMES = ['Maria', 'James', 'Aisha', 'Tom', 'Priya', 'Carlos', 'Hannah', 'Kwame', 'Sofia', 'Liam', 'Mei', 'Omar', 'Grace', 'Diego', 'Fatima', 'Noah', 'Elena', 'Sam', 'Yuki', 'Ben'];
export const LAST_NAMES = ['Garcia', 'Smith', 'Okafor', 'Nguyen', 'Patel', 'Rossi', 'Johnson', 'Kim', 'Mensah', 'Novak', 'Silva', 'Brown', 'Haddad', 'Lopez'];
