// The central token server under hostile or broken clients (issue: Trust, token-server items):
// an aborted body, a huge body on the Web adapter, revocation by compare-and-refresh, shutdown.
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenServer, MPTools } from '../../src/index.js';
import { createMockWechat, DEFAULT_MOCK_APP } from '../../src/testing/index.js';
import { hasRedisBinary, TestRedis } from '../helpers/redis-server.js';

const app = DEFAULT_MOCK_APP;
const URL_ = 'https://tokens.internal/token';

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

describe('token server: Node adapter', () => {
  const mock = createMockWechat({ tokenOverlapSeconds: 0 });
  const ts = createTokenServer({ apps: [new MPTools({ ...app, fetch: (r) => mock.handle(r) })] });
  const server = createServer((req, res) => void ts.node(req, res));
  let port = 0;
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => void unhandled.push(e);
  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    port = await listen(server);
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('a client that declares 1000 bytes, sends 10 and resets does not take the server down', async () => {
    await new Promise<void>((resolve) => {
      const s = connect(port, '127.0.0.1', () => {
        s.write(`POST /token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"appid":"`);
        setImmediate(() => {
          s.resetAndDestroy();
          resolve();
        });
      });
      s.on('error', () => {});
    });
    // the server keeps serving, and nothing rejected out of ts.node
    const r = await fetch(`http://127.0.0.1:${port}/token`, { method: 'POST', body: JSON.stringify({ appid: app.appid, secret: app.secret }) });
    expect(r.status).toBe(200);
    await new Promise((r2) => setTimeout(r2, 20));
    expect(unhandled).toEqual([]);
  });

  it('a body over the limit is 413 before it is read in full', async () => {
    const r = await fetch(`http://127.0.0.1:${port}/token`, { method: 'POST', body: 'x'.repeat(64 * 1024) });
    expect(r.status).toBe(413);
  });

  it('handle() never rejects, even when the app client throws something unexpected', async () => {
    const broken = { appid: 'wxbroken', secretMatches: () => true, getAccessTokenWithExpiry: () => Promise.reject(new TypeError('boom')) } as unknown as MPTools;
    const t2 = createTokenServer({ apps: [broken] });
    const out = await t2.handle({ method: 'POST', headers: {}, body: JSON.stringify({ appid: 'wxbroken', secret: 's' }) });
    expect(out.status).toBe(502);
    const weird = await t2.handle({ method: 'POST', headers: {}, body: 'null' });
    expect(weird.status).toBe(400);
  });
});

describe('token server: Web adapter', () => {
  it('stops reading a 256 MiB body at its 16 KiB limit (before authentication)', async () => {
    const mock = createMockWechat();
    const ts = createTokenServer({ apps: [new MPTools({ ...app, fetch: (r) => mock.handle(r) })] });
    let pulled = 0;
    const chunk = new Uint8Array(64 * 1024);
    const total = 256 * 1024 * 1024;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= total) return controller.close();
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const r = await ts.fetch(new Request(URL_, { method: 'POST', body, duplex: 'half' } as RequestInit));
    expect(r.status).toBe(413);
    expect(pulled).toBeLessThan(1024 * 1024); // a few chunks at most, not 256 MiB
  });
});

describe('token server: revocation (compare-and-refresh)', () => {
  it('N reports of the same dead token cause exactly one refresh, and everyone gets the new token', async () => {
    const mock = createMockWechat({ tokenOverlapSeconds: 0 });
    const ts = createTokenServer({ apps: [new MPTools({ ...app, tokenMode: 'classic', fetch: (r) => mock.handle(r) })] });
    const post = async (body: Record<string, unknown>) => {
      const r = await ts.fetch(new Request(URL_, { method: 'POST', body: JSON.stringify(body) }));
      return { status: r.status, json: (await r.json()) as { access_token?: string; errcode?: number } };
    };
    const first = await post({ appid: app.appid, secret: app.secret });
    const dead = first.json.access_token ?? '';
    expect(dead).not.toBe('');
    expect(mock.stats().tokenRequests.total).toBe(1);
    mock.expireTokens(); // WeChat now rejects it
    // without a report the server keeps serving its cached token (the seed protocol is unchanged)
    expect((await post({ appid: app.appid, secret: app.secret })).json.access_token).toBe(dead);
    const reports = await Promise.all(Array.from({ length: 10 }, () => post({ appid: app.appid, secret: app.secret, invalid_token: dead })));
    const fresh = new Set(reports.map((r) => r.json.access_token));
    expect(reports.every((r) => r.status === 200)).toBe(true);
    expect(fresh.size).toBe(1);
    expect(fresh.has(dead)).toBe(false);
    expect(mock.stats().tokenRequests.total).toBe(2);
    // a late report of the old token is stale: no refresh, the current token
    const late = await post({ appid: app.appid, secret: app.secret, invalid_token: dead });
    expect(late.json.access_token).toBe([...fresh][0]);
    expect(mock.stats().tokenRequests.total).toBe(2);
  });

  it('end to end: instances that meet the revoked token report it, the service refreshes once, every call succeeds', async () => {
    const mock = createMockWechat({ tokenOverlapSeconds: 0 });
    const ts = createTokenServer({ apps: [new MPTools({ ...app, tokenMode: 'classic', fetch: (r) => mock.handle(r) })], bearerKeys: ['instance-key'] });
    const route = (r: Request) => (r.url.startsWith(URL_) ? ts.fetch(r) : mock.handle(r));
    // five serverless instances, each with its own cache and no AppSecret, only the service's key
    const instances = Array.from({ length: 5 }, () => new MPTools({ appid: app.appid, getAccessTokenUrl: URL_, getAccessTokenHeaders: { authorization: 'Bearer instance-key' }, fetch: route, retry: false }));
    for (const mp of instances) expect((await mp.getPhoneNumber({ code: 'c' })).ok).toBe(true);
    expect(mock.stats().tokenRequests.total).toBe(1);
    mock.expireTokens(); // another environment force-refreshed, or the AppSecret was reset
    const results = await Promise.all(instances.flatMap((mp) => Array.from({ length: 4 }, () => mp.getPhoneNumber({ code: 'c' }))));
    expect(results.filter((r) => !r.ok).map((r) => r.errcode)).toEqual([]);
    expect(mock.stats().tokenRequests.total).toBe(2); // one refresh for 20 calls on 5 instances
  });

  it('a leaked key cannot burn the quota: reports of the current token are rate-limited', async () => {
    const mock = createMockWechat({ tokenOverlapSeconds: 0 });
    const ts = createTokenServer({ apps: [new MPTools({ ...app, tokenMode: 'classic', fetch: (r) => mock.handle(r) })], bearerKeys: ['leaked'], refreshLimit: { minIntervalSeconds: 3600, maxPerHour: 1 } });
    const post = async (body: Record<string, unknown>) => {
      const r = await ts.fetch(new Request(URL_, { method: 'POST', body: JSON.stringify(body), headers: { authorization: 'Bearer leaked' } }));
      return { status: r.status, json: (await r.json()) as { access_token?: string } };
    };
    let token = (await post({ appid: app.appid })).json.access_token ?? '';
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await post({ appid: app.appid, invalid_token: token });
      statuses.push(r.status);
      token = r.json.access_token ?? token;
    }
    expect(statuses).toEqual([200, 429, 429, 429, 429]);
    expect(mock.stats().tokenRequests.total).toBe(2); // the first token and one refresh, however many reports
  });

  it('an invalid_token that is not a string is refused', async () => {
    const ts = createTokenServer({ apps: [new MPTools({ ...app })] });
    const out = await ts.handle({ method: 'POST', headers: {}, body: JSON.stringify({ appid: app.appid, secret: app.secret, invalid_token: { x: 1 } }) });
    expect(out.status).toBe(400);
  });
});

describe.skipIf(!hasRedisBinary)('wechat-tools token-server --redis', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await TestRedis.start();
  });
  afterAll(async () => {
    await redis.stop();
  });

  it('exits 0 on SIGTERM (server and Redis connection closed)', async () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'token-server', '--port', '0', '--redis', redis.url], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, WECHAT_APPID: app.appid, WECHAT_SECRET: app.secret },
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.once('data', (d: Buffer) => resolve(d.toString()));
      void exited.then((c) => reject(new Error(`exited early with ${c}`)));
    });
    expect(line).toContain('Redis');
    // a keep-alive connection open at shutdown must not hold the process
    const url = /on (http:\/\/\S+)/.exec(line)?.[1] ?? '';
    await fetch(url, { method: 'POST', body: '{}' });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('refuses to start, naming Redis, when Redis is not there', async () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'token-server', '--port', '0', '--redis', 'redis://127.0.0.1:1'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, WECHAT_APPID: app.appid, WECHAT_SECRET: app.secret },
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => void (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).toBe(1);
    expect(err).toMatch(/cannot connect to Redis/);
  });
});
