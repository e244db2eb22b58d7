// Issue 13 "Trust": no ghost commands after a Redis restart. ioredis queues commands while
// disconnected (offline queue) and sends them on reconnect: a token write, a DEL or a refresh lock
// that the caller already gave up on would run later. RedisCache sends nothing while the
// connection is not ready, whatever the client's settings.
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisCache, type NodeRedisLike } from '../../src/index.js';
import { hasRedisBinary, TestRedis } from '../helpers/redis-server.js';

describe.skipIf(!hasRedisBinary)('Redis restart: no ghost commands', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await TestRedis.start();
  });
  afterAll(async () => {
    await redis.stop();
  });

  it('ioredis with default options: writes and locks during the outage never run later', { timeout: 30_000 }, async () => {
    const conn = new Redis({ port: redis.port, host: '127.0.0.1', retryStrategy: () => 50 });
    conn.on('error', () => {});
    await new Promise((r) => conn.once('ready', r));
    try {
      const cache = new RedisCache({ client: conn, commandTimeoutMs: 200 });
      await redis.stop();
      // once the client knows (a command already on the wire when Redis dies is another matter:
      // ioredis resends it unless autoResendUnfulfilledCommands is false — see the README)
      while (conn.status === 'ready') await new Promise((r) => setTimeout(r, 10));
      await expect(cache.set('ghost-set', { value: 'x', expiresAt: 1 }, 60_000)).rejects.toThrow(/Redis cache: SET failed/);
      await expect(cache.acquireLock('ghost-lock', 60_000)).rejects.toThrow(/Redis cache/);
      await redis.start();
      if ((conn.status as string) !== 'ready') await new Promise((r) => conn.once('ready', r));
      await conn.ping(); // anything queued before was sent before this
      expect(await conn.exists('ghost-set', 'ghost-lock')).toBe(0);
    } finally {
      conn.disconnect();
    }
  });

  it('node-redis with its offline queue: the same', { timeout: 30_000 }, async () => {
    const conn = await createClient({ url: redis.url, socket: { reconnectStrategy: () => 50 } })
      .on('error', () => {})
      .connect();
    try {
      const cache = new RedisCache({ client: conn as unknown as NodeRedisLike, commandTimeoutMs: 200 });
      await redis.stop();
      while (conn.isReady) await new Promise((r) => setTimeout(r, 10));
      await expect(cache.set('ghost-set', { value: 'x', expiresAt: 1 }, 60_000)).rejects.toThrow(/Redis cache: SET failed/);
      await redis.start();
      for (let i = 0; i < 200 && !conn.isReady; i++) await new Promise((r) => setTimeout(r, 25));
      await conn.ping();
      expect(await conn.exists('ghost-set')).toBe(0);
    } finally {
      conn.destroy();
    }
  });
});
