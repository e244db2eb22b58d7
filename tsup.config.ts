import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { defineConfig, type Options } from 'tsup';

const GENERATED = path.resolve('generated');

/**
 * The generated data (endpoint rows, examples, validator schemas) are CommonJS data modules
 * (generated/ … .cjs): one copy in dist/generated/, loaded by both the ESM build (ESM imports
 * CommonJS) and the CJS build, instead of a bundled copy per format. Chunks sit at dist/'s top.
 */
const usedData = new Set<string>();
const generatedData: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'generated-data-external',
  setup(build) {
    build.onResolve({ filter: /\.cjs$/ }, (args) => {
      const rel = path.relative(GENERATED, path.resolve(args.resolveDir, args.path));
      if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
      usedData.add(rel);
      return { path: `./generated/${rel.split(path.sep).join('/')}`, external: true };
    });
  },
};

/**
 * yaml (bundled into the CLI's user-spec generator: `wechat-tools generate --specs`): its ES module
 * build, which the ESM bundle can hold (the Node build is CommonJS and require()s 'process').
 */
const yamlEsm: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'yaml-esm',
  setup(build) {
    build.onResolve({ filter: /^yaml$/ }, () => ({ path: path.resolve('node_modules/yaml/browser/index.js') }));
  },
};

/** Copies the data modules the build imports (not the repository-only ones, e.g. every spec example for the contract tests). */
async function copyData(): Promise<void> {
  if (usedData.size === 0) throw new Error('tsup.config.ts: the build imported no generated data module');
  for (const rel of usedData) {
    await mkdir(path.dirname(path.join('dist/generated', rel)), { recursive: true });
    await copyFile(path.join(GENERATED, rel), path.join('dist/generated', rel));
  }
}

const common: Options = {
  sourcemap: false,
  splitting: true,
  shims: true,
  target: 'node20',
  // openapi-fetch is ESM with a default export: bundle it so the CJS build needs no interop.
  noExternal: ['openapi-fetch'],
  external: ['msw', 'msw/node', 'ioredis', 'redis', 'fast-xml-parser'],
  esbuildPlugins: [generatedData, yamlEsm],
  // Chinese summaries and messages as UTF-8 (3 bytes a character), not \uXXXX escapes (6)
  esbuildOptions(options) {
    options.charset = 'utf8';
  },
};

/**
 * The declarations as TypeScript prints them, indented with one tab a level instead of four spaces
 * (whitespace only: the doc comments and types are unchanged; about 140 KB less in the package).
 */
export function tabIndent(dts: string): string {
  return dts.replace(/^( {4})+/gm, (lead) => '\t'.repeat(lead.length / 4));
}

function compactDeclarations(): void {
  if (!existsSync('dist')) return;
  for (const name of readdirSync('dist')) {
    if (!name.endsWith('.d.cts')) continue;
    const file = path.join('dist', name);
    writeFileSync(file, tabIndent(readFileSync(file, 'utf8')));
  }
}

// The two builds (ESM, CJS + declarations) run at once, and tsup's `clean` removes every file of the
// folder (the declaration build too, when it starts): so dist/ is emptied here, once, before both.
// The declarations come from a worker that no onSuccess waits for: they are compacted when the whole
// build is over (process exit, successful builds only).
if (isMainThread) {
  rmSync('dist', { recursive: true, force: true });
  process.once('exit', (code) => {
    if (code === 0) compactDeclarations();
  });
}

export default defineConfig([
  {
    ...common,
    // the CLI shares the library's chunks
    entry: { index: 'src/index.ts', testing: 'src/testing/index.ts', cli: 'src/cli/bin.ts' },
    format: ['esm'],
    async onSuccess() {
      // One declaration copy: the ESM entry points' types re-export the CJS ones (an ES module may
      // import CommonJS; the reverse is not allowed), so the package ships the types once.
      for (const entry of ['index', 'testing']) await writeFile(`dist/${entry}.d.ts`, `export * from './${entry}.cjs';\n`);
      await copyData();
    },
  },
  {
    ...common,
    entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' },
    format: ['cjs'],
    dts: { entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' } },
  },
  {
    ...common,
    // `wechat-tools generate --specs` (the user's own endpoints): the generator and the yaml parser in one
    // minified module, loaded only by that command (src/cli/user-specs.ts)
    entry: { 'user-generate': 'codegen/user/generate.ts' },
    format: ['esm'],
    splitting: false,
    minify: true,
  },
]);
