// Issue 13, items 13–15: no secret in what a client, a WechatData or an error prints, serializes or
// carries in its causes (console.log, util.inspect, JSON.stringify, requestResult.url, cause chains).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MPTools, OATools, WechatData, WechatResponseError, WechatToolsError, type TokenCache } from '../../src/index.js';
import { createMockWechat, DEFAULT_MOCK_APP, type MockServer } from '../../src/testing/index.js';
import { json, leaks, surface } from './client-helpers.js';

const SECRET = 'AppSecret-0123456789abcdef';
const SEED = 'SeededToken-fedcba9876543210';
const BEARER = 'BearerKey-5555aaaa6666bbbb';
const FRESH = 'FreshToken-1111222233334444';

describe('item 13: clients print no secret', () => {
  const opts = { appid: 'wx1234567890abcdef', secret: SECRET, accessToken: SEED, getAccessTokenUrl: 'http://127.0.0.1:1/token', getAccessTokenHeaders: { authorization: `Bearer ${BEARER}` } };

  it.each([
    ['MPTools', () => new MPTools(opts)],
    ['OATools', () => new OATools({ ...opts, redirectUri: 'https://example.com/cb' })],
  ])('%s: console.log, util.inspect (hidden fields too) and JSON.stringify', async (_name, make) => {
    const client = make();
    expect(leaks(client, [SECRET, SEED, BEARER])).toEqual([]);
    await client.getAccessToken(); // the seeded token is now in the cache
    expect(leaks(client, [SECRET, SEED, BEARER])).toEqual([]);
    expect(surface(client)).toContain('wx1234567890abcdef');
  });

  it('a WechatData and an error print no secret either', async () => {
    const mock = createMockWechat({ tokenOverlapSeconds: 0 });
    const mp = new MPTools({ ...DEFAULT_MOCK_APP, fetch: (r) => mock.handle(r), throwOnError: true });
    mock.on('code2Session', { openid: 'o', session_key: 'SessionKey-abcdefabcdef==' });
    const r = await mp.code2Session({ js_code: 'JsCode-0011223344556677' });
    expect(r).toBeInstanceOf(WechatData);
    expect(leaks(r, ['SessionKey-abcdefabcdef==', 'JsCode-0011223344556677', DEFAULT_MOCK_APP.secret])).toEqual([]);
    mock.on('code2Session', { errcode: 40029, errmsg: 'invalid code JsCode-0011223344556677 rid: 1-2-3' });
    const err = await mp.code2Session({ js_code: 'JsCode-0011223344556677' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WechatToolsError);
    expect(leaks(err, ['JsCode-0011223344556677', DEFAULT_MOCK_APP.secret])).toEqual([]);
  });
});

describe('item 14: requestResult.url is redacted', () => {
  let server: MockServer;
  const mock = createMockWechat({ tokenOverlapSeconds: 0 });
  beforeAll(async () => {
    server = await mock.listen();
  });
  afterAll(() => server.close());

  it.each([
    ['the Node transport', () => ({ baseUrl: server.url })],
    ['a custom fetch', () => ({ fetch: (r: Request) => mock.handle(r) })],
  ])('%s: secret=, js_code= and access_token= never show', async (_name, transport) => {
    const mp = new MPTools({ ...DEFAULT_MOCK_APP, ...transport() });
    const session = await mp.code2Session({ js_code: 'JsCode-9988776655443322' });
    expect(session.ok).toBe(true);
    const url = session.requestResult.url;
    expect(url).toContain('/sns/jscode2session');
    expect(url).not.toContain(DEFAULT_MOCK_APP.secret);
    expect(url).not.toContain('JsCode-9988776655443322');
    const token = await mp.getAccessToken();
    const phone = await mp.getPhoneNumber({ code: 'c0de' });
    expect(phone.requestResult.url).not.toContain(token);
    expect(leaks(phone.requestResult, [token])).toEqual([]);
  });
});

/** A cache whose writes fail the way ioredis reports them: the command and its args on the error. */
class FailingWritesCache implements TokenCache {
  get(): undefined {
    return undefined;
  }
  set(key: string, value: unknown, ttlMs?: number): never {
    const inner = Object.assign(new Error('Connection is closed.'), { command: { name: 'set', args: [key, JSON.stringify(value), 'PX', String(ttlMs)] } });
    throw Object.assign(new Error('Redis write failed'), { cause: inner, command: { name: 'set', args: [key, value] } });
  }
  delete(): void {}
}

describe('item 15: error causes are scrubbed by exact value', () => {
  const tokenFetch = async (r: Request) => (new URL(r.url).pathname === '/cgi-bin/stable_token' ? json(JSON.stringify({ access_token: FRESH, expires_in: 7200 })) : json('{"errcode":0}'));

  it('a cache write error does not leak the new token, through getAccessToken()', async () => {
    const mp = new MPTools({ appid: 'wx1', secret: SECRET, cache: new FailingWritesCache(), fetch: tokenFetch });
    const err = await mp.getAccessToken().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(leaks(err, [FRESH, SECRET])).toEqual([]);
  });

  it('… nor through a call that needed the token', async () => {
    const mp = new MPTools({ appid: 'wx1', secret: SECRET, cache: new FailingWritesCache(), fetch: tokenFetch });
    const err = await mp.getPhoneNumber({ code: 'c0de' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(leaks(err, [FRESH, SECRET])).toEqual([]);
  });

  it('a custom fetch error that quotes the request keeps nothing secret in its causes', async () => {
    const fetch = async (r: Request): Promise<Response> => {
      const body = await r.text();
      throw Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('socket hang up'), { request: { url: r.url, body, headers: Object.fromEntries(r.headers) } }) });
    };
    const mp = new MPTools({ appid: 'wx1', secret: SECRET, getAccessTokenUrl: 'http://127.0.0.1:9/token', getAccessTokenHeaders: { 'x-api-key': BEARER }, fetch, retry: false });
    const viaToken = await mp.getAccessToken().catch((e: unknown) => e);
    expect(viaToken).toBeInstanceOf(Error);
    expect(leaks(viaToken, [SECRET, BEARER])).toEqual([]);
    const viaCall = await mp.code2Session({ js_code: 'JsCode-4444555566667777' }).catch((e: unknown) => e);
    expect(viaCall).toBeInstanceOf(Error);
    expect(leaks(viaCall, [SECRET, 'JsCode-4444555566667777'])).toEqual([]);
  });

  it('a body snippet is cut after redaction: no half secret at the cut', async () => {
    for (let pad = 150; pad < 200; pad += 7) {
      const body = `{"pad":"${'x'.repeat(pad)}","access_token":"${FRESH}","errcode":0`; // truncated: not valid JSON
      const mp = new MPTools({ appid: 'wx1', secret: SECRET, fetch: async () => json(body), accessToken: SEED });
      const err = await mp.getPhoneNumber({ code: 'c0de' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WechatResponseError);
      expect(leaks(err, [FRESH])).toEqual([]);
    }
  });
});

describe('item 15 (sibling): an errmsg that echoes a secret the call sent', () => {
  it('a token fetch whose errmsg quotes the AppSecret throws without it', async () => {
    const fetch = async () => json(`{"errcode":40125,"errmsg":"invalid appsecret ${SECRET} rid: 1-2-3"}`);
    const mp = new MPTools({ appid: 'wx1', secret: SECRET, fetch });
    const err = await mp.getAccessToken().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WechatToolsError);
    expect(leaks(err, [SECRET])).toEqual([]);
    const r = await mp.code2Session({ js_code: 'JsCode-1212121212121212' });
    expect(r.errcode).toBe(40125);
    expect(r.errmsg).not.toContain(SECRET);
  });
});
