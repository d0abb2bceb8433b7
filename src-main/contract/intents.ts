// The four intents a comment can have, in the order every score vector, confusion matrix and
// menu uses. The one list: the contract's schemas, the engine's streams, the model's training
// and the window all read it from here. No zod here, so the window can import the values.

export const INTENTS = ['signup', 'cancel', 'question', 'other'] as const;
export type IntentName = (typeof INTENTS)[number];
