import { readFile } from 'node:fs/promises';
import { protocol } from 'electron';
import { contentType, resolveAppFile } from './app-files';
import { APP_SCHEME } from './security';

/** Must run before `app.ready`: makes `app://` a secure, standard origin for the renderer. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** Serves the built renderer from `root` (inside the asar when packaged), with the CSP on every file. */
export function serveAppFiles(root: string, csp: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppFile(root, request.url);
    if (!file) return new Response('Not found', { status: 404 });
    try {
      const body = await readFile(file);
      return new Response(body, {
        headers: { 'Content-Type': contentType(file), 'Content-Security-Policy': csp, 'X-Content-Type-Options': 'nosniff' },
      });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}
