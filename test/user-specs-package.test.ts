// Your own endpoints from the outside (issue 18): the packed package (`npm pack` after the build, both in a copy)
// installed into a throwaway project; three specs written there (a JSON reply, a binary reply, a paginated list),
// `npx wechat-tools generate --specs … --out …` run with the installed CLI (no dev toolchain), a program
// type-checked under strict (NodeNext ESM, NodeNext CJS, Bundler; @ts-expect-error lines for wrong
// params), run against createMockWechat({ endpoints }); and a malformed spec failing with file + pointer.
import { execFile } from 'node:child_process';
import { copyFile, cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');
let dir = '';
const sh = (cmd: string, args: string[], cwd = dir) => exec(cmd, args, { cwd, timeout: 240_000, maxBuffer: 32 << 20, env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' } });
/** Exit code and output of a command that may fail (a failure is data here, not an exception). */
const outcome = (cmd: string, args: string[], cwd = dir) =>
  sh(cmd, args, cwd).then(
    (r) => ({ code: 0 as number | string, stdout: r.stdout, stderr: r.stderr }),
    (e: { code?: number | string; stdout?: string; stderr?: string }) => ({ code: e.code ?? 'failed', stdout: e.stdout ?? '', stderr: e.stderr ?? '' }),
  );
const cli = () => path.join(dir, 'node_modules/.bin/wechat-tools');
const tsc = () => path.join(dir, 'node_modules/typescript/bin/tsc');

let build = '';

beforeAll(async () => {
  // built and packed from a copy of the sources (as test/size.test.ts does): never races another test's build of dist/
  build = await mkdtemp(path.join(tmpdir(), 'wt-user-specs-build-'));
  for (const f of ['src', 'generated', 'codegen', 'spec', 'docs', 'package.json', 'tsconfig.json', 'tsup.config.ts', 'README.md', 'LICENSE', 'CHANGELOG.md']) {
    await cp(path.join(root, f), path.join(build, f), { recursive: true });
  }
  await symlink(path.join(root, 'node_modules'), path.join(build, 'node_modules'), 'dir');
  await sh(process.execPath, [path.join(root, 'node_modules/tsup/dist/cli-default.js'), '--silent'], build);
  dir = await mkdtemp(path.join(tmpdir(), 'wt-user-specs-consumer-'));
  const packed = JSON.parse((await sh('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], build)).stdout) as { filename: string }[];
  const tarball = path.join(dir, packed[0]?.filename ?? '');
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, version: '0.0.0', type: 'module' }));
  await sh('npm', ['install', '--no-save', '--prefer-offline', tarball, `typescript@file:${path.join(root, 'node_modules/typescript')}`, `@types/node@file:${path.join(root, 'node_modules/@types/node')}`, `msw@file:${path.join(root, 'node_modules/msw')}`]);
  await mkdir(path.join(dir, 'wechat-specs'));
  for (const f of ['getSomethingNew.yaml', 'getNewPoster.yaml', 'getNewList.yaml']) await copyFile(path.join(root, 'test/fixtures/user-specs', f), path.join(dir, 'wechat-specs', f));
}, 300_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  if (build) await rm(build, { recursive: true, force: true });
});

/** The user's program: typed methods and call() by name, against the mock; wrong params must not type-check. */
const program = (generated: string) => `import { MPTools, OATools } from 'wechat-tools';
import { createMockWechat, DEFAULT_MOCK_APP } from 'wechat-tools/testing';
import { extraEndpoints, type ExtraMethods, type GetSomethingNewResponse } from '${generated}';

export async function run(): Promise<string> {
  const server = await createMockWechat({ endpoints: extraEndpoints }).listen();
  try {
    const mp = MPTools.extend(extraEndpoints)({ ...DEFAULT_MOCK_APP, baseUrl: server.url });
    const r = await mp.getSomethingNew({ foo: 1 });
    const items: GetSomethingNewResponse['items'] = r.items ?? [];
    const first: string | undefined = items[0]?.id;
    const poster = await mp.call('getNewPoster', { scene: 'abc' });
    const bytes: Uint8Array | undefined = poster.buffer;
    const builtIn = await mp.code2Session({ js_code: 'x' });
    const methods: ExtraMethods = mp;
    const names: string[] = [];
    for await (const item of mp.paginate('getNewList', { count: 10 })) names.push(item.name);
    // @ts-expect-error count is required besides the moving offset
    void (() => mp.paginate('getNewList', {}));
    const oa = OATools.extend(extraEndpoints)({ ...DEFAULT_MOCK_APP, baseUrl: server.url });
    const oaPoster = await oa.getNewPoster({ scene: 'abc' });
    // @ts-expect-error foo is a number
    void (() => mp.getSomethingNew({ foo: 'one' }));
    // @ts-expect-error foo is required
    void (() => mp.getSomethingNew({}));
    // @ts-expect-error scene is a string
    void (() => mp.call('getNewPoster', { scene: 1 }));
    // @ts-expect-error getSomethingNew is a Mini Program endpoint
    void (() => oa.getSomethingNew({ foo: 1 }));
    let invalid = '';
    try {
      await mp.getSomethingNew({ foo: 0 });
    } catch (err) {
      invalid = (err as Error).name;
    }
    return JSON.stringify({ errcode: r.errcode, first, kind: r.kind, posterBytes: bytes?.length, posterType: poster.contentType, oa: oaPoster.errcode, builtIn: builtIn.errcode, methods: typeof methods.getSomethingNew, invalid, names });
  } finally {
    await server.close();
  }
}
`;

const expected = { errcode: 0, first: 'x1', kind: 'a', posterBytes: 8, posterType: 'image/png', oa: 0, builtIn: 0, methods: 'function', invalid: 'WechatValidationError', names: ['first', 'second'] };

const strict = { strict: true, noUnusedLocals: true, noUnusedParameters: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, skipLibCheck: false, target: 'ES2022', types: ['node'] };

describe('your own endpoints, from the packed package', () => {
  it('generate --specs --out with the installed CLI: a deterministic module with the do-not-edit header', async () => {
    // the user's install has none of the repository's generator tools: the CLI carries what it needs
    for (const tool of ['yaml', 'ajv', 'ts-morph', 'openapi-typescript', 'tsx']) expect((await outcome('ls', [`node_modules/${tool}`])).code).not.toBe(0);
    const first = await outcome(cli(), ['generate', '--specs', 'wechat-specs', '--out', 'src/wechat-generated']);
    expect(first.stderr).toMatch(/3 endpoint\(s\) → src\/wechat-generated\/index\.ts/);
    expect(first.code).toBe(0);
    const text = await readFile(path.join(dir, 'src/wechat-generated/index.ts'), 'utf8');
    expect(text.startsWith('// Generated by wechat-tools generate from wechat-specs')).toBe(true);
    expect(text).toContain('Do not edit by hand');
    expect((await outcome(cli(), ['generate', '--specs', 'wechat-specs', '--out', 'src/wechat-generated', '--check'])).code).toBe(0);
  });

  it('ESM (NodeNext, strict): type-checks with the @ts-expect-error lines, and calls both endpoints against the mock', async () => {
    await writeFile(path.join(dir, 'src/main.ts'), program('./wechat-generated/index.js'));
    await writeFile(path.join(dir, 'src/run.ts'), "import { run } from './main.js';\nconsole.log(await run());\n");
    await writeFile(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { ...strict, module: 'NodeNext', moduleResolution: 'NodeNext', outDir: 'out', rootDir: 'src' }, include: ['src'] }));
    const built = await outcome(process.execPath, [tsc(), '-p', '.']);
    expect(built.stdout + built.stderr).toBe('');
    expect(built.code).toBe(0);
    expect(JSON.parse((await sh(process.execPath, ['out/run.js'])).stdout)).toEqual(expected);
  });

  it('CJS (NodeNext in a commonjs package, strict): the same program compiles to require() and runs', async () => {
    const cjs = path.join(dir, 'cjs');
    await mkdir(path.join(cjs, 'src/wechat-generated'), { recursive: true });
    await writeFile(path.join(cjs, 'package.json'), JSON.stringify({ name: 'consumer-cjs', private: true, type: 'commonjs' }));
    await copyFile(path.join(dir, 'src/wechat-generated/index.ts'), path.join(cjs, 'src/wechat-generated/index.ts'));
    await writeFile(path.join(cjs, 'src/main.ts'), program('./wechat-generated/index.js'));
    await writeFile(path.join(cjs, 'src/run.ts'), "import { run } from './main.js';\nrun().then((s) => console.log(s), (e: unknown) => { console.error(e); process.exitCode = 1; });\n");
    await writeFile(path.join(cjs, 'tsconfig.json'), JSON.stringify({ compilerOptions: { ...strict, module: 'NodeNext', moduleResolution: 'NodeNext', outDir: 'out', rootDir: 'src' }, include: ['src'] }));
    const built = await outcome(process.execPath, [tsc(), '-p', '.'], cjs);
    expect(built.stdout + built.stderr).toBe('');
    expect(built.code).toBe(0);
    expect(await readFile(path.join(cjs, 'out/main.js'), 'utf8')).toContain('require("wechat-tools")');
    expect(JSON.parse((await sh(process.execPath, ['out/run.js'], cjs)).stdout)).toEqual(expected);
  });

  it('Bundler resolution (strict): type-checks', async () => {
    const bundler = path.join(dir, 'bundler');
    await mkdir(bundler, { recursive: true });
    await writeFile(path.join(bundler, 'main.ts'), program('../src/wechat-generated/index.js'));
    await writeFile(path.join(bundler, 'tsconfig.json'), JSON.stringify({ compilerOptions: { ...strict, module: 'ESNext', moduleResolution: 'Bundler', noEmit: true }, files: ['main.ts'] }));
    const r = await outcome(process.execPath, [tsc(), '-p', bundler]);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('a malformed spec fails with the file and the JSON pointer, and writes nothing', async () => {
    await mkdir(path.join(dir, 'bad-specs'), { recursive: true });
    const good = await readFile(path.join(dir, 'wechat-specs/getSomethingNew.yaml'), 'utf8');
    await writeFile(path.join(dir, 'bad-specs/getSomethingNew.yaml'), good.replace('auth: access_token', 'auth: token'));
    const r = await outcome(cli(), ['generate', '--specs', 'bad-specs', '--out', 'bad-out']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('bad-specs/getSomethingNew.yaml: /auth: must be equal to one of the allowed values');
    expect((await outcome('ls', ['bad-out'])).code).not.toBe(0);
  });

  it('spec new writes a starter spec whose $schema line points into the installed package', async () => {
    const r = await outcome(cli(), ['spec', 'new', 'getStarter', '--method', 'GET', '--path', '/wxa/starter', '--dir', 'starter-specs']);
    expect(r.code).toBe(0);
    const text = await readFile(path.join(dir, 'starter-specs/getStarter.yaml'), 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../node_modules/wechat-tools/spec/_meta/endpoint.schema.yaml');
    expect((await outcome(cli(), ['generate', '--specs', 'starter-specs', '--out', 'starter-out'])).code).toBe(0);
  });
});
