// `npm run bench`: runs every bench/*.bench.test.ts (one at a time: the machine is small and
// shared), printing each section's table; figures are merged into bench/results/latest.json.
//   npm run bench                 all benchmarks
//   npm run bench -- feed         only files whose name contains "feed"
import { spawnSync } from 'node:child_process';

const filters = process.argv.slice(2);
const r = spawnSync('npx', ['vitest', 'run', '--project', 'bench', '--reporter', 'dot', ...filters], {
  stdio: 'inherit',
  env: { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' },
});
process.exit(r.status ?? 1);
