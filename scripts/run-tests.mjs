// `npm test`: builds the app (the browser tests drive the built UI), then runs every test
// project in ONE vitest run so the output ends with a single `N passed, N failed` line.
//   npm test                 unit + integration + browser + packaging + fault tests
//   npm test -- --unit       unit + integration only (fast, no build)
//   npm run test:e2e         browser tests only
//   npm run test:packaging   desktop shell and packaging tests only (the packaged-folder
//                            tests need `npm run package:check` first; CI runs it before)
//   npm run test:faults      fault-injection suite only
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const PROJECTS = ['unit', 'e2e', 'packaging', 'faults'];
const only = PROJECTS.map((p) => `--${p}`).find((a) => args.includes(a));
const rest = args.filter((a) => ![...PROJECTS.map((p) => `--${p}`), '--no-build'].includes(a));
const projects = only ? [only.slice(2)] : PROJECTS;

function run(cmd, cmdArgs) {
  const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit', env: { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' } });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

const needsBuild = projects.some((p) => p !== 'unit');
if (needsBuild && !args.includes('--no-build')) {
  const code = run('npx', ['electron-vite', 'build', '--logLevel', 'warn']);
  if (code !== 0) {
    console.log('\n0 passed, 1 failed');
    process.exit(code);
  }
}
const code = run('npx', ['vitest', 'run', ...projects.flatMap((p) => ['--project', p]), ...rest]);
process.exit(code);
