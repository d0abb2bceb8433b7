import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

// `@contract` is the whole contract; `@contract/<part>` one file of it (as tsconfig.json maps
// them), so a screen can import a value such as a validation function without the rest.
const contractDir = path.resolve(import.meta.dirname, 'src-main/contract');
const alias = [
  { find: /^@contract$/, replacement: path.join(contractDir, 'index.ts') },
  { find: /^@contract\/(.*)$/, replacement: `${contractDir}/$1` },
];

export default defineConfig({
  main: {
    resolve: { alias },
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          // The Electron main process (thin shell).
          index: path.resolve(import.meta.dirname, 'src-main/electron/main.ts'),
          // The plain-Node entry: `voluntree serve | worker` (no Electron).
          cli: path.resolve(import.meta.dirname, 'src-main/cli/voluntree.ts'),
          // The intent model's training thread (retraining from the app), started by file name.
          'model-trainer': path.resolve(import.meta.dirname, 'src-main/engine/model/trainer-thread.ts'),
        },
      },
    },
  },
  preload: {
    resolve: { alias },
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: path.resolve(import.meta.dirname, 'src-main/electron/preload.ts') },
        // A sandboxed preload is loaded as a classic script: CommonJS that requires only `electron`.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src-renderer',
    resolve: { alias },
    plugins: [react()],
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: { index: path.resolve(import.meta.dirname, 'src-renderer/index.html') } },
    },
  },
});
