// Puts a redis-server the packaged app can run into resources/redis/ (electron-builder ships
// that folder as <resources>/redis). Run before `electron-builder`; `npm run dist` and
// `npm run package:check` do it for you.
//
//   node scripts/bundle-redis.mjs [--from /path/to/redis-server] [--out resources/redis]
//
// Linux: copies the binary to bin/redis-server with the shared libraries a stock desktop may
// lack in lib/ (everything ldd names except glibc's own libraries, which every system has),
// and writes redis-server, a small /bin/sh launcher that points the loader at lib/ and execs
// the binary (same process id, so the supervisor's signals reach Redis). No build tool such as
// patchelf is needed. Build on the oldest distribution you support: the copied binary needs
// a glibc at least as new as the one it was built against.
// macOS: copies a binary that links only system libraries (build Redis from source with
// `make BUILD_TLS=no`); anything else is refused with the reason.
// Windows: copies redis-server.exe and the DLLs beside it (a Redis 7+ build for Windows).
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, openSync, readSync, closeSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';

/** glibc's own libraries and the loader: present on every Linux desktop, and must match its kernel interface. */
const LINUX_SYSTEM_LIBS = /^(ld-linux[^/]*\.so\.\d+|linux-vdso\.so\.\d+|linux-gate\.so\.\d+|lib(c|m|dl|rt|pthread|resolv|util|anl|nsl|mvec)\.so\.\d+)$/;

function fail(message) {
  console.error(`bundle-redis: ${message}`);
  process.exit(1);
}

function parseArgs(argv) {
  const out = { from: null, out: path.resolve('resources', 'redis') };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--from') out.from = argv[++i];
    else if (arg === '--out') out.out = path.resolve(argv[++i]);
    else fail(`unknown argument ${arg}; usage: bundle-redis.mjs [--from redis-server] [--out dir]`);
  }
  return out;
}

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, name);
    if (existsSync(file) && statSync(file).isFile()) return file;
  }
  return null;
}

function isElf(file) {
  const fd = openSync(file, 'r');
  const head = Buffer.alloc(4);
  readSync(fd, head, 0, 4, 0);
  closeSync(fd);
  return head.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
}

/** The libraries ldd resolves for `file`, as { name, file } (name is the soname the binary asks for). */
function linuxLibraries(file) {
  const run = spawnSync('ldd', [file], { encoding: 'utf8' });
  const text = `${run.stdout}${run.stderr}`;
  if (run.error) fail(`could not run ldd (${run.error.message}); it comes with glibc (libc-bin).`);
  if (/not a dynamic executable|statically linked/.test(text)) return [];
  if (run.status !== 0) fail(`ldd could not read ${file}: ${text.trim()}`);
  const libs = [];
  for (const line of text.split('\n')) {
    const missing = line.match(/^\s*(\S+) => not found/);
    if (missing) fail(`${file} needs ${missing[1]}, which this machine lacks; install it first.`);
    const m = line.match(/^\s*(\S+) => (\/\S+) \(0x[0-9a-f]+\)/);
    if (m) libs.push({ name: m[1], file: m[2] });
  }
  return libs;
}

const LAUNCHER = `#!/bin/sh
# Starts the bundled redis-server with the libraries bundled beside it. Uses only shell
# built-ins, so it works with an empty PATH.
case "$0" in */*) here="\${0%/*}" ;; *) here=. ;; esac
LD_LIBRARY_PATH="$here/lib\${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export LD_LIBRARY_PATH
exec "$here/bin/redis-server" "$@"
`;

function bundleLinux(source, out) {
  if (!isElf(source)) fail(`${source} is not a Linux executable.`);
  const libs = linuxLibraries(source).filter((l) => !LINUX_SYSTEM_LIBS.test(l.name));
  mkdirSync(path.join(out, 'bin'), { recursive: true });
  mkdirSync(path.join(out, 'lib'), { recursive: true });
  // The file must be called redis-server: Debian's binary picks its role (server, check-rdb,
  // check-aof) from the name it is run under.
  copyFileSync(source, path.join(out, 'bin', 'redis-server'));
  chmodSync(path.join(out, 'bin', 'redis-server'), 0o755);
  for (const lib of libs) {
    copyFileSync(realpathSync(lib.file), path.join(out, 'lib', lib.name));
    chmodSync(path.join(out, 'lib', lib.name), 0o644);
  }
  writeFileSync(path.join(out, 'redis-server'), LAUNCHER, { mode: 0o755 });
  chmodSync(path.join(out, 'redis-server'), 0o755);
  return libs.map((l) => l.name);
}

function bundleMac(source, out) {
  const deps = execFileSync('otool', ['-L', source], { encoding: 'utf8' }).split('\n').slice(1).map((l) => l.trim().split(' ')[0]).filter(Boolean);
  const foreign = deps.filter((d) => !d.startsWith('/usr/lib/') && !d.startsWith('/System/'));
  if (foreign.length) {
    fail(`${source} links libraries a Mac may not have (${foreign.join(', ')}). Build Redis from source with \`make BUILD_TLS=no\` and pass --from src/redis-server.`);
  }
  mkdirSync(out, { recursive: true });
  copyFileSync(source, path.join(out, 'redis-server'));
  chmodSync(path.join(out, 'redis-server'), 0o755);
  return [];
}

function bundleWindows(source, out) {
  mkdirSync(out, { recursive: true });
  copyFileSync(source, path.join(out, 'redis-server.exe'));
  const dir = path.dirname(source);
  const dlls = readdirSync(dir).filter((f) => f.toLowerCase().endsWith('.dll'));
  for (const dll of dlls) copyFileSync(path.join(dir, dll), path.join(out, dll));
  return dlls;
}

const args = parseArgs(process.argv.slice(2));
const exe = process.platform === 'win32' ? 'redis-server.exe' : 'redis-server';
const given = args.from ?? process.env.VOLUNTREE_BUNDLE_REDIS_FROM ?? onPath(exe);
if (!given) {
  fail(
    `no ${exe} found to bundle. On Debian/Ubuntu: apt-get install redis-server. Elsewhere pass --from <path to ${exe}> ` +
      '(see docs/desktop.md). Without a bundled copy the app looks for redis-server on PATH or uses REDIS_URL.',
  );
}
if (!existsSync(given)) fail(`${given} does not exist.`);
const source = realpathSync(given);

rmSync(args.out, { recursive: true, force: true });
let libraries;
if (process.platform === 'linux') libraries = bundleLinux(source, args.out);
else if (process.platform === 'darwin') libraries = bundleMac(source, args.out);
else if (process.platform === 'win32') libraries = bundleWindows(source, args.out);
else fail(`bundling Redis on ${process.platform} is not supported; set REDIS_URL in the app instead.`);

// Prove it runs from the bundle alone: no PATH, only what the launcher sets up.
const check = spawnSync(path.join(args.out, exe), ['--version'], { encoding: 'utf8', env: { PATH: '' } });
if (check.status !== 0) fail(`the bundled redis-server does not start: ${(check.stderr || check.error?.message || '').trim()}`);
const version = check.stdout.match(/v=(\S+)/)?.[1] ?? 'unknown';
const manifest = { platform: process.platform, arch: process.arch, version, source: given, libraries, bundledAt: new Date().toISOString() };
writeFileSync(path.join(args.out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`bundle-redis: redis-server ${version} from ${given} → ${path.relative(process.cwd(), args.out) || args.out} (${libraries.length} libraries: ${libraries.join(', ') || 'none'})`);
