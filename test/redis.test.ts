// The Redis store and the distributed refresh lock, against a real redis-server (started on a free
// port for this file), with both ioredis and node-redis; the cross-process stampede in 4 workers.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MPTools, RedisCache, WechatTokenError, type IoRedisLike, type Logger, type NodeRedisLike } from '../src/index.js';
import { createMockWechat, DEFAULT_MOCK_APP, type MockServer } from '../src/testing/index.js';
import { hasRedisBinary, TestRedis } from './helpers/redis-server.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');

describe.skipIf(!hasRedisBinary)('Redis', () => {
  let redis: TestRedis;
  const mock = createMockWechat({ tokenOverlapSeconds: 0 });
  let server: MockServer;
  const clients: { name: string; make: () => Promise<IoRedisLike | NodeRedisLike>; close: (c: unknown) => Promise<void> }[] = [
    {
      name: 'ioredis',
      make: async () => {
        const c = new Redis({ port: redis.port, host: '127.0.0.1', maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: () => 50 });
        c.on('error', () => {});
        await new Promise((r) => c.once('ready', r));
        return c;
      },
      close: async (c) => void (c as Redis).disconnect(),
    },
    {
      name: 'node-redis',
      make: async () => (await createClient({ url: redis.url, disableOfflineQueue: true, socket: { reconnectStrategy: () => 50 } }).on('error', () => {}).connect()) as unknown as NodeRedisLike,
      close: async (c) => void (await (c as { destroy(): void }).destroy()),
    },
  ];

  beforeAll(async () => {
    redis = await TestRedis.start();
    server = await mock.listen();
  });
  afterAll(async () => {
    await server.close();
    await redis.stop();
  });

  describe.each(clients)('with $name', ({ make, close }) => {
    it('stores JSON with a Redis TTL, keyed per appid and mode', async () => {
      const client = await make();
      try {
        const cache = new RedisCache({ client, prefix: 'test1:' });
        await cache.set('k', { a: 1 }, 50_000);
        expect(await cache.get('k')).toEqual({ a: 1 });
        const raw = new Redis({ port: redis.port });
        expect(await raw.pttl('test1:k')).toBeGreaterThan(40_000);
        await cache.delete('k');
        expect(await cache.get('k')).toBeUndefined();
        mock.reset();
        const mp = new MPTools({ ...DEFAULT_MOCK_APP, baseUrl: server.url, cache });
        await mp.getAccessToken();
        expect(await raw.exists(`test1:wechat-tools:access_token:stable:${DEFAULT_MOCK_APP.appid}`)).toBe(1);
        raw.disconnect();
      } finally {
        await close(client);
      }
    });

    it('the lock is exclusive and only its holder releases it', async () => {
      const client = await make();
      try {
        const cache = new RedisCache({ client, prefix: `lock-${Date.now()}-${Math.random()}:` });
        const t1 = await cache.acquireLock('L', 5_000);
        expect(t1).toBeDefined();
        expect(await cache.acquireLock('L', 5_000)).toBeUndefined();
        await cache.releaseLock('L', 'not-the-token');
        expect(await cache.acquireLock('L', 5_000)).toBeUndefined();
        await cache.releaseLock('L', t1 as string);
        const t2 = await cache.acquireLock('L', 50);
        expect(t2).toBeDefined();
        await new Promise((r) => setTimeout(r, 120)); // a holder that dies releases by expiry
        expect(await cache.acquireLock('L', 5_000)).toBeDefined();
      } finally {
        await close(client);
      }
    });

    it('200 concurrent calls in one process on a cold Redis → 1 token request', async () => {
      const client = await make();
      try {
        mock.reset();
        const mp = new MPTools({ ...DEFAULT_MOCK_APP, baseUrl: server.url, cache: new RedisCache({ client, prefix: `sf-${Date.now()}:` }) });
        const rs = await Promise.all(Array.from({ length: 200 }, () => mp.getPhoneNumber({ code: 'c' })));
        expect(rs.every((r) => r.errcode === 0)).toBe(true);
        expect(mock.stats().tokenRequests.total).toBe(1);
      } finally {
        await close(client);
      }
    });
  });

  describe.each([
    ['stable', 'ioredis'],
    ['classic', 'node-redis'],
  ] as const)('4 processes × 250 concurrent calls, %s mode, %s', (mode, clientName) => {
    it('exactly one token request', async () => {
      mock.reset();
      const raw = new Redis({ port: redis.port });
      await raw.flushdb(); // our own throwaway server, never the one on 6379
      raw.disconnect();
      const env = { ...process.env, REDIS_PORT: String(redis.port), MOCK_URL: server.url, TOKEN_MODE: mode, REDIS_CLIENT: clientName, CALLS: '250' };
      const outs = await Promise.all(
        [1, 2, 3, 4].map(() => run(process.execPath, ['--import', 'tsx', 'test/helpers/stampede-worker.ts'], { cwd: root, env, timeout: 60_000 })),
      );
      const results = outs.map((o) => JSON.parse(o.stdout) as { ok: number; failed: number; token: string; why: string[] });
      expect(results.flatMap((r) => r.why)).toEqual([]);
      expect(results.map((r) => r.ok)).toEqual([250, 250, 250, 250]);
      expect(new Set(results.map((r) => r.token)).size).toBe(1);
      expect(mock.stats().tokenRequests.total).toBe(1);
      expect(mock.stats().calls['getPhoneNumber']).toBe(1000);
    });
  });

  describe('Redis going away', () => {
    it('fails fast with an error naming Redis; recovers when Redis is back', async () => {
      const client = await clients[0]!.make();
      try {
        mock.reset();
        const mp = new MPTools({ ...DEFAULT_MOCK_APP, baseUrl: server.url, cache: new RedisCache({ client, commandTimeoutMs: 300 }) });
        expect((await mp.getPhoneNumber({ code: 'c' })).errcode).toBe(0);
        await redis.stop();
        const err = await mp.getPhoneNumber({ code: 'c' }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(WechatTokenError);
        expect((err as Error).message).toMatch(/^Redis cache: GET failed/);
        await redis.start();
        let r;
        for (let i = 0; i < 100; i++) {
          r = await mp.getPhoneNumber({ code: 'c' }).catch(() => undefined);
          if (r) break;
          await new Promise((res) => setTimeout(res, 50));
        }
        expect(r?.errcode).toBe(0);
      } finally {
        await clients[0]!.close(client);
      }
    });

    it("onFailure: 'memory' keeps working with a warning, and goes back to Redis", async () => {
      const warnings: string[] = [];
      const logger: Logger = { debug: () => {}, info: () => {}, error: () => {}, warn: (_o, m) => void warnings.push(String(m)) };
      const client = await clients[1]!.make();
      try {
        mock.reset();
        const cache = new RedisCache({ client, onFailure: 'memory', commandTimeoutMs: 300, logger });
        const mp = new MPTools({ ...DEFAULT_MOCK_APP, baseUrl: server.url, cache });
        expect((await mp.getPhoneNumber({ code: 'c' })).errcode).toBe(0);
        await redis.stop();
        const during = await Promise.all(Array.from({ length: 20 }, () => mp.getPhoneNumber({ code: 'c' })));
        expect(during.every((r) => r.errcode === 0)).toBe(true);
        expect(cache.degraded).toBe(true);
        expect(warnings.some((w) => w.includes('using the in-process cache'))).toBe(true);
        await redis.start();
        for (let i = 0; i < 100 && cache.degraded; i++) {
          await mp.getPhoneNumber({ code: 'c' });
          await new Promise((res) => setTimeout(res, 50));
        }
        expect(cache.degraded).toBe(false);
      } finally {
        await clients[1]!.close(client);
      }
    });
  });
});
