// Issue 13 "Where users outgrow one Redis": Redis Sentinel. A master, a replica and a sentinel
// (started on free ports for this file); two "processes" share the token through ioredis's
// sentinel support; the master is killed mid-run and the sentinel promotes the replica.
// Expected: during the failover window a clear error naming Redis (never a hang, never a token in
// the message); after it, the token replicated before the failure is still there (no new token
// request) and the lock is free; a rejected token is still refreshed once for everybody.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MPTools, RedisCache, WechatTokenError } from '../src/index.js';
import { createMockWechat, DEFAULT_MOCK_APP } from '../src/testing/index.js';
import { canRunTopologies, command, TestSentinel } from './helpers/redis-cluster.js';

const app = DEFAULT_MOCK_APP;
const tokenKey = `wechat-tools:access_token:classic:${app.appid}`;

describe.skipIf(!canRunTopologies)('Redis Sentinel failover', () => {
  let sentinel: TestSentinel;
  const conns: Redis[] = [];

  beforeAll(async () => {
    sentinel = await TestSentinel.start();
  }, 60_000);
  afterAll(async () => {
    for (const c of conns) c.disconnect();
    await sentinel?.stop();
  });

  const connect = async (): Promise<Redis> => {
    const c = new Redis({
      sentinels: [{ host: '127.0.0.1', port: sentinel.sentinelPort }],
      name: sentinel.name,
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 1,
      sentinelRetryStrategy: () => 100,
      retryStrategy: () => 100,
    });
    c.on('error', () => {});
    conns.push(c);
    if ((c.status as string) !== 'ready') await new Promise((r) => c.once('ready', r));
    return c;
  };

  it('a replica promoted mid-run: clear errors in the window, then the same token and one refresh per rejection', { timeout: 90_000 }, async () => {
    const mock = createMockWechat({ tokenOverlapSeconds: 0 });
    const clients = await Promise.all([1, 2].map(async () => new MPTools({ ...app, tokenMode: 'classic', cache: new RedisCache({ client: await connect(), commandTimeoutMs: 300 }), fetch: (r) => mock.handle(r), retry: false })));
    const burst = () => Promise.allSettled(clients.flatMap((c) => Array.from({ length: 20 }, () => c.getPhoneNumber({ code: 'c' }))));

    const before = await burst();
    expect(before.every((r) => r.status === 'fulfilled' && r.value.errcode === 0)).toBe(true);
    expect(mock.stats().tokenRequests.classic).toBe(1);
    const token = await clients[0]!.getAccessToken();
    // the replica has the token before the master dies (replication is asynchronous)
    expect(await command(sentinel.masterPort, 'WAIT 1 5000')).toBe(':1\r\n');

    await sentinel.killMaster();
    const during = await burst();
    const errors = during.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) {
      expect(e).toBeInstanceOf(WechatTokenError);
      expect(e.message).toMatch(/^Redis cache: (GET|SET|SET NX \(lock\)|EVAL \(\w[^)]*\)) failed/);
      expect(e.message).not.toContain(token);
    }
    expect(mock.stats().tokenRequests.classic).toBe(1); // nobody fetched a token while Redis was away

    await sentinel.waitForFailover();
    let after: Awaited<ReturnType<typeof burst>> = [];
    for (let i = 0; i < 200; i++) {
      after = await burst();
      if (after.every((r) => r.status === 'fulfilled')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(after.every((r) => r.status === 'fulfilled' && r.value.errcode === 0)).toBe(true);
    expect(await Promise.all(clients.map((c) => c.getAccessToken()))).toEqual([token, token]);
    expect(mock.stats().tokenRequests.classic).toBe(1); // the token survived the failover
    expect(await command(sentinel.replicaPort, `EXISTS ${tokenKey}:refresh-lock`)).toBe(':0\r\n');

    mock.expireTokens();
    const refreshed = await burst();
    expect(refreshed.every((r) => r.status === 'fulfilled' && r.value.errcode === 0)).toBe(true);
    expect(mock.stats().tokenRequests.classic).toBe(2);
  });
});
