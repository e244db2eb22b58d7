// Issue 13 items 9 and 10: dedupe claims a key atomically (SET NX on Redis), and an event's key holds
// every field that makes it distinct.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPushHandler, RedisCache, type NodeRedisLike, type PushMessage } from '../../src/index.js';
import { hasRedisBinary, TestRedis } from '../helpers/redis-server.js';
import { appid, plainQuery, post, textXml, token } from './push-helpers.js';

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('atomic claim', () => {
  it('20 copies of one message in one tick run onMessage once (in-memory cache)', async () => {
    let calls = 0;
    const push = createPushHandler({ token, appid }, async () => {
      calls++;
      await tick();
    });
    const body = textXml('dup', '5000000000000000001');
    const answers = await Promise.all(Array.from({ length: 20 }, () => push.fetch(post(plainQuery(), body))));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(calls).toBe(1);
  });

  it('a cache without add() still runs in-process duplicates once', async () => {
    let calls = 0;
    const map = new Map<string, unknown>();
    const cache = { get: async (k: string) => map.get(k), set: async (k: string, v: unknown) => void map.set(k, v), delete: async (k: string) => map.delete(k) };
    const push = createPushHandler({ token, appid, dedupe: { cache } }, async () => {
      calls++;
      await tick();
    });
    const body = textXml('dup', '5000000000000000002');
    await Promise.all(Array.from({ length: 20 }, () => push.fetch(post(plainQuery(), body))));
    expect(calls).toBe(1);
  });
});

describe.skipIf(!hasRedisBinary)('atomic claim on a real redis-server', () => {
  let redis: TestRedis;
  let clients: Redis[] = [];
  let servers: Server[] = [];
  let calls = 0;
  const bases: string[] = [];

  beforeAll(async () => {
    redis = await TestRedis.start();
    // two "processes": two handlers, two Redis connections, two HTTP servers
    for (let i = 0; i < 2; i++) {
      const client = new Redis({ port: redis.port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
      clients.push(client);
      const push = createPushHandler({ token, appid, dedupe: { cache: new RedisCache({ client }) } }, async () => {
        calls++;
        await tick();
      });
      const server = createServer((req, res) => void push.node(req, res));
      servers.push(server);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      bases.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}/wechat`);
    }
  });
  afterAll(async () => {
    for (const s of servers) await new Promise<void>((r) => s.close(() => r()));
    for (const c of clients) c.disconnect();
    await redis?.stop();
    servers = [];
    clients = [];
  });

  it('10 concurrent copies over HTTP, across two handlers sharing Redis, run onMessage once', async () => {
    const body = textXml('dup over http', '5000000000000000003');
    const statuses = await Promise.all(Array.from({ length: 10 }, (_, i) => fetch(`${bases[i % 2]}?${plainQuery()}`, { method: 'POST', body }).then((r) => r.status)));
    expect(statuses).toEqual(Array(10).fill(200));
    expect(calls).toBe(1);
  });

  it('RedisCache.add is SET NX: true for the first caller only', async () => {
    const cache = new RedisCache({ client: clients[0] as Redis });
    expect(await cache.add('wechat-tools:test:add', 1, 10_000)).toBe(true);
    expect(await cache.add('wechat-tools:test:add', 2, 10_000)).toBe(false);
    expect(await cache.get('wechat-tools:test:add')).toBe(1);
  });

  it('RedisCache.add over node-redis is SET NX too', async () => {
    const client = await createClient({ url: redis.url }).on('error', () => {}).connect();
    try {
      const cache = new RedisCache({ client: client as unknown as NodeRedisLike });
      const results = await Promise.all(Array.from({ length: 10 }, () => cache.add('wechat-tools:test:add-node', 1, 10_000)));
      expect(results.filter(Boolean)).toHaveLength(1);
    } finally {
      client.destroy();
    }
  });
});

describe('event dedupe key', () => {
  const event = (from: string, fields: string) => `<xml><ToUserName><![CDATA[gh_app]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>1700000001</CreateTime><MsgType><![CDATA[event]]></MsgType>${fields}</xml>`;

  it('two CLICKs with different EventKey by one user in one second both arrive; a retry does not', async () => {
    const got: PushMessage[] = [];
    const push = createPushHandler({ token, appid }, (m) => void got.push(m));
    const a = event('u_click', '<Event><![CDATA[CLICK]]></Event><EventKey><![CDATA[MENU_A]]></EventKey>');
    const b = event('u_click', '<Event><![CDATA[CLICK]]></Event><EventKey><![CDATA[MENU_B]]></EventKey>');
    for (const body of [a, b, a]) expect((await push.fetch(post(plainQuery(), body))).status).toBe(200);
    expect(got.map((m) => (m.kind === 'event:CLICK' ? m.EventKey : m.kind))).toEqual(['MENU_A', 'MENU_B']);
  });

  it('two TEMPLATESENDJOBFINISH with different MsgID both arrive', async () => {
    const got: PushMessage[] = [];
    const push = createPushHandler({ token, appid }, (m) => void got.push(m));
    const job = (id: string) => event('u_tpl', `<Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event><MsgID>${id}</MsgID><Status><![CDATA[success]]></Status>`);
    for (const body of [job('3487542469355618313'), job('3487542469355618314'), job('3487542469355618313')]) await push.fetch(post(plainQuery(), body));
    expect(got.map((m) => (m.kind === 'event:TEMPLATESENDJOBFINISH' ? m.MsgID : m.kind))).toEqual(['3487542469355618313', '3487542469355618314']);
  });

  it('a MsgId that is not a scalar does not merge different messages into one key', async () => {
    const got: PushMessage[] = [];
    const push = createPushHandler({ token, appid }, (m) => void got.push(m));
    const odd = (c: string) => `<xml><ToUserName>gh</ToUserName><FromUserName>u_odd</FromUserName><CreateTime>1</CreateTime><MsgType>newtype</MsgType><Content>${c}</Content><MsgId><a>1</a></MsgId></xml>`;
    for (const body of [odd('one'), odd('two')]) await push.fetch(post(plainQuery(), body));
    expect(got).toHaveLength(2);
  });
});
