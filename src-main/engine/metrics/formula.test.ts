import { describe, expect, it } from 'vitest';
import { evaluateFormula, FormulaError, formulaNames, parseFormula } from './formula';

const run = (text: string, vars: Record<string, number> = {}) => evaluateFormula(parseFormula(text), new Map(Object.entries(vars)));

describe('formula language', () => {
  it('follows the usual precedence and associativity', () => {
    expect(run('1 + 2 * 3')).toEqual({ ok: true, value: 7 });
    expect(run('(1 + 2) * 3')).toEqual({ ok: true, value: 9 });
    expect(run('10 - 4 - 3')).toEqual({ ok: true, value: 3 });
    expect(run('24 / 4 / 2')).toEqual({ ok: true, value: 3 });
    expect(run('-2 * -3 + +1')).toEqual({ ok: true, value: 7 });
    expect(run('--2')).toEqual({ ok: true, value: 2 });
    expect(run('1.5e2 + .5')).toEqual({ ok: true, value: 150.5 });
  });

  it('evaluates names and the functions', () => {
    const vars = { C: 4, D: 5, E: 6 };
    expect(run('C + D + E', vars)).toEqual({ ok: true, value: 15 });
    expect(run('min(C, D, E) + max(C, 10) * avg(C, D, E)', vars)).toEqual({ ok: true, value: 54 });
    expect(run('abs(C - E) + round(2.5) + round(-0.4)', vars)).toEqual({ ok: true, value: 5 });
    expect(run('[event:{event}:signups] / 2', { 'event:{event}:signups': 8 })).toEqual({ ok: true, value: 4 });
    expect(formulaNames(parseFormula('a + b * a + max(c, [x:y])'))).toEqual(['a', 'b', 'c', 'x:y']);
  });

  it('gives no value (never Infinity or NaN) for division by zero and overflow', () => {
    expect(run('1 / (C - C)', { C: 3 })).toEqual({ ok: false, reason: 'division by zero' });
    expect(run('0 / 0')).toEqual({ ok: false, reason: 'division by zero' });
    expect(run('1e308 * 10')).toMatchObject({ ok: false });
    expect(run('1e308 + 1e308')).toMatchObject({ ok: false });
    expect(run('x', {})).toEqual({ ok: false, reason: 'argument "x" has no value' });
  });

  it.each([
    ['', /empty/],
    ['1 +', /Expected a number/],
    ['(1 + 2', /Expected "\)"/],
    ['1 + 2)', /Unexpected "\)"/],
    ['1 2', /Unexpected "2"/],
    ['a ** b', /Expected a number/],
    ['process.exit(1)', /Unexpected character "\."/],
    ['constructor(1)', /Unknown function "constructor"/],
    ['eval(1)', /Unknown function "eval"/],
    ['abs(1, 2)', /abs\(\) takes one value/],
    ['min()', /Expected a number/],
    ['a; b', /Unexpected character ";"/],
    ['`a`', /Unexpected character "`"/],
    ['[unclosed', /not closed/],
    ['1e999', /too large/],
    ['9'.repeat(400), /too large/],
    ['a'.repeat(2001), /longer than 2000/],
    ['1+'.repeat(600) + '1', /more than 1000 parts/],
  ])('refuses hostile or broken formula #%# with a readable message', (text, message) => {
    expect(() => parseFormula(text)).toThrow(FormulaError);
    expect(() => parseFormula(text)).toThrow(message);
  });

  it('refuses hostile nesting without exhausting the stack', () => {
    expect(() => parseFormula('('.repeat(300) + '1' + ')'.repeat(300))).toThrow(/deeper than 64/);
    expect(() => parseFormula('-'.repeat(900) + '1')).toThrow(/deeper than 64/);
    expect(() => parseFormula('abs('.repeat(200) + '1' + ')'.repeat(200))).toThrow(/deeper than 64/);
    // Reasonable nesting is fine.
    expect(run('('.repeat(60) + '1' + ')'.repeat(60))).toEqual({ ok: true, value: 1 });
    expect(run('1' + ' + 1'.repeat(400))).toEqual({ ok: true, value: 401 });
  });
});
