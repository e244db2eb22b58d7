import { defineConfig } from 'tsup';

export default defineConfig({
  // the CLI shares the library's chunks (one copy of the lazily loaded validators)
  entry: { index: 'src/index.ts', testing: 'src/testing/index.ts', cli: 'src/cli/bin.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' } },
  sourcemap: false,
  clean: true,
  splitting: true,
  shims: true,
  target: 'node20',
  // openapi-fetch is ESM with a default export: bundle it so the CJS build needs no interop.
  noExternal: ['openapi-fetch'],
  external: ['msw', 'msw/node', 'ioredis', 'redis', 'fast-xml-parser'],
});
