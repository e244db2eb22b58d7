import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    splitting: true,
    shims: true,
    target: 'node20',
    // openapi-fetch is ESM with a default export: bundle it so the CJS build needs no interop.
    noExternal: ['openapi-fetch'],
    external: ['msw', 'msw/node'],
  },
  {
    entry: { cli: 'src/cli/bin.ts' },
    format: ['esm'],
    external: ['msw', 'msw/node', 'ioredis', 'redis'],
    sourcemap: true,
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
]);
