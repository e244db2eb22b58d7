// Sharing one token per app: the central token server, token-fight simulations with WeChat's real
// semantics (classic rotation vs stable vs a token server), and cloud mode.
import { describe, expect, it } from 'vitest';
import { createTokenServer, MPTools, MemoryCache, type Logger, type WechatClient } from '../src/index.js';
import { createMockWechat, DEFAULT_MOCK_APP, type MockWechat } from '../src/testing/index.js';

const app = DEFAULT_MOCK_APP;
const TOKEN_URL = 'https://tokens.internal/token';

function router(mock: MockWechat, tokenServer?: { fetch(r: Request): Promise<Response> }) {
  return (r: Request) => (tokenServer && r.url.startsWith(TOKEN_URL) ? tokenServer.fetch(r) : mock.handle(r));
}

describe('central token server', () => {
  const mock = createMockWechat({ tokenOverlapSeconds: 0 });
  const central = new MPTools({ ...app, fetch: (r) => mock.handle(r) });
  const lines: string[] = [];
  const logger: Logger = { debug: (o, m) => void lines.push(`${m} ${JSON.stringify(o)}`), info: () => {}, warn: (o, m) => void lines.push(`${m} ${JSON.stringify(o)}`), error: () => {} };
  const server = createTokenServer({ apps: [central], bearerKeys: ['k-123456'], logger });
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    server.fetch(new Request(TOKEN_URL, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers }));

  it('serves {access_token, expires_in} for the right secret', async () => {
    const r = await post({ appid: app.appid, secret: app.secret });
    expect(r.status).toBe(200);
    const j = (await r.json()) as { access_token: string; expires_in: number };
    expect(j.access_token).toBe(await central.getAccessToken());
    expect(j.expires_in).toBeGreaterThan(6000);
    expect(j.expires_in).toBeLessThanOrEqual(7200);
  });

  it.each([
    ['a wrong secret', { appid: app.appid, secret: 'nope' }, {}, 401],
    ['an unknown appid', { appid: 'wx_unknown', secret: 'x' }, {}, 404],
    ['a malformed body', '{not json', {}, 400],
    ['no appid', { secret: 'x' }, {}, 400],
  ])('%s → %i', async (_n, body, headers, status) => {
    const r = await post(body, headers);
    expect(r.status).toBe(status);
    expect(r.headers.get('content-type')).toMatch(/json/);
    expect(JSON.stringify(await r.json())).not.toContain(app.secret);
  });

  it('a bearer key replaces the secret; a GET is refused', async () => {
    expect((await post({ appid: app.appid }, { authorization: 'Bearer k-123456' })).status).toBe(200);
    expect((await post({ appid: app.appid }, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await server.fetch(new Request(TOKEN_URL))).status).toBe(405);
  });

  it('never logs a secret or a token', async () => {
    await post({ appid: app.appid, secret: app.secret });
    const token = await central.getAccessToken();
    expect(lines.join('\n')).not.toContain(app.secret);
    expect(lines.join('\n')).not.toContain(token);
  });
});

/**
 * Two "environments" (separate caches, e.g. production and a staging box) calling one appid under
 * load. Returns the WeChat-side counts.
 */
async function fight(mode: 'classic' | 'stable' | 'server'): Promise<{ calls: number; failedCalls: number; tokenErrors: number; tokenRequests: number }> {
  const mock = createMockWechat({ tokenOverlapSeconds: 0 });
  let tokenServer: ReturnType<typeof createTokenServer> | undefined;
  if (mode === 'server') tokenServer = createTokenServer({ apps: [new MPTools({ ...app, fetch: (r) => mock.handle(r) })] });
  const env = (): WechatClient =>
    new MPTools({
      ...app,
      cache: new MemoryCache(),
      tokenMode: mode === 'classic' ? 'classic' : 'stable',
      ...(mode === 'server' ? { getAccessTokenUrl: TOKEN_URL } : {}),
      fetch: router(mock, tokenServer),
      retry: false,
    });
  const envs = [env(), env()];
  let failedCalls = 0;
  const calls = 400;
  // interleaved load: each round, both environments make 10 concurrent calls
  for (let round = 0; round < calls / 20; round++) {
    const rs = await Promise.all(envs.flatMap((c) => Array.from({ length: 10 }, () => c.call('getPhoneNumber', { code: 'c' }))));
    failedCalls += rs.filter((r) => r.errcode !== 0).length;
  }
  const s = mock.stats();
  return { calls, failedCalls, tokenErrors: (s.errcodes['40001'] ?? 0) + (s.errcodes['42001'] ?? 0), tokenRequests: s.tokenRequests.total };
}

describe('token fights (two environments, one appid, WeChat semantics, overlap 0)', () => {
  it('classic mode shows the fight', async () => {
    const r = await fight('classic');
    console.log(`token fight, classic: ${JSON.stringify(r)}`);
    expect(r.tokenErrors).toBeGreaterThan(10);
    expect(r.tokenRequests).toBeGreaterThan(10);
  });

  it('stable mode: no token error, one token request per environment', async () => {
    const r = await fight('stable');
    console.log(`token fight, stable: ${JSON.stringify(r)}`);
    expect(r).toMatchObject({ failedCalls: 0, tokenErrors: 0, tokenRequests: 2 });
  });

  it('central token server: no token error, one token request in all', async () => {
    const r = await fight('server');
    console.log(`token fight, token server: ${JSON.stringify(r)}`);
    expect(r).toMatchObject({ failedCalls: 0, tokenErrors: 0, tokenRequests: 1 });
  });
});

describe("tokenMode: 'cloud'", () => {
  it('sends no access_token, to http://api.weixin.qq.com, and never fetches one', async () => {
    const urls: string[] = [];
    const mock = createMockWechat();
    mock.on('getPhoneNumber', { errcode: 0, errmsg: 'ok', phone_info: { phoneNumber: '1' } });
    const mp = new MPTools({
      appid: app.appid,
      tokenMode: 'cloud',
      validateResponses: 'off',
      fetch: async (r) => {
        urls.push(r.url);
        // the platform adds the credential; the mock stands in for it here
        const u = new URL(r.url);
        u.searchParams.set('access_token', await central());
        return mock.handle(new Request(u.toString().replace('http://', 'https://'), { method: r.method, body: await r.text(), headers: r.headers }));
      },
    });
    const central = async () => (mock.tokens.stable(app.appid, false) as { access_token: string }).access_token;
    const r = await mp.getPhoneNumber({ code: 'c' });
    expect(r.errcode).toBe(0);
    expect(urls[0]).toMatch(/^http:\/\/api\.weixin\.qq\.com\/wxa\/business\/getuserphonenumber$/);
    await expect(mp.getAccessToken()).rejects.toThrow(/cloud/);
  });
});
