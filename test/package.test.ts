// The package from the outside: `npm pack` installed into a throwaway project, then an ESM import,
// a CJS require, TypeScript type-checks (NodeNext and Bundler, with @ts-expect-error lines), an
// esbuild bundle of a one-endpoint program, and attw + publint on the package.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MOCK_APP, MockData } from '../src/testing/index.js';

const exec = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');
let dir = '';
let tarball = '';
const sh = (cmd: string, args: string[], cwd = dir) => exec(cmd, args, { cwd, timeout: 240_000, maxBuffer: 32 << 20, env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' } });
/** Exit code and output of a command that may fail (a failure is data here, not an exception). */
const outcome = (cmd: string, args: string[], cwd = dir) =>
  sh(cmd, args, cwd).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code?: number | string; stdout?: string; stderr?: string }) => ({ code: e.code ?? 'failed', stdout: e.stdout ?? '', stderr: e.stderr ?? '' }),
  );

beforeAll(async () => {
  await sh('npx', ['tsup', '--silent'], root);
  dir = await mkdtemp(path.join(tmpdir(), 'wt-consumer-'));
  const packed = JSON.parse((await sh('npm', ['pack', '--json', '--pack-destination', dir], root)).stdout) as { filename: string }[];
  tarball = path.join(dir, packed[0]?.filename ?? '');
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, version: '0.0.0' }));
  const ts = path.join(root, 'node_modules/typescript');
  await sh('npm', ['install', '--no-save', '--prefer-offline', tarball, `typescript@file:${ts}`, `@types/node@file:${path.join(root, 'node_modules/@types/node')}`, `msw@file:${path.join(root, 'node_modules/msw')}`]);
}, 300_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const program = `
const mock = createMockWechat();
const server = await mock.listen();
const mp = new MPTools({ ...DEFAULT_MOCK_APP, baseUrl: server.url });
const r = await mp.code2Session({ js_code: 'x' });
console.log(JSON.stringify({ errcode: r.errcode, openid: r.openid }));
await server.close();
`;

describe('consumers', () => {
  it('ESM import', async () => {
    await writeFile(path.join(dir, 'esm.mjs'), `import { MPTools } from 'wechat-tools';\nimport { createMockWechat, DEFAULT_MOCK_APP } from 'wechat-tools/testing';\n${program}`);
    expect(JSON.parse((await sh(process.execPath, ['esm.mjs'])).stdout)).toEqual({ errcode: 0, openid: new MockData().login(DEFAULT_MOCK_APP.appid, 'x').openid });
  });

  it('CJS require', async () => {
    await writeFile(path.join(dir, 'cjs.cjs'), `const { MPTools } = require('wechat-tools');\nconst { createMockWechat, DEFAULT_MOCK_APP } = require('wechat-tools/testing');\n(async () => {${program}})();`);
    expect(JSON.parse((await sh(process.execPath, ['cjs.cjs'])).stdout)).toEqual({ errcode: 0, openid: new MockData().login(DEFAULT_MOCK_APP.appid, 'x').openid });
  });

  it('importing the main entry loads no optional peer (msw, ioredis, redis) and no fast-xml-parser', async () => {
    await writeFile(path.join(dir, 'peers.cjs'), `require('wechat-tools'); console.log(JSON.stringify(Object.keys(require.cache).filter((k) => /node_modules\\/(msw|ioredis|redis|fast-xml-parser)\\//.test(k))));`);
    expect(JSON.parse((await sh(process.execPath, ['peers.cjs'])).stdout)).toEqual([]);
  });

  const typed = `import { MPTools, OATools, type WechatData, type Code2SessionResponse } from 'wechat-tools';
import { createMockWechat } from 'wechat-tools/testing';
export async function f(mp: MPTools, oa: OATools): Promise<string | undefined> {
  const r: WechatData<Code2SessionResponse> = await mp.code2Session({ js_code: 'c' });
  // @ts-expect-error js_code is required
  await mp.code2Session({});
  // @ts-expect-error width is a number
  await mp.getQRCode({ path: 'p', width: '430' });
  // @ts-expect-error not an Official Account method
  await mp.getUserInfo({ openid: 'o' });
  const u = await oa.getUserInfo({ openid: 'o' });
  const tags: number[] | undefined = u.tagid_list;
  void tags;
  void createMockWechat;
  return r.ok ? r.openid : undefined;
}
`;
  // exactOptionalPropertyTypes: options filled from the environment (string | undefined) are accepted, and
  // `undefined` for a method's params or call options
  const exact = `import { MPTools, OATools } from 'wechat-tools';
export const mp = new MPTools({ appid: 'wx', secret: process.env['WECHAT_SECRET'], baseUrl: process.env['WECHAT_BASE_URL'], timeoutMs: undefined, hosts: { mp: process.env['MP_HOST'] } });
export const oa = new OATools({ appid: 'wx', redirectUri: process.env['REDIRECT_URI'] });
export const call = () => [mp.code2Session({ js_code: 'c' }, undefined), mp.getApiDomainIp(undefined, undefined), mp.call('getPhoneNumber', { code: 'c' }, undefined)];
`;
  it.each(['NodeNext', 'Bundler', 'NodeNext-exact'])('TypeScript, moduleResolution %s', async (variant) => {
    const resolution = variant.replace('-exact', '');
    const sub = path.join(dir, `ts-${variant}`);
    await exec('mkdir', ['-p', sub]);
    await writeFile(path.join(sub, 'main.ts'), typed);
    await writeFile(path.join(sub, 'exact.ts'), exact);
    await writeFile(
      path.join(sub, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: resolution === 'NodeNext' ? 'NodeNext' : 'ESNext', moduleResolution: resolution, skipLibCheck: false, types: ['node'], ...(variant.endsWith('-exact') ? { exactOptionalPropertyTypes: true } : {}) },
        files: ['main.ts', 'exact.ts'],
      }),
    );
    await writeFile(path.join(sub, 'package.json'), JSON.stringify({ type: 'module' }));
    const r = await outcome(process.execPath, [path.join(dir, 'node_modules/typescript/bin/tsc'), '-p', sub]);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(0);
  }, 180_000);

  it('an esbuild bundle of a one-endpoint program (size reported)', async () => {
    await writeFile(path.join(dir, 'one.mjs'), `import { MPTools } from 'wechat-tools';\nconst mp = new MPTools({ appid: 'wx', secret: 's' });\nexport const f = (code) => mp.code2Session({ js_code: code });\n`);
    const out = path.join(dir, 'bundle');
    await sh(path.join(root, 'node_modules/esbuild/bin/esbuild'), ['one.mjs', '--bundle', '--splitting', '--format=esm', '--platform=node', '--minify', `--outdir=${out}`, '--external:fast-xml-parser', '--log-level=error']);
    const files = await readdir(out);
    const sizes = await Promise.all(files.map(async (f) => ({ f, size: (await stat(path.join(out, f))).size })));
    const entry = sizes.find((s) => s.f === 'one.js')?.size ?? 0;
    const loadedForOneCall = entry + (sizes.find((s) => s.f.startsWith('miniprogram-user-login'))?.size ?? 0);
    const total = sizes.reduce((a, s) => a + s.size, 0);
    console.log(`one-endpoint bundle: entry ${entry} B, + its validator group ${loadedForOneCall - entry} B; all chunks ${total} B in ${files.length} files`);
    expect(entry).toBeGreaterThan(0);
    // the validator schemas stay one lazily loaded chunk per API group: the call loads its own only
    expect(files.filter((f) => f.includes('.schemas')).length).toBeGreaterThan(40);
    expect(loadedForOneCall - entry).toBeGreaterThan(0);
    expect(loadedForOneCall - entry).toBeLessThan(total / 20);
  });
});

describe('package checks', () => {
  it('attw --pack: no problem for node10, node16 (CJS, ESM) or bundler', async () => {
    const r = await outcome(process.execPath, [path.join(root, 'node_modules/@arethetypeswrong/cli/dist/index.js'), tarball, '--format', 'json'], root);
    const report = JSON.parse(r.stdout || '{}') as { analysis?: { problems?: unknown[] } };
    expect(report.analysis?.problems ?? ['no report']).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('publint: no errors or warnings', async () => {
    const r = await outcome(process.execPath, [path.join(root, 'node_modules/publint/src/cli.js'), '--strict'], root);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/Errors?:|Warnings?:/);
    expect(r.code).toBe(0);
  });
});
