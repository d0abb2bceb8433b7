// `npm run package:check`: verifies the packaging offline, on every change. It bundles Redis,
// builds out/ when stale, runs `electron-builder --dir` against a stand-in Electron (an
// executable named `electron` and a locales folder are all electron-builder needs), then
// inspects the result:
//   - app.asar holds the built app, package.json and every production dependency, and no
//     test files, source maps or dev dependencies;
//   - the preload is CommonJS requiring only `electron` (sandboxed preloads cannot do more);
//   - <resources>/redis holds the bundled redis-server, which answers PING when started from
//     there with a PATH that holds no redis-server;
//   - <resources>/model holds the trained model (model/artifact). It is required:
//     `--allow-missing-model` skips that check, for branches where the model is not built yet.
// The packaged folder stays in release/package-check/linux-unpacked (git ignores release/):
// the packaging tests (test/packaging/packaged-app.test.ts) run the app from it.
// The real installers (AppImage, deb, dmg, nsis) download tools: `npm run dist` where there is
// internet.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { build, buildIsStale } from './lib/app-build.mjs';

const root = path.resolve(import.meta.dirname, '..');
const require = createRequire(path.join(root, 'package.json'));
const flags = new Set(process.argv.slice(2));
const keep = flags.has('--keep');
const allowMissingModel = flags.has('--allow-missing-model');
const failures = [];
const fail = (msg) => failures.push(msg);
const step = (msg) => console.log(`package:check: ${msg}`);

if (process.platform !== 'linux') {
  console.error('package:check runs on Linux (as in CI); on other systems run `npm run dist` to build the real installer.');
  process.exit(1);
}

// 1. Inputs: the bundled Redis and a fresh build.
step('bundling redis-server');
const bundled = spawnSync(process.execPath, [path.join(root, 'scripts/bundle-redis.mjs')], { cwd: root, stdio: 'inherit' });
if (bundled.status !== 0) process.exit(1);
if (buildIsStale(root)) {
  step('building out/ (electron-vite build)');
  try {
    build(root);
  } catch (err) {
    console.error(`package:check: ${err.message}`);
    process.exit(1);
  }
}

const preload = path.join(root, 'out/preload/index.cjs');
const preloadRequires = [...readFileSync(preload, 'utf8').matchAll(/require\(\s*["'`]([^"'`]+)["'`]\s*\)|^\s*import\b.*?from\s*["']([^"']+)["']/gm)].map((m) => m[1] ?? m[2]);
if (preloadRequires.some((r) => r !== 'electron')) fail(`the preload requires more than electron: ${preloadRequires.join(', ')}`);

// 2. A work folder: the stand-in Electron, and (when node_modules is a link, as in a git
// worktree sharing one install) a copy of the project whose node_modules is a real folder,
// because npm resolves the dependency tree of linked packages from their own location.
const work = mkdtempSync(path.join(os.tmpdir(), 'vt-package-check-'));
const electronDist = path.join(work, 'electron-dist');
mkdirSync(path.join(electronDist, 'locales'), { recursive: true });
// The stand-in carries a fuse wire like Electron's (sentinel, version 1, length, one byte per
// fuse with Electron's defaults) so the configured fuses are flipped and checked too.
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const FUSE_DEFAULTS = '10110001'; // RunAsNode, CookieEncryption, NodeOptions, NodeCliInspect, AsarIntegrity, OnlyLoadAppFromAsar, V8Snapshot, FileProtocolPrivileges
writeFileSync(
  path.join(electronDist, 'electron'),
  Buffer.concat([
    Buffer.from('#!/bin/sh\necho "stand-in Electron: the packaging check never runs the app"\nexit 0\n# '),
    Buffer.from(FUSE_SENTINEL),
    Buffer.from([1, FUSE_DEFAULTS.length]),
    Buffer.from(FUSE_DEFAULTS),
    Buffer.from('\n'),
  ]),
);
chmodSync(path.join(electronDist, 'electron'), 0o755);
for (const l of ['en-US', 'en-GB']) writeFileSync(path.join(electronDist, 'locales', `${l}.pak`), '');
for (const f of ['LICENSE', 'LICENSES.chromium.html', 'version']) writeFileSync(path.join(electronDist, f), '');

let projectDir = root;
if (lstatSync(path.join(root, 'node_modules')).isSymbolicLink()) {
  projectDir = path.join(work, 'project');
  step('node_modules is a link: packaging from a staged copy of the project');
  mkdirSync(projectDir);
  for (const f of ['package.json', 'package-lock.json', 'electron-builder.yml', 'scripts', 'out', 'build', 'resources', 'model/artifact', 'model/data']) {
    if (existsSync(path.join(root, f))) cpSync(path.join(root, f), path.join(projectDir, f), { recursive: true, verbatimSymlinks: true });
  }
  const modules = realpathSync(path.join(root, 'node_modules'));
  const cp = spawnSync('cp', ['-al', modules, path.join(projectDir, 'node_modules')]);
  if (cp.status !== 0) cpSync(modules, path.join(projectDir, 'node_modules'), { recursive: true, verbatimSymlinks: true });
}

// 3. electron-builder --dir with the stand-in.
step('running electron-builder --dir with a stand-in Electron');
const output = path.join(root, 'release', 'package-check');
rmSync(output, { recursive: true, force: true });
const builderCli = path.join(path.dirname(require.resolve('electron-builder/package.json')), 'cli.js');
const builder = spawnSync(
  process.execPath,
  [builderCli, '--dir', '--linux', '--projectDir', projectDir, '-c', path.join(projectDir, 'electron-builder.yml'), `-c.electronDist=${electronDist}`, `-c.directories.output=${output}`],
  { cwd: projectDir, encoding: 'utf8', env: { ...process.env, ELECTRON_BUILDER_OFFLINE: '1' } },
);
if (builder.status !== 0) {
  process.stderr.write(builder.stdout + builder.stderr);
  console.error('package:check: electron-builder failed (output above).');
  process.exit(1);
}
const resources = path.join(output, 'linux-unpacked', 'resources');

function listFilesUnder(dir) {
  return existsSync(dir) ? readdirSync(dir, { recursive: true }).map((f) => path.join(dir, String(f))).filter((f) => statSync(f).isFile()) : [];
}

// 4. The asar.
const asar = require('@electron/asar');
const entries = asar.listPackage(path.join(resources, 'app.asar'), { isPack: false }).map((e) => e.split(path.sep).join('/'));
const entrySet = new Set(entries);
for (const must of ['/package.json', '/out/main/index.js', '/out/preload/index.cjs', '/out/renderer/index.html']) {
  if (!entrySet.has(must)) fail(`app.asar lacks ${must}`);
}
const topLevel = [...new Set(entries.map((e) => e.split('/')[1]))].sort();
const strays = topLevel.filter((t) => !['out', 'node_modules', 'package.json'].includes(t));
if (strays.length) fail(`app.asar holds files that are not the built app: ${strays.join(', ')}`);
const appFiles = entries.filter((e) => e.startsWith('/out/'));
const testFiles = entries.filter((e) => /(^|\/)(__tests__|__mocks__)(\/|$)|\.(test|spec)\.[cm]?[jt]sx?$/.test(e));
if (testFiles.length) fail(`app.asar holds test files: ${testFiles.slice(0, 10).join(', ')}${testFiles.length > 10 ? '…' : ''}`);
const maps = appFiles.filter((e) => e.endsWith('.map'));
if (maps.length) fail(`app.asar holds source maps: ${maps.join(', ')}`);

// Production dependencies: every package Node will look for at run time must resolve inside
// the asar (electron-builder re-hoists the tree, so check resolution, not paths), at a
// version the requiring package accepts; packages only the development tools need must not
// be inside.
const semver = require('semver');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const packagedMeta = new Map();
for (const e of entries) {
  const m = e.match(/^(\/node_modules\/(?:.+\/node_modules\/)?(?:@[^/]+\/)?[^/@]+)\/package\.json$/);
  if (!m) continue;
  try {
    packagedMeta.set(m[1], JSON.parse(asar.extractFile(path.join(resources, 'app.asar'), e.slice(1)).toString('utf8')));
  } catch {
    // A package.json that is data, not a package root (rare); resolution below ignores it.
  }
}
function resolveInAsar(name, fromDir) {
  for (let dir = fromDir; ; dir = dir.slice(0, Math.max(0, dir.lastIndexOf('/node_modules/')))) {
    const candidate = `${dir}/node_modules/${name}`;
    if (packagedMeta.has(candidate)) return candidate;
    if (!dir) return null;
  }
}
const installed = (name) => existsSync(path.join(projectDir, 'node_modules', name, 'package.json'));
const prod = new Set();
const queue = Object.entries(pkg.dependencies ?? {}).map(([name, range]) => ({ name, range, from: '', optional: false }));
while (queue.length) {
  const { name, range, from, optional } = queue.shift();
  const found = resolveInAsar(name, from);
  if (!found) {
    if (!optional) fail(`app.asar lacks ${name}, needed by ${from ? from.slice('/node_modules/'.length) : 'the app'}`);
    continue;
  }
  const meta = packagedMeta.get(found);
  if (range && semver.validRange(range) && !semver.satisfies(meta.version, range, { includePrerelease: true })) {
    fail(`${from ? from.slice('/node_modules/'.length) : 'the app'} needs ${name}@${range} but gets ${meta.version} inside app.asar`);
  }
  if (prod.has(found)) continue;
  prod.add(found);
  for (const [dep, r] of Object.entries(meta.dependencies ?? {})) queue.push({ name: dep, range: r, from: found, optional: false });
  for (const [dep, r] of Object.entries(meta.optionalDependencies ?? {})) queue.push({ name: dep, range: r, from: found, optional: true });
  // npm installs peers; one that is absent is one the package does not need here.
  for (const [dep, r] of Object.entries(meta.peerDependencies ?? {})) queue.push({ name: dep, range: r, from: found, optional: !installed(dep) });
}
// What the built main process imports at run time (electron-vite leaves dependencies
// external) must be inside too.
const { builtinModules } = await import('node:module');
const mainJs = listFilesUnder(path.join(root, 'out', 'main')).filter((f) => /\.[cm]?js$/.test(f));
const bare = new Set();
for (const file of mainJs) {
  const code = readFileSync(file, 'utf8');
  const specs = [
    ...code.matchAll(/^\s*(?:import|export)\b[^;'"]*?\bfrom\s*["']([^"']+)["']/gm),
    ...code.matchAll(/^\s*import\s*["']([^"']+)["']/gm),
    ...code.matchAll(/\b(?:import|require)\(\s*["']([^"']+)["']\s*\)/g),
  ].map((m) => m[1]);
  for (const spec of specs) {
    if (spec.startsWith('.') || spec.startsWith('/') || !/^(@[\w.-]+\/)?[\w.-]+(\/.*)?$/.test(spec)) continue;
    if (spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0]) || spec === 'electron' || spec.startsWith('electron/')) continue;
    bare.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
  }
}
for (const name of bare) {
  if (!resolveInAsar(name, '')) fail(`out/main imports ${name}, which app.asar lacks (a devDependency the main build left external?)`);
}
const prodNames = new Set([...prod].map((p) => p.split('/node_modules/').pop()));
const devOnly = Object.keys(pkg.devDependencies ?? {}).filter((name) => !prodNames.has(name) && packagedMeta.has(`/node_modules/${name}`));
if (devOnly.length) fail(`app.asar holds dev dependencies: ${devOnly.join(', ')}`);
const unused = [...packagedMeta.keys()].filter((p) => !prod.has(p));

// Every production dependency the app names must load from the packaged tree (the file
// filters above must not have removed something a package needs when it is imported).
const extracted = path.join(work, 'asar-extracted');
asar.extractAll(path.join(resources, 'app.asar'), extracted);
const probe = `
  const names = ${JSON.stringify(Object.keys(pkg.dependencies ?? {}))};
  const failed = [];
  for (const name of names) {
    try { await import(name); } catch (err) { failed.push(name + ': ' + String(err && err.message).split('\\n')[0]); }
  }
  console.log(JSON.stringify(failed));
`;
const probeFile = path.join(extracted, 'probe-imports.mjs');
writeFileSync(probeFile, probe);
const probed = spawnSync(process.execPath, [probeFile], { cwd: extracted, encoding: 'utf8', env: { ...process.env, NODE_PATH: '' } });
let importFailures = [];
try {
  importFailures = JSON.parse(probed.stdout.trim().split('\n').pop() ?? '[]');
} catch {
  importFailures = [`the import probe crashed: ${probed.stderr.trim().split('\n').slice(-3).join(' ')}`];
}
for (const f of importFailures) fail(`a production dependency does not load from the packaged tree: ${f}`);

// The fuses, as electron-builder flipped them in the packaged executable.
const EXPECTED_FUSES = { 0: ['RunAsNode', '0'], 1: ['EnableCookieEncryption', '1'], 2: ['EnableNodeOptionsEnvironmentVariable', '0'], 3: ['EnableNodeCliInspectArguments', '0'], 5: ['OnlyLoadAppFromAsar', '1'], 7: ['GrantFileProtocolExtraPrivileges', '0'] };
const executable = readFileSync(path.join(output, 'linux-unpacked', 'voluntree'));
const wireAt = executable.indexOf(FUSE_SENTINEL) + FUSE_SENTINEL.length + 2;
const wire = executable.subarray(wireAt, wireAt + FUSE_DEFAULTS.length).toString('latin1');
for (const [index, [name, want]] of Object.entries(EXPECTED_FUSES)) {
  if (wire[Number(index)] !== want) fail(`fuse ${name} is ${wire[Number(index)] === '1' ? 'on' : 'off'} in the packaged executable; electron-builder.yml wants it ${want === '1' ? 'on' : 'off'}`);
}

// 5. Resources: Redis (and that it runs from there), the model.
const redisDir = path.join(resources, 'redis');
const redisServer = path.join(redisDir, 'redis-server');
for (const f of ['redis-server', 'bin/redis-server', 'manifest.json']) {
  if (!existsSync(path.join(redisDir, f))) fail(`resources lack redis/${f}`);
}
if (existsSync(redisServer) && (statSync(redisServer).mode & 0o111) === 0) fail('resources/redis/redis-server is not executable');

async function pingPackagedRedis() {
  const bin = path.join(work, 'node-only-bin');
  mkdirSync(bin);
  symlinkSync(process.execPath, path.join(bin, 'node'));
  const port = await new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const p = srv.address().port;
      srv.close(() => resolve(p));
    });
  });
  const data = path.join(work, 'redis-data');
  mkdirSync(data);
  const child = spawn(redisServer, ['--port', String(port), '--bind', '127.0.0.1', '--dir', data, '--save', '', '--appendonly', 'no'], { env: { PATH: bin }, stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const ask = (line) =>
    new Promise((resolve) => {
      const sock = net.connect(port, '127.0.0.1');
      sock.once('connect', () => sock.write(`${line}\r\n`));
      sock.once('data', (d) => (sock.destroy(), resolve(d.toString().split('\r\n')[0])));
      sock.once('error', () => (sock.destroy(), resolve(null)));
      sock.once('close', () => resolve(''));
    });
  try {
    for (let i = 0; i < 200 && child.exitCode === null; i++) {
      if ((await ask('PING')) === '+PONG') return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return false;
  } finally {
    await ask('SHUTDOWN NOSAVE');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}
const redisAnswers = existsSync(redisServer) ? await pingPackagedRedis() : false;
if (!redisAnswers) fail('the packaged redis-server did not answer PING when started from resources/redis with a PATH holding no redis-server');

const modelSource = path.join(root, 'model', 'artifact');
const modelDir = path.join(resources, 'model');
const listFiles = (dir) => (existsSync(dir) ? readdirSync(dir, { recursive: true }).filter((f) => statSync(path.join(dir, f)).isFile()).map(String).sort() : []);
const modelFiles = listFiles(modelDir);
if (!existsSync(modelSource)) {
  if (allowMissingModel) console.warn('package:check: model/artifact does not exist yet; skipped the model check (--allow-missing-model).');
  else fail('model/artifact does not exist: train the model (npm run train) before packaging, or pass --allow-missing-model');
} else {
  const expected = listFiles(modelSource);
  if (!expected.length) fail('model/artifact is empty');
  const absent = expected.filter((f) => !modelFiles.includes(f));
  if (absent.length) fail(`resources/model lacks ${absent.join(', ')}`);
}

// 6. Report.
const size = (file) => {
  const st = statSync(file);
  if (!st.isDirectory()) return st.size;
  return readdirSync(file).reduce((sum, f) => sum + size(path.join(file, f)), 0);
};
const mb = (n) => `${(n / 1024 / 1024).toFixed(1)} MB`;
console.log('\npackaged resources (linux-unpacked/resources):');
for (const entry of readdirSync(resources).sort()) console.log(`  ${entry.padEnd(12)} ${mb(size(path.join(resources, entry)))}`);
const redisManifest = existsSync(path.join(redisDir, 'manifest.json')) ? JSON.parse(readFileSync(path.join(redisDir, 'manifest.json'), 'utf8')) : null;
if (redisManifest) console.log(`  redis: redis-server ${redisManifest.version} + ${redisManifest.libraries.length} libraries; answers PING from the package: ${redisAnswers ? 'yes' : 'no'}`);
console.log(`  model: ${modelFiles.length ? modelFiles.join(', ') : '(none)'}`);
const unpacked = listFilesUnder(path.join(resources, 'app.asar.unpacked')).map((f) => path.relative(path.join(resources, 'app.asar.unpacked'), f));
console.log(`  app.asar.unpacked: ${unpacked.length ? unpacked.join(', ') : '(none)'}`);
console.log(`fuses: ${wire} (RunAsNode, CookieEncryption, NodeOptions, NodeCliInspect, AsarIntegrity, OnlyLoadAppFromAsar, V8Snapshot, FileProtocolPrivileges)`);
console.log(`app.asar: ${entries.length} entries, ${bare.size} packages imported by out/main all inside, ${Object.keys(pkg.dependencies ?? {}).length - importFailures.length}/${Object.keys(pkg.dependencies ?? {}).length} dependencies import from it, ${appFiles.length} under out/, ${prod.size} production packages resolved, ${unused.length} packages nothing requires, ${devOnly.length} dev dependencies, ${testFiles.length} test files`);

if (keep) console.log(`kept ${work}`);
else rmSync(work, { recursive: true, force: true });
if (failures.length) {
  console.error(`\npackage:check FAILED:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
  process.exit(1);
}
console.log('\npackage:check passed.');
