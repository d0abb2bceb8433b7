import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** One measured figure, optionally beside the baseline measured in the same run. */
export interface BenchRow {
  measure: string;
  value: number;
  unit: string;
  /** The same-run baseline this figure is compared with (e.g. a bare HTTP server). */
  baseline?: { label: string; value: number };
  /** The target in words, e.g. ">= 5000/s" (from design.md). */
  target?: string;
  /** Whether the target was met, when it can be decided from the figures. */
  met?: boolean;
}

const RESULTS = path.resolve(import.meta.dirname, '..', 'results', 'latest.json');

/**
 * Prints a section of figures as a table and merges it into bench/results/latest.json, so runs
 * can be compared over time. Each bench file reports its own section.
 */
export function reportFigures(section: string, rows: BenchRow[]): void {
  const lines = rows.map((r) => {
    const base = r.baseline ? `  (baseline ${r.baseline.label}: ${fmt(r.baseline.value)} ${r.unit})` : '';
    const target = r.target ? `  target ${r.target}${r.met === undefined ? '' : r.met ? ' ✓' : ' ✗'}` : '';
    return `  ${r.measure.padEnd(58)} ${fmt(r.value).padStart(12)} ${r.unit}${base}${target}`;
  });
  process.stdout.write(`\n${section}\n${lines.join('\n')}\n`);
  mkdirSync(path.dirname(RESULTS), { recursive: true });
  const all = existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>) : {};
  const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version };
  all[section] = { at: new Date().toISOString(), machine, rows };
  writeFileSync(RESULTS, `${JSON.stringify(all, null, 2)}\n`);
}

function fmt(v: number): string {
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return v.toLocaleString('en-US', { maximumFractionDigits: 2 });
}
