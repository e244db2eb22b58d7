import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // examples/ import the package by name, as users do
    alias: [
      { find: /^wechat-tools\/testing$/, replacement: path.resolve(import.meta.dirname, 'src/testing/index.ts') },
      { find: /^wechat-tools$/, replacement: path.resolve(import.meta.dirname, 'src/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 300_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
