// `node --import ./register.mjs out/main/index.js` runs the built main process with the
// stand-in below as `electron`, so the shell's wiring is tested without the Electron binary.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
