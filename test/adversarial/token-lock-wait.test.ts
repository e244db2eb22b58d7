// Issue 13 "Trust", item 18: waiters on the cross-process refresh lock wait as long as the holder
// may take (lock TTL ≥ the token fetch's bound, wait ≥ TTL). 4 "processes" (clients with their own
// Redis connection) and a token endpoint that answers only after 6 s (more than the old 5 s wait,
// less than the 10 s request timeout).
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MPTools, RedisCache, WechatAbortError, WechatTokenError, WechatToolsError } from '../../src/index.js';
import { TokenManager, type TokenStore } from '../../src/token/manager.js';
import { createMockWechat, DEFAULT_MOCK_APP } from '../../src/testing/index.js';
import { hasRedisBinary, TestRedis } from '../helpers/redis-server.js';

const app = DEFAULT_MOCK_APP;

describe.skipIf(!hasRedisBinary)('item 18: the refresh lock outlasts a slow token endpoint', () => {
  let redis: TestRedis;
  const conns: Redis[] = [];
  beforeAll(async () => {
    redis = await TestRedis.start();
  });
  afterAll(async () => {
    for (const c of conns) c.disconnect();
    await redis.stop();
  });

  it('4 processes, a 6 s classic token endpoint → 1 token request, 1 token', { timeout: 60_000 }, async () => {
    const mock = createMockWechat();
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    const timer = setTimeout(() => release(), 6_000);
    let tokenRequests = 0;
    const fetch = async (r: Request) => {
      if (r.url.includes('/cgi-bin/token')) {
        tokenRequests++;
        await held;
      }
      return mock.handle(r);
    };
    const clients = [1, 2, 3, 4].map(() => {
      const conn = new Redis({ port: redis.port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
      conns.push(conn);
      return new MPTools({ ...app, tokenMode: 'classic', cache: new RedisCache({ client: conn }), fetch });
    });
    const tokens = await Promise.all(clients.map((c) => c.getAccessToken()));
    clearTimeout(timer);
    expect(tokenRequests).toBe(1);
    expect(new Set(tokens).size).toBe(1);
    expect(mock.stats().tokenRequests.classic).toBe(1);
  });

  it('lock TTL and wait are client options; a wait shorter than the TTL is refused', () => {
    const cache = new RedisCache({ client: new Redis({ port: redis.port, lazyConnect: true }) });
    expect(() => new MPTools({ ...app, cache, tokenLockTtlMs: 30_000, tokenLockWaitMs: 31_000 })).not.toThrow();
    expect(() => new MPTools({ ...app, cache, tokenLockTtlMs: 30_000, tokenLockWaitMs: 5_000 })).toThrow(WechatToolsError);
    expect(() => new MPTools({ ...app, cache, tokenLockTtlMs: 30_000, tokenLockWaitMs: 5_000 })).toThrow(/tokenLockWaitMs/);
  });
});

describe('the lock wait is bounded, and a caller can stop waiting', () => {
  const store = (): TokenStore => {
    const m = new Map<string, unknown>();
    return {
      get: async (k) => m.get(k),
      set: async (k, v) => void m.set(k, v),
      delete: async (k) => void m.delete(k),
      // a lock someone else holds for ever (holders keep replacing each other)
      lock: { acquire: async () => undefined, release: async () => {} },
    };
  };

  it('a lock that never frees ends in a WechatTokenError naming the lock, not in a second fetch', async () => {
    let fetches = 0;
    const m = new TokenManager({ key: 'k', store: store(), fetch: async () => (fetches++, { value: 'T', expiresIn: 7200 }), lockTtlMs: 20, lockWaitMs: 40, pollMs: 5 });
    const err = await m.get().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WechatTokenError);
    expect((err as Error).message).toMatch(/waiting 40 ms for another process's refresh \(lock k:refresh-lock still held\)/);
    expect(fetches).toBe(0);
  });

  it("an aborted signal stops this caller's wait (WechatAbortError), not the shared refresh", async () => {
    let release: (v: { value: string; expiresIn: number }) => void = () => {};
    const m = new TokenManager({ key: 'k', store: { ...store(), lock: undefined }, fetch: () => new Promise((r) => (release = r)) });
    const shared = m.get();
    const ac = new AbortController();
    const mine = m.get(ac.signal);
    ac.abort();
    await expect(mine).rejects.toBeInstanceOf(WechatAbortError);
    release({ value: 'T', expiresIn: 7200 });
    expect(await shared).toBe('T');
  });
});
