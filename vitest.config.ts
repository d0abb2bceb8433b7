import path from 'node:path';
import { defineConfig } from 'vitest/config';

// As in electron.vite.config.ts: `@contract` the whole contract, `@contract/<part>` one file.
const contractDir = path.resolve(import.meta.dirname, 'src-main/contract');
const alias = [
  { find: /^@contract$/, replacement: path.join(contractDir, 'index.ts') },
  { find: /^@contract\/(.*)$/, replacement: `${contractDir}/$1` },
];

export default defineConfig({
  resolve: { alias },
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    globalSetup: ['./test/support/global-redis.ts'],
    // Integration tests share one redis-server per run; each test uses its own key prefix.
    hookTimeout: 60_000,
    testTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          // Every incremental file write is compared with a full one (see store/record-json.ts).
          env: { VOLUNTREE_STORE_CHECK: '1' },
          include: ['src-main/**/*.test.ts', 'src-renderer/**/*.test.{ts,tsx}', 'model/**/*.test.ts', 'test/integration/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: { name: 'e2e', env: { VOLUNTREE_STORE_CHECK: '1' }, include: ['test/e2e/**/*.test.ts'], fileParallelism: false, testTimeout: 120_000 },
      },
      {
        extends: true,
        // The desktop shell and the packaging: the built main process with a stand-in Electron,
        // the built UI through the real preload in Chromium, the bundled redis-server, the
        // packaged folder `npm run package:check` leaves in release/package-check/.
        test: { name: 'packaging', env: { VOLUNTREE_STORE_CHECK: '1' }, include: ['test/packaging/**/*.test.ts'], fileParallelism: false, testTimeout: 120_000 },
      },
      {
        extends: true,
        // Benchmarks print figures and compare with a baseline measured in the same run;
        // they never fail on speed (the machines are shared and noisy).
        test: { name: 'bench', include: ['bench/**/*.bench.test.ts'], fileParallelism: false, testTimeout: 600_000 },
      },
      {
        extends: true,
        test: { name: 'faults', env: { VOLUNTREE_STORE_CHECK: '1' }, include: ['test/faults/**/*.test.ts'], fileParallelism: false, testTimeout: 600_000 },
      },
    ],
  },
});
