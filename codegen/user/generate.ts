// The user-spec generator: `wechat-tools generate --specs DIR --out DIR` from the installed package.
// Depends only on what ships (the bundled yaml parser, src/validate/compile.ts); no ajv, ts-morph or
// openapi-typescript. Returns the files to write (path → content) without touching the disk.
import path from 'node:path';
import type { GeneratorInput } from '../ir.js';
import { normalize } from '../normalize.js';
import { emitUserModule } from './emit.js';
import { compilerChecker, loadPackageSpecs, loadUserSpecs } from './load.js';

export { SpecError } from '../spec-error.js';

export interface UserGenerateOptions {
  /** the user's spec folder */
  specs: string;
  /** where the module goes (OUT/index.ts) */
  out: string;
  /** the package's spec/ folder (spec/_meta, spec/_shared) */
  specRoot: string;
  /** the folder messages and the header name files from (default: the working directory) */
  cwd?: string;
}

export async function generateUserModule(options: UserGenerateOptions): Promise<{ files: Map<string, string>; endpoints: number }> {
  const cwd = options.cwd ?? process.cwd();
  const pkg = await loadPackageSpecs(options.specRoot);
  const specDir = path.resolve(cwd, options.specs);
  const specs = await loadUserSpecs(specDir, pkg, cwd);
  const endpoints = normalize(specs, pkg.shared, compilerChecker(pkg.shared));
  const input: GeneratorInput = { endpoints, shared: pkg.shared, push: [] };
  const overrides = new Set(specs.filter((s) => (s.doc as { overrides?: boolean }).overrides === true).map((s) => s.id));
  const shown = path.relative(cwd, specDir).split(path.sep).join('/') || '.';
  const files = new Map<string, string>([[path.join(path.resolve(cwd, options.out), 'index.ts'), emitUserModule(input, overrides, shown)]]);
  return { files, endpoints: endpoints.length };
}
