import { defineConfig } from 'vitest/config';
import os from 'node:os';
import path from 'node:path';

export default defineConfig({
  resolve: { alias: { '@': path.resolve(import.meta.dirname) } },
  test: {
    include: ['**/*.test.ts', '**/*.test.tsx'],
    exclude: ['node_modules/**', '.next/**', '.data/**', 'tests/e2e/**', 'tests/faults/**'],
    globalSetup: ['tests/setup/global.ts'],
    // Expected failures in tests log errors; a failing test shows its own assertion instead.
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' },
    // Vitest's default (CPUs - 1) runs files one at a time on a 2-core machine, while most
    // integration files spend their time waiting on Redis, Postgres or a child process: one
    // file more than there are cores overlaps those waits (2 cores: 194 s instead of 233 s on
    // PGlite, 163 s instead of 200 s on Postgres).
    maxWorkers: os.availableParallelism() + 1,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
