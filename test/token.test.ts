// The access_token: single-flight, one retry on token errors, bounded retries, passive mode off,
// central token URL, shared caches (plain object and Keyv), stable vs classic.
import Keyv from 'keyv';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MPTools, OATools, WechatError, WechatTokenError, type AccessTokenProvider, type TokenCache } from '../src/index.js';
import { createMockWechat, DEFAULT_MOCK_APP } from '../src/testing/index.js';

const mock = createMockWechat({ tokenOverlapSeconds: 0 });
const TOKEN_URL = 'https://tokens.example.internal/token';
let tokenUrlCalls: { appid: unknown; secret: unknown; auth: string | null }[] = [];
const server = setupServer(
  http.post(TOKEN_URL, async ({ request }) => {
    const body = (await request.json()) as Record<string, unknown>;
    tokenUrlCalls.push({ appid: body['appid'], secret: body['secret'], auth: request.headers.get('authorization') });
    // The central service hands out tokens from the (mock) WeChat it fronts.
    const r = mock.tokens.stable(String(body['appid']), false);
    return HttpResponse.json(r);
  }),
  ...mock.handlers,
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  mock.reset();
  tokenUrlCalls = [];
});
afterAll(() => server.close());

const app = DEFAULT_MOCK_APP;
const code = { code: 'e31968a7f94cc5ee25fafc2aef2773f0bb8c3937b22520eb8ee345274d00c144' };

describe('single-flight', () => {
  it('100 concurrent calls on a cold cache make exactly one token request', async () => {
    const mp = new MPTools(app);
    const results = await Promise.all(Array.from({ length: 100 }, () => mp.getPhoneNumber(code)));
    expect(results.every((r) => r.errcode === 0)).toBe(true);
    expect(mock.stats().tokenRequests.total).toBe(1);
    expect(mock.stats().calls['getPhoneNumber']).toBe(100);
  });

  it('getAccessToken() returns the cached token without asking again', async () => {
    const mp = new MPTools(app);
    const a = await mp.getAccessToken();
    const b = await mp.getAccessToken();
    expect(a).toBe(b);
    expect(a).toMatch(/^MOCK_STABLE_/);
    expect(mock.stats().tokenRequests.stable).toBe(1);
  });
});

describe('token errors: refresh and retry once', () => {
  it.each([40001, 40014, 42001])('errcode %i → new token, one retry, success', async (errcode) => {
    const mp = new MPTools({ ...app, tokenMode: 'classic' });
    const first = await mp.getAccessToken();
    mock.failNext('getPhoneNumber', errcode);
    const r = await mp.getPhoneNumber(code);
    expect(r.errcode).toBe(0);
    expect(mock.stats().calls['getPhoneNumber']).toBe(2);
    expect(mock.stats().tokenRequests.classic).toBe(2);
    expect(await mp.getAccessToken()).not.toBe(first);
  });

  it('a token expired on the server (42001) is absorbed', async () => {
    const mp = new MPTools(app);
    await mp.getPhoneNumber(code);
    mock.expireTokens();
    const r = await mp.getPhoneNumber(code);
    expect(r.errcode).toBe(0);
    expect(mock.stats().errcodes['42001']).toBe(1);
    expect(mock.stats().tokenRequests.total).toBe(2);
  });

  it('a persistent 42001 comes back after exactly one retry (no loop)', async () => {
    const mp = new MPTools(app);
    mock.on('getPhoneNumber', { errcode: 42001, errmsg: 'access_token expired' });
    const r = await mp.getPhoneNumber(code);
    expect(r.errcode).toBe(42001);
    expect(r.ok).toBe(false);
    expect(mock.stats().calls['getPhoneNumber']).toBe(2);
    expect(mock.stats().tokenRequests.total).toBe(2);
  });

  it('a persistent token error throws WechatError with throwOnError', async () => {
    const mp = new MPTools({ ...app, throwOnError: true });
    mock.on('getPhoneNumber', { errcode: 40001, errmsg: 'invalid credential' });
    const err = await mp.getPhoneNumber(code).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WechatError);
    expect((err as WechatError).errcode).toBe(40001);
    expect((err as WechatError).operation).toBe('getPhoneNumber');
    expect(mock.stats().calls['getPhoneNumber']).toBe(2);
  });

  it('only the token that failed is invalidated (a newer one another client cached is kept)', async () => {
    const store = new Map<string, unknown>();
    const shared: TokenCache = { get: (k) => store.get(k), set: (k, v) => void store.set(k, v), delete: (k) => store.delete(k) };
    const a = new MPTools({ ...app, cache: shared, tokenMode: 'classic' });
    const b = new MPTools({ ...app, cache: shared, tokenMode: 'classic' });
    const t1 = await a.getAccessToken();
    let fresh = '';
    // While a's call with t1 is in flight, b refreshes (t2 replaces t1), then WeChat rejects t1.
    mock.on('getPhoneNumber', async (req) => {
      if (req.query['access_token'] !== t1) return { errcode: 0, errmsg: 'ok' };
      fresh = await b.refreshAccessToken();
      return { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' };
    });
    const r = await a.getPhoneNumber(code);
    expect(r.errcode).toBe(0);
    expect(fresh).not.toBe(t1);
    expect(await a.getAccessToken()).toBe(fresh);
    // t1 by a, t2 by b, and no third: a reused b's token instead of dropping it
    expect(mock.stats().tokenRequests.classic).toBe(2);
    expect(mock.stats().calls['getPhoneNumber']).toBe(2);
  });

  it('a per-call accessToken is never refreshed', async () => {
    const mp = new MPTools(app);
    const r = await mp.getPhoneNumber(code, { accessToken: 'GIVEN_BY_CALLER' });
    expect(r.errcode).toBe(40001);
    expect(mock.stats().calls['getPhoneNumber']).toBe(1);
    expect(mock.stats().tokenRequests.total).toBe(0);
  });
});

describe('passiveAccessToken: false', () => {
  it('never fetches a token; uses the one set', async () => {
    const mp = new MPTools({ ...app, passiveAccessToken: false });
    await expect(mp.getPhoneNumber(code)).rejects.toBeInstanceOf(WechatTokenError);
    const issued = mock.tokens.stable(app.appid, false);
    if ('errcode' in issued) throw new Error('no token');
    await mp.setAccessToken(issued.access_token, issued.expires_in);
    expect((await mp.getPhoneNumber(code)).errcode).toBe(0);
    expect(mock.stats().tokenRequests.total).toBe(0);
  });

  it('a token error is returned, not refreshed', async () => {
    const mp = new MPTools({ ...app, passiveAccessToken: false, accessToken: 'SET_BY_HAND' });
    const r = await mp.getPhoneNumber(code);
    expect(r.errcode).toBe(40001);
    expect(mock.stats().calls['getPhoneNumber']).toBe(1);
    expect(mock.stats().tokenRequests.total).toBe(0);
  });
});

describe('getAccessTokenUrl (central token service)', () => {
  it('replaces WeChat as the token source and sends the seed protocol', async () => {
    const mp = new MPTools({ ...app, getAccessTokenUrl: TOKEN_URL, getAccessTokenHeaders: { authorization: 'Bearer k' } });
    const results = await Promise.all(Array.from({ length: 10 }, () => mp.getPhoneNumber(code)));
    expect(results.every((r) => r.errcode === 0)).toBe(true);
    expect(tokenUrlCalls).toEqual([{ appid: app.appid, secret: app.secret, auth: 'Bearer k' }]);
    expect(mock.stats().tokenRequests.total).toBe(0);
  });

  it('refreshes from the URL after a token error', async () => {
    const mp = new MPTools({ ...app, getAccessTokenUrl: TOKEN_URL });
    await mp.getAccessToken();
    mock.expireTokens();
    expect((await mp.getPhoneNumber(code)).errcode).toBe(0);
    expect(tokenUrlCalls.length).toBe(2);
  });
});

describe('accessTokenProvider (the seam)', () => {
  it('replaces the client\'s own fetching: no secret, invalidate(failed) on a token error, one retry', async () => {
    let current = 'PROVIDED_1';
    const invalidated: string[] = [];
    const provider: AccessTokenProvider = {
      get: async () => current,
      invalidate: async (failed) => {
        invalidated.push(failed);
        if (failed === current) current = 'PROVIDED_2';
      },
    };
    const seen: unknown[] = [];
    const fetch = async (req: Request) => {
      const t = new URL(req.url).searchParams.get('access_token');
      seen.push(t);
      return Response.json(t === 'PROVIDED_1' ? { errcode: 40001, errmsg: 'invalid credential rid: x' } : { errcode: 0, errmsg: 'ok', phone_info: { phoneNumber: '1' } });
    };
    const mp = new MPTools({ appid: app.appid, accessTokenProvider: provider, validateResponses: 'off', fetch });
    const r = await mp.getPhoneNumber(code);
    expect(r.errcode).toBe(0);
    expect(seen).toEqual(['PROVIDED_1', 'PROVIDED_2']);
    expect(invalidated).toEqual(['PROVIDED_1']);
    expect(await mp.getAccessToken()).toBe('PROVIDED_2');
    expect(mock.stats().tokenRequests.total).toBe(0);
  });

  it('invalidateAccessToken(failed) drops the cached token only if it is still the current one', async () => {
    const mp = new MPTools({ ...app, tokenMode: 'classic' });
    const t1 = await mp.getAccessToken();
    expect(await mp.invalidateAccessToken('SOMETHING_ELSE')).toBe(false);
    expect(await mp.getAccessToken()).toBe(t1);
    expect(await mp.invalidateAccessToken(t1)).toBe(true);
    const t2 = await mp.getAccessToken();
    expect(t2).not.toBe(t1);
    expect(await mp.invalidateAccessToken(t1)).toBe(false);
    expect(await mp.getAccessToken()).toBe(t2);
  });
});

describe('caches', () => {
  it('one custom cache shared by two clients reuses the token', async () => {
    const store = new Map<string, unknown>();
    const cache: TokenCache = { get: async (k) => store.get(k), set: async (k, v) => void store.set(k, v) };
    const a = new MPTools({ ...app, cache });
    const b = new MPTools({ ...app, cache });
    await a.getPhoneNumber(code);
    await b.getPhoneNumber(code);
    expect(mock.stats().tokenRequests.total).toBe(1);
    expect([...store.keys()]).toEqual([`wechat-tools:access_token:stable:${app.appid}`]);
  });

  it('a Keyv instance works as the cache unchanged', async () => {
    const keyv = new Keyv();
    const a = new MPTools({ ...app, cache: keyv });
    const b = new OATools({ ...app, cache: keyv });
    expect(await a.getAccessToken()).toBe(await b.getAccessToken());
    expect(mock.stats().tokenRequests.total).toBe(1);
  });

  it('keys include appid and mode: two apps or two modes never collide', async () => {
    const other = { appid: 'wx1111mock1111app', secret: 's2' };
    const m2 = createMockWechat({ apps: [app, other] });
    const store = new Map<string, unknown>();
    const cache: TokenCache = { get: (k) => store.get(k), set: (k, v) => void store.set(k, v) };
    const fetch = (r: Request) => m2.handle(r);
    await new MPTools({ ...app, cache, fetch }).getAccessToken();
    await new MPTools({ ...other, cache, fetch }).getAccessToken();
    await new MPTools({ ...app, cache, fetch, tokenMode: 'classic' }).getAccessToken();
    expect([...store.keys()].sort()).toEqual([
      `wechat-tools:access_token:classic:${app.appid}`,
      `wechat-tools:access_token:stable:${app.appid}`,
      `wechat-tools:access_token:stable:${other.appid}`,
    ]);
    expect(m2.stats().tokenRequests).toEqual({ classic: 1, stable: 2, total: 3 });
  });

  it('a subclass can override getCache/setCache/deleteCache', async () => {
    const seen: string[] = [];
    class Traced extends MPTools {
      override getCache(key: string) {
        seen.push(`get ${key}`);
        return super.getCache(key);
      }
      override setCache(key: string, value: unknown, ttl?: number) {
        seen.push(`set ${key}`);
        return super.setCache(key, value, ttl);
      }
    }
    await new Traced(app).getAccessToken();
    expect(seen).toContain(`set wechat-tools:access_token:stable:${app.appid}`);
  });

  // A call reads the token without a promise when the cache answers at once: it must still go through
  // getCache (and a getAccessToken override), read every time, and scrub what a failing cache throws.
  it('calls read the token through getCache each time (the synchronous fast path)', async () => {
    let reads = 0;
    class Counted extends MPTools {
      override getCache(key: string) {
        reads++;
        return super.getCache(key);
      }
    }
    const mp = new Counted(app);
    for (let i = 0; i < 3; i++) expect((await mp.getPhoneNumber(code)).errcode).toBe(0);
    expect(reads).toBeGreaterThanOrEqual(3);
    expect(mock.stats().tokenRequests.total).toBe(1);
  });

  it('a getAccessToken override is what calls use', async () => {
    class Fixed extends MPTools {
      override async getAccessToken(): Promise<string> {
        return 'TOKEN_FROM_THE_OVERRIDE_0123';
      }
    }
    const r = await new Fixed(app).getPhoneNumber(code);
    // the mock knows no such token: WeChat's 40001, after the one refresh-and-retry
    expect(r.errcode).toBe(40001);
    expect(mock.stats().tokenRequests.total).toBe(0);
  });

  it('a cache that throws synchronously fails the call with the secret scrubbed from the error', async () => {
    const secretish = app.secret;
    const cache: TokenCache = {
      get: () => {
        throw new Error(`cache down while holding ${secretish}`);
      },
      set: () => undefined,
    };
    const err = await new MPTools({ ...app, cache }).getPhoneNumber(code).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String((err as Error).message)).not.toContain(secretish);
    expect(JSON.stringify(err)).not.toContain(secretish);
  });

  it('a cache that answers with a promise is awaited (and a token it holds is used)', async () => {
    const store = new Map<string, unknown>();
    const cache: TokenCache = {
      get: async (k: string) => store.get(k),
      set: async (k: string, v: unknown) => void store.set(k, v),
    };
    const mp = new MPTools({ ...app, cache });
    for (let i = 0; i < 3; i++) expect((await mp.getPhoneNumber(code)).errcode).toBe(0);
    expect(mock.stats().tokenRequests.total).toBe(1);
  });
});

describe('names (issue 17): no name means two things', () => {
  it('getAccessToken() is the cached token; the raw requests are requestAccessToken / requestStableAccessToken', async () => {
    const mp = new MPTools({ ...app, tokenMode: 'classic' });
    const cached = await mp.getAccessToken();
    // @ts-expect-error the old names are gone from the types too
    await expect(mp.call('getAccessToken')).rejects.toThrow(/has no operation "getAccessToken"/);
    // @ts-expect-error
    await expect(mp.call('getStableAccessToken')).rejects.toThrow(/has no operation/);
    expect(mock.stats().tokenRequests.total).toBe(1);
    const raw = await mp.call('requestAccessToken');
    expect(raw.errcode).toBe(0);
    expect((raw as unknown as { access_token: string }).access_token).not.toBe(cached);
    const stable = await new OATools(app).requestStableAccessToken({ force_refresh: false });
    expect(stable.errcode).toBe(0);
    expect(mock.stats().tokenRequests).toEqual({ classic: 2, stable: 1, total: 3 });
  });
});

describe('stable vs classic', () => {
  it('stable mode asks with force_refresh false and gets the same token again', async () => {
    const a = new MPTools(app);
    const b = new MPTools(app);
    const ta = await a.getAccessToken();
    const tb = await b.getAccessToken();
    expect(ta).toBe(tb);
    expect(mock.stats().tokenRequests.stable).toBe(2);
  });

  it('classic mode gets a new token each time, invalidating the other client', async () => {
    const a = new MPTools({ ...app, tokenMode: 'classic' });
    const b = new MPTools({ ...app, tokenMode: 'classic' });
    const ta = await a.getAccessToken();
    const tb = await b.getAccessToken();
    expect(ta).not.toBe(tb);
    // overlap 0: a's token is already dead; a absorbs it with one refresh
    const r = await a.getPhoneNumber(code);
    expect(r.errcode).toBe(0);
    expect(mock.stats().errcodes['40001'] ?? mock.stats().errcodes['42001']).toBe(1);
  });

  it('refreshAccessToken({ force: true }) sends force_refresh in stable mode', async () => {
    const mp = new MPTools(app);
    const before = await mp.getAccessToken();
    const after = await mp.refreshAccessToken({ force: true });
    expect(after).not.toBe(before);
    expect(mock.tokens.check(before)).toEqual({ ok: false, errcode: 40001 });
  });

  it('a failing token source throws WechatError naming the token operation', async () => {
    const mp = new MPTools({ ...app, secret: 'wrong' });
    const err = await mp.getPhoneNumber(code).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WechatError);
    expect((err as WechatError).errcode).toBe(40125);
    expect((err as WechatError).operation).toBe('requestStableAccessToken');
    expect((err as Error).message).not.toContain('wrong');
  });
});
