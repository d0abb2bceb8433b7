#!/usr/bin/env node
// The `voluntree` command: runs the built engine (out/main/cli.js) in plain Node.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const cli = path.resolve(import.meta.dirname, '..', 'out', 'main', 'cli.js');
if (!existsSync(cli)) {
  console.error('Voluntree is not built yet. Run `npm run build` (or `npm run serve`, which builds first).');
  process.exit(1);
}
await import(pathToFileURL(cli).href);
