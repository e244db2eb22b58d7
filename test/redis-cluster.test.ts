// Issue 13 "Where users outgrow one Redis": the token store, compare-and-delete and the refresh lock
// on a real 3-master Redis Cluster (started on free ports for this file, torn down after). The
// token key and its lock key hash to different slots: every command and script touches one key, so
// no hash tag is needed.
import { Cluster } from 'ioredis';
import { createCluster } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MPTools, RedisCache, type IoRedisLike, type NodeRedisLike } from '../src/index.js';
import { createMockWechat, DEFAULT_MOCK_APP } from '../src/testing/index.js';
import { canRunTopologies, TestCluster } from './helpers/redis-cluster.js';

const app = DEFAULT_MOCK_APP;
const tokenKey = `wechat-tools:access_token:classic:${app.appid}`;

describe.skipIf(!canRunTopologies)('Redis Cluster, 3 masters', { timeout: 60_000 }, () => {
  let cluster: TestCluster;
  const closers: (() => Promise<void> | void)[] = [];

  const ioCluster = async (): Promise<Cluster> => {
    const c = new Cluster(cluster.nodes, { enableOfflineQueue: false, redisOptions: { maxRetriesPerRequest: 1, autoResendUnfulfilledCommands: false } });
    c.on('error', () => {});
    closers.push(() => c.disconnect());
    if ((c.status as string) !== 'ready') await new Promise((r) => c.once('ready', r));
    return c;
  };
  const nodeCluster = async (): Promise<NodeRedisLike> => {
    const c = createCluster({ rootNodes: cluster.ports.map((p) => ({ url: `redis://127.0.0.1:${p}` })) });
    c.on('error', () => {});
    await c.connect();
    closers.push(() => c.destroy());
    return c as unknown as NodeRedisLike;
  };

  beforeAll(async () => {
    cluster = await TestCluster.start(3);
  }, 120_000);
  afterAll(async () => {
    for (const close of closers) await close();
    await cluster?.stop();
  });

  it('the token key and its lock key live in different slots', async () => {
    const c = await ioCluster();
    const [a, b] = await Promise.all([c.cluster('KEYSLOT', tokenKey), c.cluster('KEYSLOT', `${tokenKey}:refresh-lock`)]);
    expect(a).not.toBe(b);
  });

  describe.each([
    ['ioredis Cluster', async (): Promise<IoRedisLike | NodeRedisLike> => ioCluster()],
    ['node-redis createCluster', nodeCluster],
  ])('%s', (_name, connect) => {
    it('get/set/delete, deleteIfEquals and the lock work', async () => {
      const cache = new RedisCache({ client: await connect(), prefix: `t-${Math.random()}:` });
      const entry = { value: 'TOKEN_A', expiresAt: Date.now() + 60_000 };
      await cache.set('k', entry, 60_000);
      expect(await cache.get('k')).toEqual(entry);
      expect(await cache.deleteIfEquals('k', { ...entry, value: 'OTHER' })).toBe(false);
      expect(await cache.get('k')).toEqual(entry);
      expect(await cache.deleteIfEquals('k', entry)).toBe(true);
      expect(await cache.get('k')).toBeUndefined();
      const held = await cache.acquireLock('k:refresh-lock', 10_000);
      expect(held).toBeDefined();
      expect(await cache.acquireLock('k:refresh-lock', 10_000)).toBeUndefined();
      await cache.releaseLock('k:refresh-lock', 'not-mine');
      expect(await cache.acquireLock('k:refresh-lock', 10_000)).toBeUndefined();
      await cache.releaseLock('k:refresh-lock', held as string);
      expect(await cache.acquireLock('k:refresh-lock', 10_000)).toBeDefined();
    });

    it('4 "processes" × 50 concurrent cold calls (classic) → 1 token request; a rejected token → 1 refresh for all', async () => {
      const mock = createMockWechat({ tokenOverlapSeconds: 0 });
      const prefix = `p-${Math.random()}:`;
      const clients = await Promise.all(
        [1, 2, 3, 4].map(async () => new MPTools({ ...app, tokenMode: 'classic', cache: new RedisCache({ client: await connect(), prefix }), fetch: (r) => mock.handle(r) })),
      );
      const burst = () => Promise.all(clients.flatMap((c) => Array.from({ length: 50 }, () => c.getPhoneNumber({ code: 'c' }))));
      const first = await burst();
      expect(first.every((r) => r.errcode === 0)).toBe(true);
      expect(mock.stats().tokenRequests.classic).toBe(1);
      const tokens = await Promise.all(clients.map((c) => c.getAccessToken()));
      expect(new Set(tokens).size).toBe(1);
      mock.expireTokens(); // WeChat now answers 42001 to that token
      const second = await burst();
      expect(second.every((r) => r.errcode === 0)).toBe(true);
      expect(mock.stats().tokenRequests.classic).toBe(2);
    });
  });
});
