import { execFileSync } from 'node:child_process';
import { closeSync, openSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';

/**
 * Mounts a small tmpfs on `dir` so a test can fill it ("disk full"). Needs root (or
 * CAP_SYS_ADMIN); returns why not when the mount is refused, so the caller can skip the case.
 */
export function mountSmallDisk(dir: string, sizeMb: number): string | null {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m,mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
    return null;
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    return (e.stderr?.toString().trim() || e.message).split('\n')[0]!;
  }
}

export function unmountDisk(dir: string): void {
  try {
    execFileSync('umount', [dir], { stdio: 'pipe' });
  } catch {
    // Still busy (a process that has not exited yet): detach it now, it goes when released.
    execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
  }
}

/** Fills the filesystem holding `dir` until a write fails with ENOSPC; returns the filler's path and size. */
export function fillDisk(dir: string): { file: string; bytes: number } {
  const file = path.join(dir, 'filler.bin');
  const fd = openSync(file, 'w');
  let bytes = 0;
  try {
    for (const chunk of [1 << 20, 1 << 12, 1]) {
      const buf = Buffer.alloc(chunk, 1);
      for (;;) {
        try {
          bytes += writeSync(fd, buf);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return { file, bytes };
}

export function freeDisk(filler: { file: string }): void {
  unlinkSync(filler.file);
}
