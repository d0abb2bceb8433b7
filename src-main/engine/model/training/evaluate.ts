import { INTENTS, type IntentName as Intent } from '../../../contract/intents';

export interface IntentScores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Evaluation {
  macroF1: number;
  accuracy: number;
  perIntent: Record<Intent, IntentScores>;
  /** confusion[gold][predicted], both in INTENTS order. */
  confusion: number[][];
}

export function evaluate(gold: readonly Intent[], predicted: readonly Intent[]): Evaluation {
  const idx = (i: Intent): number => INTENTS.indexOf(i);
  const confusion = INTENTS.map(() => INTENTS.map(() => 0));
  gold.forEach((g, n) => {
    confusion[idx(g)]![idx(predicted[n]!)]! += 1;
  });
  const perIntent = {} as Record<Intent, IntentScores>;
  let f1Sum = 0;
  let correct = 0;
  INTENTS.forEach((intent, k) => {
    const tp = confusion[k]![k]!;
    correct += tp;
    const predictedK = confusion.reduce((s, row) => s + row[k]!, 0);
    const support = confusion[k]!.reduce((s, v) => s + v, 0);
    const precision = predictedK ? tp / predictedK : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    perIntent[intent] = { precision, recall, f1, support };
    f1Sum += f1;
  });
  return { macroF1: f1Sum / INTENTS.length, accuracy: gold.length ? correct / gold.length : 0, perIntent, confusion };
}

const has = (t: string, words: readonly string[]): boolean => words.some((w) => t.includes(w));

/**
 * The keyword-matching baseline the model is measured against: the obvious rules a person
 * would write first (cancel words, then signup words, then a question mark or question word).
 */
export function keywordBaseline(text: string): Intent {
  const t = text.toLowerCase();
  if (has(t, ['cancel', 'take me off', 'remove me', 'drop out', 'back out', "can't make it", 'cant make it', 'anymore', 'no longer'])) return 'cancel';
  if (has(t, ['count me in', 'sign me up', "i'm in", 'im in', 'i can', 'put me down', 'volunteer', 'help', 'i will be there', "i'll be there", 'interested'])) return 'signup';
  if (t.includes('?') || /^(what|where|when|how|is|are|do|does|can|will|who)\b/.test(t)) return 'question';
  return 'other';
}
