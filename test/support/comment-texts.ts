import type { IntentName } from '../../src-main/contract/events';

/**
 * Comments for load tests, by what they should make the pipeline do. None names a party
 * ("me and my wife", "3 of us"), so each signup counts for one person; signups name their slot
 * by its title word, or none (the first slot). The tests keep only those the shipped model
 * reads as intended (`textsTheModelReads`).
 */
export const LOAD_TEXTS = {
  morning: { intent: 'signup', texts: ["I'm in for the morning", 'Count me in for the morning shift', 'morning works for me, count me in', 'I can help in the morning'] },
  afternoon: { intent: 'signup', texts: ["I'm in for the afternoon", 'Sign me up for the afternoon', 'Count me in for the afternoon shift', 'I can help in the afternoon'] },
  evening: { intent: 'signup', texts: ["I'm in for the evening", 'Sign me up for the evening', 'Count me in for the evening shift', 'I can help in the evening'] },
  anySlot: { intent: 'signup', texts: ['count me in 🙌', 'Im in', 'Id love to volunteer!', 'Yes! Put me on the list', 'i wanna help 🙂', 'count me in!'] },
  cancel: { intent: 'cancel', texts: ["Sorry, I can't make it anymore", 'Please take me off the list, something came up', 'cant come sorry 😞', 'I need to cancel my spot', "Won't be able to come after all", 'remove me pls'] },
  question: { intent: 'question', texts: ['What time does it start?', 'Is there parking nearby?', 'wat should i bring?', 'Is lunch provided?', 'How long is a shift?'] },
  other: { intent: 'other', texts: ['Great work everyone! ❤️', 'This is amazing, thank you for doing this', 'Love this community 🌳', 'Proud of this team', 'Great initiative!', '👏👏👏', 'I am not interested'] },
} as const satisfies Record<string, { intent: IntentName; texts: readonly string[] }>;

export type LoadKind = keyof typeof LOAD_TEXTS;
