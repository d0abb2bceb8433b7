// `npm test`: builds the app (the browser tests drive the built UI), then runs every test
// project in ONE vitest run so the output ends with a single `N passed, N failed` line.
//   npm test                 unit + integration + browser + fault tests
//   npm test -- --unit       unit + integration only (fast, no build)
//   npm run test:e2e         browser tests only
//   npm run test:faults      fault-injection suite only
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const only = ['--unit', '--e2e', '--faults'].find((a) => args.includes(a));
const rest = args.filter((a) => !['--unit', '--e2e', '--faults', '--no-build'].includes(a));
const projects = only ? [only.slice(2)] : ['unit', 'e2e', 'faults'];

function run(cmd, cmdArgs) {
  const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit', env: { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' } });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

const needsBuild = projects.includes('e2e') || projects.includes('faults');
if (needsBuild && !args.includes('--no-build')) {
  const code = run('npx', ['electron-vite', 'build', '--logLevel', 'warn']);
  if (code !== 0) {
    console.log('\n0 passed, 1 failed');
    process.exit(code);
  }
}
const code = run('npx', ['vitest', 'run', ...projects.flatMap((p) => ['--project', p]), ...rest]);
process.exit(code);
