// Issue 13 "Trust", items 2 and 4: a client of a central token service (getAccessTokenUrl).
// 2: a token WeChat rejects (revoked, 40001/40014/42001) is reported back to the service with
//    `invalid_token`, so the service refreshes instead of serving it until it expires.
// 4: a client authenticated by a bearer key needs no AppSecret; the body then carries only appid.
import { describe, expect, it } from 'vitest';
import { MPTools, OATools, redactText, redactValue, WechatTokenError } from '../../src/index.js';

const TOKEN_URL = 'https://tokens.example.internal/token';
const appid = 'wx0123456789abcdef';

/** A token service that keeps serving its cached token until told it failed, and a WeChat that has revoked it. */
function world(revokedCode: number) {
  const posts: Record<string, unknown>[] = [];
  let current = 'REVOKED_1';
  const apiTokens: unknown[] = [];
  const fetch = async (req: Request): Promise<Response> => {
    if (req.url === TOKEN_URL) {
      const body = (await req.json()) as Record<string, unknown>;
      posts.push(body);
      if (body['invalid_token'] === current) current = 'FRESH_2';
      return Response.json({ access_token: current, expires_in: 7200 });
    }
    const t = new URL(req.url).searchParams.get('access_token');
    apiTokens.push(t);
    if (t !== 'FRESH_2') return Response.json({ errcode: revokedCode, errmsg: `token rejected rid: 1-2-3` });
    return Response.json({ errcode: 0, errmsg: 'ok', phone_info: { phoneNumber: '1' } });
  };
  return { fetch, posts, apiTokens };
}

describe('item 2: a revoked token from the token service is reported back', () => {
  it.each([40001, 40014, 42001])('errcode %i → re-POST {appid, secret, invalid_token}, then success', async (errcode) => {
    const w = world(errcode);
    const mp = new MPTools({ appid, secret: 'S3CRET', getAccessTokenUrl: TOKEN_URL, fetch: w.fetch, validateResponses: 'off' });
    const r = await mp.getPhoneNumber({ code: 'c' });
    expect(r.errcode).toBe(0);
    expect(w.posts).toEqual([
      { appid, secret: 'S3CRET' },
      { appid, secret: 'S3CRET', invalid_token: 'REVOKED_1' },
    ]);
    expect(w.apiTokens).toEqual(['REVOKED_1', 'FRESH_2']);
  });

  it('the next refresh after a success carries no invalid_token (the report is used once)', async () => {
    const w = world(40001);
    const mp = new MPTools({ appid, secret: 'S3CRET', getAccessTokenUrl: TOKEN_URL, fetch: w.fetch, validateResponses: 'off' });
    await mp.getPhoneNumber({ code: 'c' });
    await mp.refreshAccessToken();
    expect(w.posts[2]).toEqual({ appid, secret: 'S3CRET' });
  });

  it('100 concurrent calls rejected with one revoked token → one report, one re-POST', async () => {
    const w = world(40001);
    const mp = new MPTools({ appid, secret: 'S3CRET', getAccessTokenUrl: TOKEN_URL, fetch: w.fetch, validateResponses: 'off' });
    await mp.getAccessToken();
    const rs = await Promise.all(Array.from({ length: 100 }, () => mp.getPhoneNumber({ code: 'c' })));
    expect(rs.every((r) => r.errcode === 0)).toBe(true);
    expect(w.posts.length).toBe(2);
  });
});

describe('item 2: invalid_token is a secret wire name', () => {
  it('is redacted in text and in values', () => {
    expect(redactText('{"appid":"wx1","invalid_token":"REVOKED_1"}')).not.toContain('REVOKED_1');
    expect(JSON.stringify(redactValue({ appid: 'wx1', invalid_token: 'REVOKED_1' }))).not.toContain('REVOKED_1');
  });
});

describe('item 4: a bearer-key client needs no AppSecret', () => {
  it('posts {appid} with the headers and uses the token', async () => {
    const w = world(40001);
    const seen: (string | null)[] = [];
    const fetch = async (req: Request) => {
      if (req.url === TOKEN_URL) seen.push(req.headers.get('authorization'));
      return w.fetch(req);
    };
    const oa = new OATools({ appid, getAccessTokenUrl: TOKEN_URL, getAccessTokenHeaders: { authorization: 'Bearer k-1' }, fetch });
    expect(await oa.getAccessToken()).toBe('REVOKED_1');
    expect(w.posts).toEqual([{ appid }]);
    expect(seen).toEqual(['Bearer k-1']);
  });

  it('a revoked token is reported without a secret too', async () => {
    const w = world(42001);
    const mp = new MPTools({ appid, getAccessTokenUrl: TOKEN_URL, getAccessTokenHeaders: { authorization: 'Bearer k-1' }, fetch: w.fetch, validateResponses: 'off' });
    expect((await mp.getPhoneNumber({ code: 'c' })).errcode).toBe(0);
    expect(w.posts).toEqual([{ appid }, { appid, invalid_token: 'REVOKED_1' }]);
  });

  it('without a URL, no secret is still a clear WechatTokenError before any request', async () => {
    let requests = 0;
    const mp = new MPTools({ appid, fetch: async () => (requests++, Response.json({})) });
    const err = await mp.getAccessToken().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WechatTokenError);
    expect((err as Error).message).toMatch(/options\.secret is not set/);
    expect(requests).toBe(0);
  });
});
