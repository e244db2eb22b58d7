// Third-party platform scenarios on a real Redis (a throwaway redis-server): several "servers"
// (separate OpenPlatform objects, each with its own Redis connection) share the ticket, the
// component token and every authorizer's tokens.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenPlatform, RedisCache, WechatAuthorizationRequiredError } from '../src/index.js';
import { createMockWechat, DEFAULT_MOCK_PLATFORM, type MockWechat } from '../src/testing/index.js';
import { hasRedisBinary, TestRedis } from './helpers/redis-server.js';

describe.skipIf(!hasRedisBinary)('third-party platform on Redis', () => {
  let redis: TestRedis;
  const connections: Redis[] = [];

  async function connect(): Promise<Redis> {
    const c = new Redis({ port: redis.port, host: '127.0.0.1', maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: () => 50 });
    c.on('error', () => {});
    await new Promise((r) => c.once('ready', r));
    connections.push(c);
    return c;
  }

  /** n servers: each its own OpenPlatform and Redis connection, all talking to one mock WeChat. */
  async function servers(mock: MockWechat, n: number): Promise<OpenPlatform[]> {
    const out: OpenPlatform[] = [];
    for (let i = 0; i < n; i++) {
      const cache = new RedisCache({ client: await connect(), prefix: 't:' });
      out.push(new OpenPlatform({ ...DEFAULT_MOCK_PLATFORM, cache, fetch: (r: Request) => mock.handle(r), retry: false }));
    }
    return out;
  }

  beforeAll(async () => {
    redis = await TestRedis.start();
  });
  afterAll(async () => {
    for (const c of connections) c.disconnect();
    await redis?.stop();
  });

  it('3 servers, the ticket pushed to one: all three call component endpoints with one api_component_token request', async () => {
    const mock = createMockWechat({ tokenOverlapSeconds: 0 });
    const flush = await connect();
    await flush.flushdb();
    const [a, b, c] = (await servers(mock, 3)) as [OpenPlatform, OpenPlatform, OpenPlatform];
    const res = await a.pushHandler().fetch(mock.platform.verifyTicketPush());
    expect(await res.text()).toBe('success');
    const calls = [a, b, c].flatMap((op) => Array.from({ length: 10 }, () => op.getPreAuthCode()));
    const replies = await Promise.all(calls);
    expect(replies.every((r) => r.ok)).toBe(true);
    expect(mock.stats().platformTokenRequests.component).toBe(1);
    // the others never saw the push, yet have the ticket and the token
    expect(await c.getComponentAccessToken()).toBe(await a.getComponentAccessToken());
  });

  it('200 concurrent calls for one authorizer from 4 servers on a cold cache: one api_authorizer_token; the rotated refresh token is stored', async () => {
    const mock = createMockWechat({ tokenOverlapSeconds: 0 });
    const flush = await connect();
    await flush.flushdb();
    const ops = await servers(mock, 4);
    const first = ops[0] as OpenPlatform;
    await first.pushHandler().fetch(mock.platform.verifyTicketPush());
    const appid = 'wx0000mock0000aut2';
    const info = await first.queryAuth(mock.platform.authorize(appid));
    const original = info.authorizer_refresh_token;
    // cold: drop the authorizer and component tokens queryAuth left, keep the refresh token and ticket
    await flush.del(`t:wechat-tools:authorizer_access_token:${appid}:${DEFAULT_MOCK_PLATFORM.componentAppid}`);
    await flush.del(`t:wechat-tools:component_access_token:${DEFAULT_MOCK_PLATFORM.componentAppid}`);
    const before = mock.stats().platformTokenRequests;
    const replies = await Promise.all(Array.from({ length: 200 }, (_, i) => (ops[i % 4] as OpenPlatform).miniProgram(appid).call('getApiDomainIp')));
    expect(replies.every((r) => r.ok)).toBe(true);
    const after = mock.stats().platformTokenRequests;
    expect(after.authorizer - before.authorizer).toBe(1);
    expect(after.component - before.component).toBe(1);
    const stored = await (ops[3] as OpenPlatform).getStoredAuthorizerRefreshToken(appid);
    expect(stored).not.toBe(original);
    expect(stored).toBe(mock.platform.currentRefreshToken(appid));
    expect(mock.stats().calls['getApiDomainIp']).toBe(200);
  });

  it('4 real processes, 50 calls each, one authorizer, cold cache: one api_authorizer_token; the rotated refresh token is stored', async () => {
    const mock = createMockWechat({ tokenOverlapSeconds: 0 });
    const server = await mock.listen();
    try {
      const flush = await connect();
      await flush.flushdb();
      const [setup] = await servers(mock, 1);
      await (setup as OpenPlatform).pushHandler().fetch(mock.platform.verifyTicketPush());
      const appid = 'wx0000mock0000aut4';
      const original = (await (setup as OpenPlatform).queryAuth(mock.platform.authorize(appid))).authorizer_refresh_token;
      await flush.del(`t:wechat-tools:authorizer_access_token:${appid}:${DEFAULT_MOCK_PLATFORM.componentAppid}`);
      await flush.del(`t:wechat-tools:component_access_token:${DEFAULT_MOCK_PLATFORM.componentAppid}`);
      const before = mock.stats().platformTokenRequests;
      const env = { ...process.env, REDIS_PORT: String(redis.port), MOCK_URL: server.url, CALLS: '50', AUTHORIZER: appid, PREFIX: 't:' };
      const root = path.resolve(import.meta.dirname, '..');
      const outs = await Promise.all([1, 2, 3, 4].map(() => promisify(execFile)(process.execPath, ['--import', 'tsx', 'test/helpers/platform-worker.ts'], { cwd: root, env, timeout: 120_000 })));
      const results = outs.map((o) => JSON.parse(o.stdout) as { ok: number; failed: number; error?: string });
      expect(results).toEqual([50, 50, 50, 50].map((ok) => ({ ok, failed: 0 })));
      const after = mock.stats().platformTokenRequests;
      expect(after.authorizer - before.authorizer).toBe(1);
      expect(after.component - before.component).toBe(1);
      const stored = await (setup as OpenPlatform).getStoredAuthorizerRefreshToken(appid);
      expect(stored).not.toBe(original);
      expect(stored).toBe(mock.platform.currentRefreshToken(appid));
    } finally {
      await server.close();
    }
  }, 180_000);

  it('a token rejected on one server: one refresh, one retry; an unauthorized event on another stops all of them', async () => {
    const mock = createMockWechat({ tokenOverlapSeconds: 0 });
    const flush = await connect();
    await flush.flushdb();
    const [a, b, c] = (await servers(mock, 3)) as [OpenPlatform, OpenPlatform, OpenPlatform];
    await a.pushHandler().fetch(mock.platform.verifyTicketPush());
    const appid = 'wx0000mock0000aut3';
    await a.queryAuth(mock.platform.authorize(appid));
    mock.tokens.revokeApp(appid); // WeChat answers 40001 to the stored authorizer token
    const r = await b.miniProgram(appid).call('getApiDomainIp');
    expect(r.ok).toBe(true);
    expect(mock.stats().platformTokenRequests.authorizer).toBe(1);
    expect(mock.stats().calls['getApiDomainIp']).toBe(2);
    // the new token is shared: c needs no refresh
    expect((await c.miniProgram(appid).call('getApiDomainIp')).ok).toBe(true);
    expect(mock.stats().platformTokenRequests.authorizer).toBe(1);

    await c.pushHandler().fetch(mock.platform.unauthorizedPush(appid));
    const requests = mock.stats().requests;
    for (const op of [a, b, c]) await expect(op.miniProgram(appid).call('getApiDomainIp')).rejects.toBeInstanceOf(WechatAuthorizationRequiredError);
    expect(mock.stats().requests).toBe(requests);
  });
});
