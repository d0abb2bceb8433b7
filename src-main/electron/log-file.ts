import { createWriteStream, existsSync, mkdirSync, renameSync, statSync, type WriteStream } from 'node:fs';
import path from 'node:path';

/**
 * The desktop log, appended across runs. When it has grown past `maxBytes` at start, it moves
 * to `voluntree.log.1` (replacing the older one), so a long-running install keeps at most two.
 */
export function openLogFile(dir: string, maxBytes = 10 * 1024 * 1024): WriteStream {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'voluntree.log');
  if (existsSync(file) && statSync(file).size > maxBytes) renameSync(file, `${file}.1`);
  return createWriteStream(file, { flags: 'a', mode: 0o600 });
}
