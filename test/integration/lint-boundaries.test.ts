import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The boundaries in eslint.config.js, proved to fire: each case lints one planted import as if
// it were written in a file of that zone (the file need not exist), through the project's own
// config, and expects no-restricted-imports to refuse it; the allowed neighbour must pass.

const root = path.resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: root });

async function restricted(file: string, specifier: string): Promise<boolean> {
  const [result] = await eslint.lintText(`import * as planted from '${specifier}';\nexport const used = planted;\n`, { filePath: path.join(root, file) });
  return result!.messages.some((m) => m.ruleId === 'no-restricted-imports');
}

const REFUSED: Array<[zone: string, file: string, specifier: string]> = [
  ['window → engine', 'src-renderer/src/screens/planted.tsx', '../../../src-main/engine/engine'],
  ['window → simulator', 'src-renderer/src/lib/planted.ts', '../../../src-main/simulator/demo'],
  ['window → Electron', 'src-renderer/src/planted.ts', 'electron'],
  ['window → Node built-ins', 'src-renderer/src/lib/planted.ts', 'node:fs'],
  ['window → training tools', 'src-renderer/src/planted.ts', '../../model/src/handwritten'],
  ['contract → engine', 'src-main/contract/planted.ts', '../engine/streams/entries'],
  ['contract → shell', 'src-main/contract/planted.ts', '../electron/security'],
  ['contract → CLI', 'src-main/contract/planted.ts', '../cli/voluntree'],
  ['contract → simulator', 'src-main/contract/planted.ts', '../simulator/world'],
  ['engine → Electron', 'src-main/engine/planted.ts', 'electron'],
  ['engine → shell', 'src-main/engine/pipeline/planted.ts', '../../electron/security'],
  ['engine → CLI', 'src-main/engine/planted.ts', '../cli/voluntree'],
  ['engine → simulator', 'src-main/engine/facebook/planted.ts', '../../simulator/demo'],
  ['engine → training tools', 'src-main/engine/model/planted.ts', '../../../model/src/templates'],
  ['engine → training scripts', 'src-main/engine/model/planted.ts', '../../../model/scripts/train'],
  ['engine test → Electron', 'src-main/engine/planted.test.ts', 'electron'],
  ['CLI → Electron', 'src-main/cli/planted.ts', 'electron'],
];

const ALLOWED: Array<[zone: string, file: string, specifier: string]> = [
  ['window → contract (alias)', 'src-renderer/src/planted.ts', '@contract/events'],
  ['window → contract (path)', 'src-renderer/src/screens/events/planted.ts', '../../../../src-main/contract/events'],
  ['window test → Node built-ins', 'src-renderer/src/lib/planted.test.ts', 'node:fs'],
  ['contract → its own files', 'src-main/contract/planted.ts', './model'],
  ['engine → contract', 'src-main/engine/planted.ts', '../contract/intents'],
  ['engine → its model core', 'src-main/engine/pipeline/planted.ts', '../model/features'],
  ['engine test → simulator', 'src-main/engine/pipeline/planted.test.ts', '../../simulator/webhook-payloads'],
  ['CLI → engine and simulator', 'src-main/cli/planted.ts', '../simulator/demo'],
  ['training tools → model core', 'model/src/planted.ts', '../../src-main/engine/model/features'],
  ['shell → Electron', 'src-main/electron/planted.ts', 'electron'],
];

describe('import boundaries (eslint.config.js)', () => {
  it.each(REFUSED)('refuses %s', { timeout: 30_000 }, async (_zone, file, specifier) => {
    expect(await restricted(file, specifier)).toBe(true);
  });
  it.each(ALLOWED)('allows %s', { timeout: 30_000 }, async (_zone, file, specifier) => {
    expect(await restricted(file, specifier)).toBe(false);
  });
});
