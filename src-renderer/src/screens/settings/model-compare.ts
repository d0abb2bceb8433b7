import { INTENTS } from '@contract/intents';
import type { ModelIntent, ModelReport } from '@contract/model';

/** One figure of two reports side by side; figures are fractions (0–1). */
export interface ComparedFigure {
  label: string;
  current: number | null;
  next: number;
  /** next − current, in percentage points rounded to one decimal; null without a current report. */
  points: number | null;
  direction: 'up' | 'down' | 'same' | null;
}

export const INTENT_LABELS: Record<ModelIntent, string> = { signup: 'Signups', cancel: 'Cancellations', question: 'Questions', other: 'Other comments' };
const INTENT_ORDER: readonly ModelIntent[] = INTENTS;

function figure(label: string, current: number | null, next: number): ComparedFigure {
  if (current === null) return { label, current, next, points: null, direction: null };
  const points = Math.round((next - current) * 1000) / 10;
  return { label, current, next, points, direction: points > 0 ? 'up' : points < 0 ? 'down' : 'same' };
}

/**
 * The figures the coordinator weighs before using a retrained model: overall quality
 * (macro-F1, accuracy), then per intent how precise and how complete the model is.
 */
export function compareReports(current: ModelReport | null, next: ModelReport): { overall: ComparedFigure[]; perIntent: { intent: ModelIntent; label: string; precision: ComparedFigure; recall: ComparedFigure }[] } {
  const overall = [
    figure('Quality (macro F1)', current?.summary.macroF1 ?? null, next.summary.macroF1),
    figure('Accuracy', current?.summary.accuracy ?? null, next.summary.accuracy),
  ];
  const perIntent = INTENT_ORDER.map((intent) => {
    const c = current?.model.perIntent[intent] ?? null;
    const n = next.model.perIntent[intent];
    return {
      intent,
      label: INTENT_LABELS[intent],
      precision: figure('precision', c?.precision ?? null, n.precision),
      recall: figure('recall', c?.recall ?? null, n.recall),
    };
  });
  return { overall, perIntent };
}

/** Whether using `next` needs the coordinator's explicit confirmation, and why. */
export function promoteWarning(current: ModelReport | null, next: ModelReport, versionInUse: string | null): 'lower' | 'stale' | null {
  if (!current) return null;
  if (versionInUse !== null && current.version !== versionInUse) return 'stale';
  return next.summary.macroF1 < current.summary.macroF1 ? 'lower' : null;
}
