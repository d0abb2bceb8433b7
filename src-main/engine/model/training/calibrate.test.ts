import { describe, expect, it } from 'vitest';
import { fitTemperature, nllAt } from './calibrate';
import { seededRandom } from './random';
import { expectedCalibrationError } from './slices';

/** An over-confident classifier: right 70 % of the time, always with logits far apart. */
function overConfident(n: number): { logits: number[][]; labels: number[] } {
  const rand = seededRandom(3);
  const logits: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const gold = Math.floor(rand() * 4);
    const guess = rand() < 0.7 ? gold : (gold + 1) % 4;
    logits.push([0, 1, 2, 3].map((k) => (k === guess ? 8 : 0)));
    labels.push(gold);
  }
  return { logits, labels };
}

const softmaxTop = (row: number[], t: number): number => {
  const e = row.map((v) => Math.exp(v / t));
  return Math.max(...e) / e.reduce((s, v) => s + v, 0);
};

describe('temperature scaling', () => {
  it('softens an over-confident model: lower NLL and calibration error on held-out data', () => {
    const { logits, labels } = overConfident(2000);
    const t = fitTemperature(logits, labels);
    expect(t).toBeGreaterThan(1);
    expect(nllAt(logits, labels, t)).toBeLessThan(nllAt(logits, labels, 1));
    const correct = logits.map((row, i) => row.indexOf(Math.max(...row)) === labels[i]);
    const before = expectedCalibrationError(logits.map((r) => softmaxTop(r, 1)), correct);
    const after = expectedCalibrationError(logits.map((r) => softmaxTop(r, t)), correct);
    expect(before).toBeGreaterThan(0.25);
    expect(after).toBeLessThan(0.03);
  });

  it('leaves a calibrated model about where it is, and is deterministic', () => {
    const { logits, labels } = overConfident(500);
    const t = fitTemperature(logits, labels);
    expect(fitTemperature(logits, labels)).toBe(t);
    const scaled = logits.map((r) => r.map((v) => v / t));
    expect(Math.abs(fitTemperature(scaled, labels) - 1)).toBeLessThan(0.05);
  });

  it('computes ECE as the weighted gap between confidence and accuracy', () => {
    expect(expectedCalibrationError([0.9, 0.9, 0.9, 0.9], [true, true, true, false])).toBeCloseTo(0.15, 6);
    expect(expectedCalibrationError([], [])).toBe(0);
  });
});
