// The wechat-tools bin, run as a process: endpoints, call against `wechat-tools mock`, push, errors.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockData } from '../src/testing/index.js';

const root = path.resolve(import.meta.dirname, '..');
const exec = promisify(execFile);
const bin = ['--import', 'tsx', 'src/cli/bin.ts'];

async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await exec(process.execPath, [...bin, ...args], { cwd: root, env: { ...process.env, ...env }, timeout: 60_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('wechat-tools', () => {
  let mockUrl = '';
  let creds = { appid: '', secret: '' };
  let stop = () => {};
  beforeAll(async () => {
    const child = spawn(process.execPath, [...bin, 'mock', '--json'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    stop = () => void child.kill('SIGTERM');
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.once('data', (d: Buffer) => resolve(d.toString()));
      child.once('exit', (c) => reject(new Error(`mock exited ${c}`)));
    });
    const info = JSON.parse(line) as { url: string; appid: string; secret: string };
    mockUrl = info.url;
    creds = { appid: info.appid, secret: info.secret };
  });
  afterAll(() => stop());

  it('--help, and a one-line error with a non-zero exit for an unknown command', async () => {
    expect((await cli(['--help'])).stdout).toContain('token-server');
    const bad = await cli(['frobnicate']);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect((await cli(['call', '--help'])).stdout).toContain('WECHAT_APPID');
  });

  it('endpoints --json lists operation, method, path and doc link', async () => {
    const r = await cli(['endpoints', '--platform', 'mp', '--json']);
    const rows = JSON.parse(r.stdout) as { operation: string; method: string; path: string; doc: string }[];
    expect(rows.length).toBeGreaterThan(150);
    expect(rows.find((x) => x.operation === 'code2Session')).toMatchObject({ method: 'GET', path: '/sns/jscode2session', doc: expect.stringMatching(/^https:\/\/developers\.weixin\.qq\.com\//) });
  });

  it('call works against `wechat-tools mock`; binary replies go to --out', async () => {
    const env = { WECHAT_APPID: creds.appid, WECHAT_SECRET: creds.secret };
    const r = await cli(['call', 'code2Session', '--params', '{"js_code":"abc"}', '--base-url', mockUrl, '--json'], env);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(out['openid']).toBe(new MockData().login(creds.appid, 'abc').openid); // the mock's user for that code
    expect(out['session_key']).toBe('[redacted]');
    const dir = await mkdtemp(path.join(tmpdir(), 'wt-cli-'));
    try {
      const q = await cli(['call', 'createQRCode', '--params', '{"path":"pages/index/index"}', '--base-url', mockUrl, '--out', path.join(dir, 'qr.jpg')], env);
      expect(q.code).toBe(0);
      expect((await readFile(path.join(dir, 'qr.jpg')))[0]).toBe(0xff);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const bad = await cli(['call', 'code2Session', '--params', '{}', '--base-url', mockUrl], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/code2Session: invalid params: \/js_code is required/);
  });

  it('token-server serves tokens from WeChat (here: the mock) to the seed protocol', async () => {
    const child = spawn(process.execPath, [...bin, 'token-server', '--port', '0', '--base-url', mockUrl], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, WECHAT_APPID: creds.appid, WECHAT_SECRET: creds.secret } });
    try {
      const line = await new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString())));
      const url = /on (http:\/\/\S+)/.exec(line)?.[1] ?? '';
      const r = await fetch(url, { method: 'POST', body: JSON.stringify({ appid: creds.appid, secret: creds.secret }) });
      expect(r.status).toBe(200);
      expect(await r.json()).toMatchObject({ access_token: expect.stringMatching(/^MOCK_STABLE_/), expires_in: expect.any(Number) });
      expect((await fetch(url, { method: 'POST', body: JSON.stringify({ appid: creds.appid, secret: 'x' }) })).status).toBe(401);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('a closed pipe (`wechat-tools endpoints | head -1`) ends the command quietly, exit 0', async () => {
    const child = spawn(process.execPath, [...bin, 'endpoints'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy(); // what `head` does after its first line
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(stderr).not.toMatch(/EPIPE|Error|at /);
    expect(code).toBe(0);
  });

  it('push sign / encrypt / decrypt / verify', async () => {
    const sig = await cli(['push', 'sign', '--token', 'AAAAA', '--timestamp', '1714036504', '--nonce', '1514711492', '--json']);
    expect(JSON.parse(sig.stdout)).toEqual({ signature: 'f464b24fc39322e44b38aa78f5edd27bd1441696' });
    const key = ['--token', 't', '--aes-key', 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', '--appid', 'wx1'];
    const enc = JSON.parse((await cli(['push', 'encrypt', ...key, '--message', '<xml>hi</xml>', '--timestamp', '1', '--nonce', '2', '--json'])).stdout) as { Encrypt: string; MsgSignature: string };
    expect(JSON.parse((await cli(['push', 'decrypt', ...key, '--encrypt', enc.Encrypt, '--json'])).stdout)).toEqual({ message: '<xml>hi</xml>' });
    const ok = await cli(['push', 'verify', ...key, '--timestamp', '1', '--nonce', '2', '--encrypt', enc.Encrypt, '--signature', enc.MsgSignature, '--json']);
    expect(ok.code).toBe(0);
    const wrong = await cli(['push', 'decrypt', '--token', 't', '--aes-key', 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', '--appid', 'other', '--encrypt', enc.Encrypt]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('another appid');
  });
});
