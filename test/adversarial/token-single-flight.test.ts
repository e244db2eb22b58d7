// Issue 13 "Trust", item 20: single-flight per (cache, appid, mode) in a process, whatever the
// number of client objects (serverless handlers build a client per request).
import { describe, expect, it } from 'vitest';
import { MemoryCache, MPTools, OATools, type TokenCache } from '../../src/index.js';
import { createMockWechat, DEFAULT_MOCK_APP } from '../../src/testing/index.js';

const app = DEFAULT_MOCK_APP;

describe('item 20: one refresh per cache, appid and mode in a process', () => {
  it('10 clients on one cache, concurrent cold calls → 1 token request', async () => {
    const mock = createMockWechat();
    const cache = new MemoryCache();
    const fetch = (r: Request) => mock.handle(r);
    const clients = Array.from({ length: 10 }, () => new MPTools({ ...app, cache, fetch }));
    const tokens = await Promise.all(clients.map((c) => c.getAccessToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(mock.stats().tokenRequests.total).toBe(1);
  });

  it('a client per request (serverless), 50 requests at once on a plain-object cache → 1 token request', async () => {
    const mock = createMockWechat();
    const store = new Map<string, unknown>();
    const cache: TokenCache = { get: async (k) => store.get(k), set: async (k, v) => void store.set(k, v), delete: async (k) => store.delete(k) };
    const fetch = (r: Request) => mock.handle(r);
    const rs = await Promise.all(Array.from({ length: 50 }, () => new MPTools({ ...app, cache, fetch, tokenMode: 'classic' }).getPhoneNumber({ code: 'c' })));
    expect(rs.every((r) => r.errcode === 0)).toBe(true);
    expect(mock.stats().tokenRequests.classic).toBe(1);
  });

  it('two modes or two caches are separate flights', async () => {
    const mock = createMockWechat();
    const fetch = (r: Request) => mock.handle(r);
    const cache = new MemoryCache();
    await Promise.all([new MPTools({ ...app, cache, fetch }).getAccessToken(), new MPTools({ ...app, cache, fetch, tokenMode: 'classic' }).getAccessToken()]);
    await Promise.all([new MPTools({ ...app, fetch }).getAccessToken(), new MPTools({ ...app, fetch }).getAccessToken()]);
    expect(mock.stats().tokenRequests).toEqual({ classic: 1, stable: 3, total: 4 });
  });

  it('sibling: JS-SDK tickets, 10 OA clients on one cache → 1 ticket request', async () => {
    const mock = createMockWechat();
    const cache = new MemoryCache();
    const fetch = (r: Request) => mock.handle(r);
    const tickets = await Promise.all(Array.from({ length: 10 }, () => new OATools({ ...app, cache, fetch }).getJsApiTicket()));
    expect(new Set(tickets).size).toBe(1);
    expect(mock.stats().calls['getTicket']).toBe(1);
  });
});
