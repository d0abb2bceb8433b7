import { INTENTS } from '../../../contract/intents';
import type { ReportSummary } from '../artifact';
import type { IntentModel } from '../intent-model';
import type { LabelledComment } from './data';
import { evaluate, keywordBaseline, type Evaluation } from './evaluate';
import type { GroupScore, HandwrittenScore } from './slices';

/** Comments whose answer matters most to the coordinator, checked in every report. */
export const PROBES: readonly { text: string; notIntent?: string; intent?: string }[] = [
  { text: 'not interested', notIntent: 'signup' },
  { text: 'I am not interested', notIntent: 'signup' },
  { text: 'Not interested, thanks', notIntent: 'signup' },
  { text: "I can't not help!", intent: 'signup' },
  { text: 'Sign me up! What should I bring?', intent: 'signup' },
  { text: 'count me in', intent: 'signup' },
  { text: 'me + 2 friends', intent: 'signup' },
  { text: 'I can do the afternoon', intent: 'signup' },
  { text: "can't make it anymore", intent: 'cancel' },
  { text: 'take me off the list', intent: 'cancel' },
  { text: 'is parking available?', intent: 'question' },
  { text: '@Jenny Park you in?', intent: 'other' },
  { text: 'Interested', intent: 'signup' },
  { text: '+1', intent: 'signup' },
  { text: '🙋', intent: 'signup' },
  { text: '✋', intent: 'signup' },
  { text: 'Going', intent: 'signup' },
  { text: 'cuenten conmigo', intent: 'signup' },
  { text: 'wish I could', intent: 'other' },
];

export interface ModelReport {
  version: string;
  summary: ReportSummary;
  model: Evaluation;
  baseline: Evaluation;
  probes: { text: string; intent: string; confidence: number; ok: boolean }[];
  /** Scores on the hand-written evaluation set (never trained on), beside the model it replaces. */
  handwritten?: HandwrittenReport;
}

export interface HandwrittenReport {
  file: string;
  size: number;
  model: HandwrittenScore;
  previous: { version: string; score: HandwrittenScore } | null;
}

const pct = (v: number): string => `${(v * 100).toFixed(1)} %`;

function handwrittenSection(h: HandwrittenReport): string {
  const p = h.previous;
  const groups = (pick: (x: HandwrittenScore) => Record<string, GroupScore>): string =>
    Object.entries(pick(h.model))
      .map(([k, g]) => `| ${k} | ${g.n} | **${pct(g.model)}** | ${p ? pct(pick(p.score)[k]?.model ?? 0) : '–'} | ${pct(g.baseline)} |`)
      .join('\n');
  const head = `| | n | this model | previous${p ? ` (\`${p.version}\`)` : ''} | keyword baseline |\n| --- | ---: | ---: | ---: | ---: |`;
  return `## Hand-written evaluation set

\`${h.file}\`: ${h.size} comments written by hand the way people comment under a Page's post, never
trained on and never used to choose training data.

| | macro-F1 | accuracy | ECE (10 bins) |
| --- | --- | --- | --- |
| this model | **${h.model.model.macroF1.toFixed(4)}** | ${pct(h.model.model.accuracy)} | ${h.model.ece.toFixed(3)} |
${p ? `| previous (\`${p.version}\`) | ${p.score.model.macroF1.toFixed(4)} | ${pct(p.score.model.accuracy)} | ${p.score.ece.toFixed(3)} |\n` : ''}| keyword baseline | ${h.model.baseline.macroF1.toFixed(4)} | ${pct(h.model.baseline.accuracy)} | |

### Accuracy by slice

${head}
${groups((x) => x.bySlice)}

### Accuracy by language

${head}
${groups((x) => x.byLang)}

### Per intent, this model

${table(h.model.model)}

${confusion(h.model.model)}

### Calibration, this model

| confidence | comments | accuracy |
| --- | ---: | ---: |
${h.model.calibration.map((b) => `| ${b.from.toFixed(1)}–${b.to.toFixed(1)} | ${b.n} | ${b.n ? pct(b.accuracy) : '–'} |`).join('\n')}
`;
}

export function buildReport(model: IntentModel, test: readonly LabelledComment[], info: { seed: number; trainSize: number; corrections: number }): ModelReport {
  const gold = test.map((r) => r.intent);
  const predicted = model.classify(test.map((r) => r.text)).map((p) => p.intent);
  const m = evaluate(gold, predicted);
  const b = evaluate(gold, test.map((r) => keywordBaseline(r.text)));
  const probes = model.classify(PROBES.map((p) => p.text)).map((p, i) => {
    const probe = PROBES[i]!;
    const ok = (probe.intent ? p.intent === probe.intent : true) && (probe.notIntent ? p.intent !== probe.notIntent : true);
    return { text: probe.text, intent: p.intent, confidence: round(p.confidence), ok };
  });
  return {
    version: model.version,
    summary: {
      macroF1: round(m.macroF1),
      accuracy: round(m.accuracy),
      baselineMacroF1: round(b.macroF1),
      testSize: test.length,
      trainSize: info.trainSize,
      corrections: info.corrections,
      seed: info.seed,
    },
    model: roundEval(m),
    baseline: roundEval(b),
    probes,
  };
}

const round = (v: number): number => Math.round(v * 10000) / 10000;

function roundEval(e: Evaluation): Evaluation {
  const perIntent = Object.fromEntries(
    Object.entries(e.perIntent).map(([k, s]) => [k, { precision: round(s.precision), recall: round(s.recall), f1: round(s.f1), support: s.support }]),
  ) as Evaluation['perIntent'];
  return { macroF1: round(e.macroF1), accuracy: round(e.accuracy), perIntent, confusion: e.confusion };
}

function table(e: Evaluation): string {
  const rows = INTENTS.map((i) => {
    const s = e.perIntent[i];
    return `| ${i} | ${s.precision.toFixed(3)} | ${s.recall.toFixed(3)} | ${s.f1.toFixed(3)} | ${s.support} |`;
  });
  return ['| intent | precision | recall | F1 | support |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

function confusion(e: Evaluation): string {
  const head = `| actual \\ predicted | ${INTENTS.join(' | ')} |`;
  const sep = `| --- | ${INTENTS.map(() => '---').join(' | ')} |`;
  const rows = INTENTS.map((i, k) => `| ${i} | ${e.confusion[k]!.join(' | ')} |`);
  return [head, sep, ...rows].join('\n');
}

export function renderReportMarkdown(r: ModelReport): string {
  const s = r.summary;
  return `# Intent model report

Model version \`${r.version}\`, seed ${s.seed}, trained on ${s.trainSize} comments${s.corrections ? ` + ${s.corrections} corrections` : ''},
evaluated on the held-out test split (${s.testSize} comments from template families never seen in training).

| | macro-F1 | accuracy |
| --- | --- | --- |
| model | **${s.macroF1.toFixed(4)}** | ${s.accuracy.toFixed(4)} |
| keyword baseline | ${s.baselineMacroF1.toFixed(4)} | ${r.baseline.accuracy.toFixed(4)} |

## Model, per intent

${table(r.model)}

${confusion(r.model)}

## Keyword baseline, per intent

${table(r.baseline)}

${confusion(r.baseline)}

${r.handwritten ? `${handwrittenSection(r.handwritten)}\n` : ''}## Probes

| comment | intent | confidence | as expected |
| --- | --- | --- | --- |
${r.probes.map((p) => `| ${p.text.replace(/\|/g, '\\|')} | ${p.intent} | ${p.confidence.toFixed(3)} | ${p.ok ? 'yes' : '**no**'} |`).join('\n')}

Reproduce: \`npm run train -- --seed ${s.seed}\`.
`;
}
