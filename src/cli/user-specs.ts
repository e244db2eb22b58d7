// `wechat-tools generate --specs DIR --out DIR` and `wechat-tools spec new`: your own endpoints,
// from the installed package (no dev toolchain: the generator's user path is bundled into the CLI).
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's spec/ folder (spec/_meta, spec/_shared): beside dist/ in the package, at the root in a checkout. */
export function packageSpecRoot(): string {
  for (const rel of ['../spec/', '../../spec/']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(path.join(dir, '_meta', 'endpoint.schema.yaml'))) return dir;
  }
  throw new Error('the package has no spec/_meta/endpoint.schema.yaml (reinstall wechat-tools)');
}

export interface UserGenerateArgs {
  specs: string;
  out: string;
  check: boolean;
  quiet: boolean;
}

type UserGenerator = typeof import('../../codegen/user/generate.js');

/**
 * The generator: dist/user-generate.js in the package (built apart, minified, with the yaml parser), or
 * the source in a checkout. A specifier in a variable, so the CLI bundle does not take in a second copy.
 */
async function loadGenerator(): Promise<UserGenerator> {
  const built = new URL('./user-generate.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) return (await import(built.href)) as UserGenerator;
  const source = '../../codegen/user/generate.js';
  return (await import(source)) as UserGenerator;
}

/** 0 = written (or up to date with --check), 1 = invalid specs or a stale module (messages on err). */
export async function generateFromUserSpecs(args: UserGenerateArgs, io: { out(t: string): void; err(t: string): void }): Promise<number> {
  const { generateUserModule, SpecError } = await loadGenerator();
  let result: Awaited<ReturnType<typeof generateUserModule>>;
  try {
    result = await generateUserModule({ specs: args.specs, out: args.out, specRoot: packageSpecRoot() });
  } catch (err) {
    if (err instanceof SpecError) {
      io.err(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const rel = (f: string) => path.relative(process.cwd(), f).split(path.sep).join('/');
  for (const [file, content] of result.files) {
    let current: string | undefined;
    try {
      current = await readFile(file, 'utf8');
    } catch {
      current = undefined;
    }
    if (args.check) {
      if (current !== content) {
        io.err(`${rel(file)} is out of date with ${args.specs} (run wechat-tools generate --specs ${args.specs} --out ${args.out})\n`);
        return 1;
      }
      continue;
    }
    if (current !== content) {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, content);
    }
    if (!args.quiet) io.err(`wechat-tools generate: ${result.endpoints} endpoint(s) → ${rel(file)} (${Buffer.byteLength(content)} bytes)\n`);
  }
  return 0;
}

export interface SpecNewArgs {
  operation: string;
  method: string;
  path: string;
  client: string;
  dir: string;
  force: boolean;
}

/** Writes DIR/<operation>.yaml; refuses to overwrite without --force. Returns the file written. */
export async function writeStarterSpec(args: SpecNewArgs): Promise<string> {
  const { starterSpec } = await import('../../codegen/user/starter.js');
  if (!/^[a-z][A-Za-z0-9]*$/.test(args.operation)) throw new Error(`spec new: the operation name is camelCase (${JSON.stringify(args.operation)})`);
  const method = args.method.toUpperCase();
  if (method !== 'GET' && method !== 'POST') throw new Error('spec new: --method is GET or POST');
  if (!/^\/[A-Za-z0-9_/.-]*$/.test(args.path)) throw new Error('spec new: --path is WeChat\'s path, like /wxa/getwxacode');
  if (args.client !== 'mp' && args.client !== 'oa') throw new Error('spec new: --client is mp or oa');
  const file = path.resolve(args.dir, `${args.operation}.yaml`);
  if (existsSync(file) && !args.force) throw new Error(`spec new: ${args.dir}/${args.operation}.yaml exists (--force to overwrite)`);
  const schema = path.relative(path.dirname(file), path.join(packageSpecRoot(), '_meta', 'endpoint.schema.yaml')).split(path.sep).join('/');
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, starterSpec({ operation: args.operation, method, path: args.path, client: args.client, schemaPath: schema }));
  return file;
}
