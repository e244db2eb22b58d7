// Issue 13 "Trust", item 19: the races around invalidate, the lock release, the accessToken seed
// and the remembered failed token.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MPTools, RedisCache, WechatTokenError, type Logger, type TokenCache } from '../../src/index.js';
import { createMockWechat, DEFAULT_MOCK_APP } from '../../src/testing/index.js';
import { hasRedisBinary, TestRedis } from '../helpers/redis-server.js';

const app = DEFAULT_MOCK_APP;
const keyOf = (mode: string) => `wechat-tools:access_token:${mode}:${app.appid}`;

describe('item 19: the accessToken seed', () => {
  it('two concurrent first calls with passiveAccessToken: false both get the seed', async () => {
    const mp = new MPTools({ appid: app.appid, passiveAccessToken: false, accessToken: 'SEEDED_TOKEN' });
    expect(await Promise.all([mp.getAccessToken(), mp.getAccessToken(), mp.getAccessToken()])).toEqual(['SEEDED_TOKEN', 'SEEDED_TOKEN', 'SEEDED_TOKEN']);
  });

  it('a failing first cache read does not lose the seed (no token is fetched)', async () => {
    const mock = createMockWechat();
    const store = new Map<string, unknown>();
    let failReads = 1;
    const cache: TokenCache = {
      get: async (k) => {
        if (failReads-- > 0) throw new Error('cache down');
        return store.get(k);
      },
      set: async (k, v) => void store.set(k, v),
    };
    const mp = new MPTools({ ...app, cache, accessToken: 'SEEDED_TOKEN', fetch: (r) => mock.handle(r) });
    await expect(mp.getAccessToken()).rejects.toThrow(/cache down/);
    expect(await mp.getAccessToken()).toBe('SEEDED_TOKEN');
    expect(mock.stats().tokenRequests.total).toBe(0);
  });

  it('a seed is not written over a token already in a shared cache', async () => {
    const mock = createMockWechat();
    const cache = new (await import('../../src/index.js')).MemoryCache();
    const fetch = (r: Request) => mock.handle(r);
    const first = await new MPTools({ ...app, cache, fetch }).getAccessToken();
    expect(await new MPTools({ ...app, cache, fetch, accessToken: 'OLD_SEED' }).getAccessToken()).toBe(first);
  });
});

describe.skipIf(!hasRedisBinary)('item 19 on Redis', () => {
  let redis: TestRedis;
  let raw: Redis;
  const conns: Redis[] = [];
  const connect = () => {
    const c = new Redis({ port: redis.port, host: '127.0.0.1', maxRetriesPerRequest: 1, enableOfflineQueue: false, autoResendUnfulfilledCommands: false });
    c.on('error', () => {});
    conns.push(c);
    return c;
  };
  const ready = async (c: Redis) => {
    if (c.status !== 'ready') await new Promise((r) => c.once('ready', r));
    return c;
  };
  beforeAll(async () => {
    redis = await TestRedis.start();
    raw = await ready(connect());
  });
  afterAll(async () => {
    for (const c of conns) c.disconnect();
    await redis.stop();
  });

  it('invalidate never deletes a token another process stored between its read and its delete', async () => {
    await raw.flushdb();
    const mock = createMockWechat();
    const conn = await ready(connect());
    let between: (() => Promise<void>) | undefined;
    // The connection as the client sees it: after a read of the token key, "another process" writes.
    const hooked = new Proxy(conn, {
      get(target, prop, receiver) {
        if (prop === 'get') {
          return async (k: string) => {
            const v = await target.get(k);
            const h = between;
            between = undefined;
            if (h) await h();
            return v;
          };
        }
        const value = Reflect.get(target, prop, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const mp = new MPTools({ ...app, tokenMode: 'classic', cache: new RedisCache({ client: hooked }), fetch: (r) => mock.handle(r) });
    const t1 = await mp.getAccessToken();
    const t2entry = JSON.stringify({ value: 'T2_FROM_ANOTHER_PROCESS', expiresAt: Date.now() + 3_600_000 });
    between = async () => void (await raw.set(keyOf('classic'), t2entry, 'PX', 3_600_000));
    expect(await mp.invalidateAccessToken(t1)).toBe(false);
    expect(await raw.get(keyOf('classic'))).toBe(t2entry);
    expect(await mp.getAccessToken()).toBe('T2_FROM_ANOTHER_PROCESS');
  });

  it('a failed lock release is logged, not thrown: the fetched token is kept and returned', async () => {
    await raw.flushdb();
    const mock = createMockWechat();
    const warnings: string[] = [];
    const logger: Logger = { debug: () => {}, info: () => {}, error: (_o, m) => void warnings.push(String(m)), warn: (_o, m) => void warnings.push(String(m)) };
    class BrokenRelease extends RedisCache {
      override async releaseLock(): Promise<void> {
        throw new WechatTokenError('Redis cache: EVAL (unlock) failed: connection reset');
      }
    }
    const mp = new MPTools({ ...app, cache: new BrokenRelease({ client: await ready(connect()) }), fetch: (r) => mock.handle(r), logger });
    const t = await mp.getAccessToken();
    expect(t).toMatch(/^MOCK_STABLE_/);
    expect(JSON.parse((await raw.get(keyOf('stable'))) ?? '{}').value).toBe(t);
    expect(await mp.getAccessToken()).toBe(t);
    expect(mock.stats().tokenRequests.total).toBe(1);
    expect(warnings.some((w) => /releasing the token refresh lock failed/.test(w))).toBe(true);
  });

  it('the remembered failed token is cleared after the refresh: no redundant stable_token fetch', async () => {
    await raw.flushdb();
    const mock = createMockWechat();
    let openGate: () => void = () => {};
    const gate = new Promise<void>((r) => (openGate = r));
    let bFetching: () => void = () => {};
    const bInFetch = new Promise<void>((r) => (bFetching = r));
    class Watched extends RedisCache {
      override async acquireLock(key: string, ttlMs: number): Promise<string | undefined> {
        const t = await super.acquireLock(key, ttlMs);
        if (t === undefined) openGate(); // A is now waiting on B's lock
        return t;
      }
    }
    const a = new MPTools({ ...app, cache: new Watched({ client: await ready(connect()) }), fetch: (r) => mock.handle(r) });
    const b = new MPTools({
      ...app,
      cache: new RedisCache({ client: await ready(connect()) }),
      fetch: async (r) => {
        if (r.url.includes('/cgi-bin/stable_token')) {
          bFetching();
          await gate;
        }
        return mock.handle(r);
      },
    });
    const t1 = await a.getAccessToken(); // 1
    expect(await a.invalidateAccessToken(t1)).toBe(true);
    expect(await a.getAccessToken()).toBe(t1); // 2: stable_token answers the same token
    await raw.del(keyOf('stable')); // it expires from the cache
    const pb = b.getAccessToken(); // 3: B holds the lock
    await bInFetch;
    const pa = a.getAccessToken(); // A waits for B's token, which is t1 again, and takes it
    expect(await Promise.all([pa, pb])).toEqual([t1, t1]);
    expect(mock.stats().tokenRequests.stable).toBe(3);
  });
});
