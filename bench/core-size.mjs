// The runtime core's size: src/index.ts bundled and minified by esbuild, without the generated data
// (endpoint table, types, validators, examples, catalog: they load per use) and without dependencies
// other than openapi-fetch (which the build bundles). Budget enforced by test/size.test.ts.
import { build } from 'esbuild';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

// main (34,000: the whole runtime incl. xpay/API security signing and the third-party platform) merged with the
// validator interpreter (src/validate/compile.ts, issue 14) measured 37,015; + ~0.5 KB for the user's own endpoints (src/client/extend.ts, issue 18)
export const CORE_BUDGET_GZIP = 37_600;

export async function measureCore() {
  const root = path.resolve(import.meta.dirname, '..');
  const result = await build({
    entryPoints: [path.join(root, 'src/index.ts')],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    external: ['fast-xml-parser', 'msw', 'ioredis', 'redis'],
    plugins: [
      {
        name: 'generated-external',
        setup(b) {
          b.onResolve({ filter: /generated\// }, (args) => ({ path: args.path, external: true }));
        },
      },
    ],
  });
  const code = result.outputFiles[0].contents;
  return { minified: code.byteLength, gzip: gzipSync(code).byteLength, budget: CORE_BUDGET_GZIP };
}

if (process.argv[1]?.endsWith('core-size.mjs')) console.log(JSON.stringify(await measureCore()));
