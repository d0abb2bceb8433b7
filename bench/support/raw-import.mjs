// Lets a plain Node process (`node --import tsx --import ./bench/support/raw-import.mjs …`) load
// the engine's `*.lua?raw` imports, which the build and vitest otherwise resolve through Vite:
// a `?raw` import becomes a module whose default export is the file's text.
import { register } from 'node:module';

register('data:text/javascript,' + encodeURIComponent(`
import { readFile } from 'node:fs/promises';
export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('?raw')) return next(url, context);
  const file = new URL(url);
  file.search = '';
  return { format: 'module', source: 'export default ' + JSON.stringify(await readFile(file, 'utf8')) + ';', shortCircuit: true };
}
`));
