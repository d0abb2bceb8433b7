import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'release/**', 'node_modules/**', 'model/artifact/**', 'resources/**', 'docs/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      'no-restricted-imports': 'off',
    },
  },
  // The boundaries of docs/architecture.md ("Boundaries"). Each zone names what its files may
  // not import; test/lint/boundaries.test.ts plants a violation of every rule and expects it to
  // fire. Patterns are regular expressions on the import specifier, so both relative paths and
  // the `@contract` alias are covered.
  ...boundaries(),
);

function boundaries() {
  const rule = (patterns) => ({ 'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Only src-main/electron/ may import Electron.' }], patterns }] });
  const layer = (dirs, message) => ({ regex: `(^|/)(${dirs.join('|')})(/|$)`, message });
  const training = { regex: '(^|/)model/(src|scripts)(/|$)', message: 'The model core is src-main/engine/model/; model/src and model/scripts are the training tools, which import the core, never the other way round.' };
  const windowZone = [{ regex: '(^|/)src-main/(?!contract/)', message: 'The window imports only the contract (@contract) from src-main.' }, training];
  return [
    {
      // The window sees the engine only through the contract (requests, live events, types).
      files: ['src-renderer/**/*.{ts,tsx}'],
      rules: rule(windowZone),
    },
    {
      // Outside its tests (which run in Node), no Node built-ins either.
      files: ['src-renderer/**/*.{ts,tsx}'],
      ignores: ['**/*.test.{ts,tsx}'],
      rules: rule([...windowZone, { regex: '^node:', message: 'The window runs in a sandboxed renderer: no Node built-ins.' }]),
    },
    {
      // The contract is what both sides agree on: it depends on nothing of either side.
      files: ['src-main/contract/**/*.ts'],
      rules: rule([layer(['engine', 'electron', 'cli', 'simulator'], 'The contract depends on nothing of the engine, the shell, the CLI or the simulator.'), training]),
    },
    {
      // The engine runs in plain Node and is started by the CLI or the shell, never the reverse;
      // demo mode's simulator is handed in (engine/demo-port.ts).
      files: ['src-main/engine/**/*.ts'],
      ignores: ['**/*.test.ts', '**/testing/**'],
      rules: rule([
        layer(['electron', 'cli'], 'The engine is started by the CLI or the Electron shell and imports neither.'),
        layer(['simulator'], 'The simulator is handed in for demo mode (engine/demo-port.ts); the engine does not import it.'),
        training,
      ]),
    },
    {
      // Engine tests compose engines as the CLI does (simulator, training data), but stay free of Electron.
      files: ['src-main/engine/**/*.test.ts', 'src-main/engine/**/testing/**/*.ts', 'src-main/cli/**/*.ts', 'src-main/simulator/**/*.ts'],
      rules: rule([layer(['electron'], 'Only the Electron shell imports the shell.')]),
    },
  ];
}
