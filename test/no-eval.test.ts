// No code generation at run time: the quickstart demo, bundled by esbuild, runs unchanged under
// `node --disallow-code-generation-from-strings` (eval and new Function throw there). Validators are
// schema data compiled to closures, never generated source.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { build, type BuildOptions } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_MOCK_APP, MockData } from '../src/testing/index.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');
/** esbuild options of both bundles: one ESM file for Node; msw is loaded only by mock.handlers (the demo uses
 * mock.listen()) and the optional peers only by their features, so a real import of them would fail loudly. */
const NODE_BUNDLE: BuildOptions = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'error',
  external: ['msw', 'msw/node', 'ioredis', 'redis', 'fast-xml-parser'],
};
let dir = '';
let bundle = '';

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'wt-no-eval-'));
  bundle = path.join(dir, 'quickstart.mjs');
  await build({
    entryPoints: [path.join(root, 'demo/quickstart.ts')],
    outfile: bundle,
    ...NODE_BUNDLE,
    banner: { js: "import { createRequire as __wtRequire } from 'node:module'; const require = __wtRequire(import.meta.url);" },
  });
}, 60_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const FLAG = '--disallow-code-generation-from-strings';

it('the flag really forbids code generation (control)', async () => {
  const r = await run(process.execPath, [FLAG, '-e', 'new Function("return 1")'], { cwd: dir }).catch((e: { code: number; stderr: string }) => e);
  expect('code' in r ? r.code : 0).not.toBe(0);
  expect('stderr' in r ? r.stderr : '').toMatch(/EvalError|Code generation from strings disallowed/);
});

it('the demo (params and replies validated) runs end to end without code generation from strings', async () => {
  const { stdout } = await run(process.execPath, [FLAG, bundle], { cwd: dir, timeout: 60_000 });
  expect(stdout).toContain(`openid: '${new MockData().login(DEFAULT_MOCK_APP.appid, '0a3Xk9ll2oYz8f0Q6Dll2P0jFv3Xk9lF').openid}'`); // the mock's user for the demo's code
  expect(stdout).toMatch(/phoneNumber: '13800138000'/);
  expect(stdout).toMatch(/createQRCode → image written/);
  expect(stdout).toContain('demo done');
});

it('a bad param is still rejected, naming the operation and the field, under the flag', async () => {
  const script = path.join(dir, 'bad-param.mjs');
  await build({
    stdin: {
      contents: `import { MPTools } from './src/index.ts';
const mp = new MPTools({ appid: 'wx0000000000000000', secret: 's', accessToken: 't', baseUrl: 'http://127.0.0.1:9' });
try { await mp.getQRCode({ path: 'p', width: 'wide' }); console.log('no error'); } catch (e) { console.log(e.name, e.message); }`,
      resolveDir: root,
      loader: 'ts',
    },
    outfile: script,
    ...NODE_BUNDLE,
  });
  const { stdout } = await run(process.execPath, [FLAG, script], { cwd: dir, timeout: 30_000 });
  expect(stdout).toMatch(/WechatValidationError .*getQRCode.*\/width/);
});
