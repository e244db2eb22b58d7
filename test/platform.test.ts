// The third-party platform against the mock WeChat (no network): the verify-ticket push, component
// and authorizer tokens, authorization, on-behalf login and OAuth, events, messages, and secrets.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  OpenPlatform,
  WechatAuthorizationRequiredError,
  WechatComponentTicketError,
  WechatError,
  type ComponentEvent,
  type Logger,
} from '../src/index.js';
import { createMockWechat, DEFAULT_MOCK_AUTHORIZER as APPID, DEFAULT_MOCK_PLATFORM, type MockWechat } from '../src/testing/index.js';

function setup(extra: { logger?: Logger } = {}): { mock: MockWechat; op: OpenPlatform } {
  const mock = createMockWechat({ tokenOverlapSeconds: 0 });
  const op = new OpenPlatform({ ...DEFAULT_MOCK_PLATFORM, fetch: (r: Request) => mock.handle(r), retry: false, ...extra });
  return { mock, op };
}

async function authorized(mock: MockWechat, op: OpenPlatform): Promise<void> {
  expect((await op.pushHandler().fetch(mock.platform.verifyTicketPush())).status).toBe(200);
  await op.queryAuth(mock.platform.authorize(APPID));
}

describe('verify ticket and component_access_token', () => {
  it('a signed ticket push is answered "success" and stored; the token is fetched with it once', async () => {
    const { mock, op } = setup();
    const res = await op.pushHandler().fetch(mock.platform.verifyTicketPush());
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('success');
    const [a, b] = await Promise.all([op.getComponentAccessToken(), op.getComponentAccessToken()]);
    expect(a).toBe(b);
    expect(mock.stats().platformTokenRequests.component).toBe(1);
  });

  it('a push with a wrong signature is refused (401) and stores nothing', async () => {
    const { mock, op } = setup();
    const req = mock.platform.verifyTicketPush();
    const url = new URL(req.url);
    url.searchParams.set('msg_signature', '0'.repeat(40));
    const res = await op.pushHandler().fetch(new Request(url, { method: 'POST', body: await req.text() }));
    expect(res.status).toBe(401);
    await expect(op.getComponentAccessToken()).rejects.toBeInstanceOf(WechatComponentTicketError);
  });

  it('no ticket: a typed error naming the push URL to configure, before any request', async () => {
    const { mock, op } = setup();
    const err = await op.getComponentAccessToken().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WechatComponentTicketError);
    expect((err as Error).message).toMatch(/授权事件接收URL/);
    expect((err as Error).message).toMatch(/pushHandler/);
    expect((err as WechatComponentTicketError).errcode).toBeUndefined();
    expect(mock.stats().requests).toBe(0);
  });

  it('61006 (unknown ticket) and 61005 (expired ticket) become the ticket error with the errcode', async () => {
    const { mock, op } = setup();
    await op.setComponentVerifyTicket('ticket@@@never-issued');
    const invalid = await op.getComponentAccessToken().catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(WechatComponentTicketError);
    expect((invalid as WechatComponentTicketError).errcode).toBe(61006);
    await op.pushHandler().fetch(mock.platform.verifyTicketPush());
    mock.platform.expireTickets();
    const expired = await op.getComponentAccessToken().catch((e: unknown) => e);
    expect((expired as WechatComponentTicketError).errcode).toBe(61005);
  });

  it('a component token WeChat rejects (42001) is refreshed once and the call retried once', async () => {
    const { mock, op } = setup();
    await op.pushHandler().fetch(mock.platform.verifyTicketPush());
    await op.getPreAuthCode();
    mock.platform.expireComponentTokens();
    const r = await op.getPreAuthCode();
    expect(r.ok).toBe(true);
    expect(mock.stats().platformTokenRequests.component).toBe(2);
    expect(mock.stats().calls['getPreAuthCode']).toBe(2 + 1);
  });
});

describe('authorization and authorizer tokens', () => {
  it('getAuthorizeUrl: a fresh pre_auth_code, PC and mobile pages; bad options fail before any request', async () => {
    const { mock, op } = setup();
    await op.pushHandler().fetch(mock.platform.verifyTicketPush());
    const pc = new URL(await op.getAuthorizeUrl({ redirectUri: 'https://saas.example.com/wechat/authorized', authType: 2 }));
    expect(pc.origin + pc.pathname).toBe('https://mp.weixin.qq.com/cgi-bin/componentloginpage');
    expect(pc.searchParams.get('component_appid')).toBe(DEFAULT_MOCK_PLATFORM.componentAppid);
    expect(pc.searchParams.get('pre_auth_code')).toMatch(/^preauthcode@@@/);
    expect(pc.searchParams.get('redirect_uri')).toBe('https://saas.example.com/wechat/authorized');
    expect(pc.searchParams.get('auth_type')).toBe('2');
    const mobile = await op.getAuthorizeUrl({ redirectUri: 'https://saas.example.com/cb', mobile: true, bizAppid: APPID });
    expect(mobile).toMatch(/^https:\/\/open\.weixin\.qq\.com\/wxaopen\/safe\/bindcomponent\?action=bindcomponent&no_scan=1&.*biz_appid=wx0000mock0000auth.*#wechat_redirect$/);
    const before = mock.stats().requests;
    await expect(op.getAuthorizeUrl({ redirectUri: 'not a url' })).rejects.toThrow(/redirectUri/);
    expect(mock.stats().requests).toBe(before);
  });

  it('queryAuth stores the refresh token; the authorizer client calls with the authorizer token', async () => {
    const { mock, op } = setup();
    await op.pushHandler().fetch(mock.platform.verifyTicketPush());
    const info = await op.queryAuth(mock.platform.authorize(APPID));
    expect(info.authorizer_appid).toBe(APPID);
    expect(await op.getStoredAuthorizerRefreshToken(APPID)).toBe(mock.platform.currentRefreshToken(APPID));
    const mp = op.miniProgram(APPID);
    expect(op.miniProgram(APPID)).toBe(mp); // one client (and one single-flight) per authorizer
    const r = await mp.call('getApiDomainIp');
    expect(r.ok).toBe(true);
    expect(mock.stats().platformTokenRequests.authorizer).toBe(0); // queryAuth's token is used
  });

  it('authorizer token rejected (40001): one refresh, one retry; the rotated refresh token is stored', async () => {
    const { mock, op } = setup();
    await authorized(mock, op);
    const first = await op.getStoredAuthorizerRefreshToken(APPID);
    mock.tokens.revokeApp(APPID); // WeChat now answers 40001 to the cached authorizer token
    const r = await op.miniProgram(APPID).call('getApiDomainIp');
    expect(r.ok).toBe(true);
    expect(mock.stats().platformTokenRequests.authorizer).toBe(1);
    expect(mock.stats().calls['getApiDomainIp']).toBe(2);
    const now = await op.getStoredAuthorizerRefreshToken(APPID);
    expect(now).not.toBe(first);
    expect(now).toBe(mock.platform.currentRefreshToken(APPID));
  });

  it('an unauthorized event drops the tokens: later calls fail with the reauthorize error, without a loop', async () => {
    const { mock, op } = setup();
    await authorized(mock, op);
    const events: ComponentEvent[] = [];
    const res = await op.pushHandler((e) => void events.push(e)).fetch(mock.platform.unauthorizedPush(APPID));
    expect(await res.text()).toBe('success');
    expect(events[0]).toMatchObject({ kind: 'unauthorized', AuthorizerAppid: APPID, InfoType: 'unauthorized' });
    const before = mock.stats().requests;
    for (let i = 0; i < 3; i++) {
      const err = await op.miniProgram(APPID).call('getApiDomainIp').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WechatAuthorizationRequiredError);
      expect((err as Error).message).toMatch(/must authorize the platform again/);
    }
    expect(mock.stats().requests).toBe(before);
  });

  it('a refresh token WeChat refuses (61023, e.g. replaced by a new authorization elsewhere) → the reauthorize error, once', async () => {
    const { mock, op } = setup();
    await authorized(mock, op);
    await op.setAuthorizerRefreshToken(APPID, 'refreshtoken@@@lost-and-stale');
    mock.tokens.revokeApp(APPID);
    const err = await op.miniProgram(APPID).call('getApiDomainIp').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WechatAuthorizationRequiredError);
    expect((err as WechatAuthorizationRequiredError).errcode).toBe(61023);
    expect(await op.getStoredAuthorizerRefreshToken(APPID)).toBeUndefined();
    await expect(op.miniProgram(APPID).call('getApiDomainIp')).rejects.toBeInstanceOf(WechatAuthorizationRequiredError);
    expect(mock.stats().platformTokenRequests.authorizer).toBe(1);
  });

  it('queryAuth with a used code throws WechatError 61009', async () => {
    const { mock, op } = setup();
    await op.pushHandler().fetch(mock.platform.verifyTicketPush());
    const code = mock.platform.authorize(APPID);
    await op.queryAuth(code);
    const err = await op.queryAuth(code).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WechatError);
    expect((err as WechatError).errcode).toBe(61009);
  });
});

describe('on-behalf identity', () => {
  it('code2Session on an authorizer client goes to /sns/component/jscode2session with the platform token', async () => {
    const { mock, op } = setup();
    await authorized(mock, op);
    let seen: URL | undefined;
    mock.on('componentCode2Session', (req) => {
      seen = new URL(req.request.url);
      return { openid: 'o1', session_key: 'k1k1k1k1==' };
    });
    const r = await op.miniProgram(APPID).code2Session({ js_code: 'js-code-1' });
    expect(r.ok && r.openid).toBe('o1');
    expect(seen?.pathname).toBe('/sns/component/jscode2session');
    expect(seen?.searchParams.get('appid')).toBe(APPID);
    expect(seen?.searchParams.get('component_appid')).toBe(DEFAULT_MOCK_PLATFORM.componentAppid);
    expect(seen?.searchParams.get('component_access_token')).toBe(await op.getComponentAccessToken());
    expect(seen?.searchParams.has('secret')).toBe(false);
  });

  it('web OAuth for an authorizer: authorize URL with component_appid, code and refresh via the component endpoints', async () => {
    const { mock, op } = setup();
    await authorized(mock, op);
    const oa = op.officialAccount(APPID, { redirectUri: 'https://saas.example.com/oauth' });
    expect(oa.getAuthorizeUrl({ scope: 'snsapi_base', state: 's' })).toMatch(/&component_appid=wx0000mock0000comp#wechat_redirect$/);
    const login = await oa.loginWithCode('oauth-code-1');
    expect(login.ok).toBe(true);
    expect(mock.stats().calls['componentGetWebAccessToken']).toBe(1);
    expect(mock.stats().calls['getWebAccessToken']).toBeUndefined();
    const refreshed = await oa.refreshWebAccessToken({ refresh_token: 'REFRESH_TOKEN_OF_USER' });
    expect(refreshed.ok).toBe(true);
    expect(mock.stats().calls['componentRefreshWebAccessToken']).toBe(1);
  });

  it('JS-SDK config for an authorizer uses its token (ticket cached per authorizer)', async () => {
    const { mock, op } = setup();
    await authorized(mock, op);
    const cfg = await op.officialAccount(APPID).getJsSdkConfig({ url: 'https://saas.example.com/page', jsApiList: ['scanQRCode'] });
    expect(cfg.appId).toBe(APPID);
    expect(cfg.signature).toMatch(/^[0-9a-f]{40}$/);
  });
});

describe('events and messages', () => {
  it('authorized, updateauthorized, fast registration and unknown InfoTypes arrive typed', async () => {
    const { mock, op } = setup();
    const events: ComponentEvent[] = [];
    const handler = op.pushHandler((e) => void events.push(e));
    await handler.fetch(mock.platform.authorizedPush(APPID));
    await handler.fetch(mock.platform.push({ InfoType: 'notify_third_fasteregister', appid: APPID, status: 0, auth_code: 'c1', msg: 'OK' }));
    await handler.fetch(mock.platform.push({ InfoType: 'something_new', Foo: 'bar' }));
    expect(events.map((e) => e.kind)).toEqual(['authorized', 'notify_third_fasteregister', 'unknown']);
    const a = events[0];
    if (a?.kind !== 'authorized') throw new Error('not authorized');
    expect(a.AuthorizationCodeExpiredTime).toBeTypeOf('number');
    await op.pushHandler().fetch(mock.platform.verifyTicketPush());
    expect((await op.queryAuth(a.AuthorizationCode)).authorizer_appid).toBe(APPID);
    expect(events[1]).toMatchObject({ status: 0, appid: APPID });
    expect(events[2]).toMatchObject({ InfoType: 'something_new', Foo: 'bar' });
  });

  it('a failing event handler answers 500 (WeChat retries); the ticket is stored before the handler runs', async () => {
    const { mock, op } = setup();
    const res = await op
      .pushHandler(() => {
        throw new Error('db down');
      })
      .fetch(mock.platform.verifyTicketPush());
    expect(res.status).toBe(500);
    await expect(op.getComponentAccessToken()).resolves.toBeTypeOf('string');
  });

  it('messageHandler decrypts with the platform key and names the authorizer from the URL', async () => {
    const { mock, op } = setup();
    const seen: { appid: string | undefined; content: unknown }[] = [];
    const handler = op.messageHandler((m, ctx) => {
      seen.push({ appid: ctx.authorizerAppid, content: (m as { Content?: unknown }).Content });
      return 'hello back';
    });
    const res = await handler.fetch(mock.platform.messagePush(APPID, { ToUserName: 'gh_0000mock', FromUserName: 'oUser1', MsgType: 'text', Content: 'hi', MsgId: '1234567890123456789' }));
    expect(res.status).toBe(200);
    expect(seen).toEqual([{ appid: APPID, content: 'hi' }]);
    expect(await res.text()).toMatch(/<Encrypt>/); // the passive reply is encrypted with the platform's key
  });
});

describe('secrets', () => {
  it('no secret in logs, errors, inspect or JSON.stringify', async () => {
    const lines: string[] = [];
    const push = (o: object, m?: string) => void lines.push(`${m ?? ''} ${JSON.stringify(o)} ${inspect(o, { depth: 8 })}`);
    const { mock, op } = setup({ logger: { debug: push, info: push, warn: push, error: push } });
    const events: ComponentEvent[] = [];
    await op.pushHandler((e) => void events.push(e)).fetch(mock.platform.verifyTicketPush());
    const info = await op.queryAuth(mock.platform.authorize(APPID));
    mock.tokens.revokeApp(APPID);
    const r = await op.miniProgram(APPID).call('getApiDomainIp');
    const errors = [
      await op.getAuthorizerAccessToken('wx0000mock0000zzz').catch((e: unknown) => e),
      await new OpenPlatform({ ...DEFAULT_MOCK_PLATFORM, fetch: (q: Request) => mock.handle(q) }).getComponentAccessToken().catch((e: unknown) => e),
    ];
    const secrets = [
      DEFAULT_MOCK_PLATFORM.componentSecret,
      DEFAULT_MOCK_PLATFORM.encodingAESKey,
      DEFAULT_MOCK_PLATFORM.token,
      (events[0] as { ComponentVerifyTicket?: string }).ComponentVerifyTicket ?? 'missing-ticket',
      await op.getComponentAccessToken(),
      await op.getAuthorizerAccessToken(APPID),
      info.authorizer_refresh_token ?? 'missing-refresh',
      (await op.getStoredAuthorizerRefreshToken(APPID)) ?? 'missing-refresh-2',
    ];
    const surface = [
      lines.join('\n'),
      inspect(op, { depth: 8 }),
      JSON.stringify(op),
      JSON.stringify(events),
      inspect(events, { depth: 8 }),
      JSON.stringify(info),
      JSON.stringify(r),
      inspect(r, { depth: 8 }),
      ...errors.map((e) => `${String(e)} ${JSON.stringify(e)} ${inspect(e, { depth: 8 })}`),
    ].join('\n');
    for (const s of secrets) expect(surface.includes(s), s.slice(0, 6)).toBe(false);
    expect(lines.length).toBeGreaterThan(0);
  });
});

describe('refresh token rotated by another server meanwhile', () => {
  it('61023 with a newer refresh token in the cache: the newer one is used, no reauthorize error', async () => {
    const { mock, op } = setup();
    await authorized(mock, op);
    const current = mock.platform.currentRefreshToken(APPID) as string;
    // This server read a stale refresh token; by the time WeChat answers, another one stored the current one.
    await op.setAuthorizerRefreshToken(APPID, 'refreshtoken@@@stale');
    mock.on('getAuthorizerAccessToken', async (req) => {
      if (req.body['authorizer_refresh_token'] === 'refreshtoken@@@stale') {
        await op.setAuthorizerRefreshToken(APPID, current);
        return { errcode: 61023, errmsg: 'refresh_token is invalid' };
      }
      return { authorizer_access_token: (mock.tokens.authorizer(APPID)).access_token, expires_in: 7200, authorizer_refresh_token: current };
    });
    mock.tokens.revokeApp(APPID);
    const r = await op.miniProgram(APPID).call('getApiDomainIp');
    expect(r.ok).toBe(true);
    expect(await op.getStoredAuthorizerRefreshToken(APPID)).toBe(current);
    expect(mock.stats().platformTokenRequests.authorizer).toBe(2);
  });
});

describe('the platform client token', () => {
  it('refreshAccessToken / setAccessToken act on the component_access_token (never on /cgi-bin/stable_token)', async () => {
    const { mock, op } = setup();
    await op.pushHandler().fetch(mock.platform.verifyTicketPush());
    const first = await op.getAccessToken();
    expect(first).toBe(await op.getComponentAccessToken());
    const second = await op.refreshAccessToken();
    expect(second).not.toBe(first);
    expect(mock.stats().platformTokenRequests.component).toBe(2);
    await op.setAccessToken('component-token-from-elsewhere', 3600);
    expect(await op.getComponentAccessToken()).toBe('component-token-from-elsewhere');
    expect(mock.stats().tokenRequests.total).toBe(0);
  });
});

describe('event retries', () => {
  it('WeChat retrying an event runs the handler once (across servers sharing the cache); a failed run is retried', async () => {
    const { mock, op } = setup();
    let runs = 0;
    let fail = true;
    const handler = op.pushHandler(() => {
      runs++;
      if (fail) throw new Error('db down');
    });
    const req = mock.platform.authorizedPush(APPID);
    const body = await req.clone().text();
    const again = () => handler.fetch(new Request(req.url, { method: 'POST', body }));
    expect((await again()).status).toBe(500);
    fail = false;
    expect((await again()).status).toBe(200);
    expect((await again()).status).toBe(200);
    expect(runs).toBe(2);
  });
});

describe('a durable refresh token store', () => {
  it('saves every new refresh token (queryAuth, rotation), reloads one the cache lost, forgets a revoked one', async () => {
    const mock = createMockWechat({ tokenOverlapSeconds: 0 });
    const db = new Map<string, string>();
    const refreshTokenStore = { load: (a: string) => db.get(a), save: (a: string, t: string) => void db.set(a, t), delete: (a: string) => void db.delete(a) };
    const make = () => new OpenPlatform({ ...DEFAULT_MOCK_PLATFORM, fetch: (r: Request) => mock.handle(r), retry: false, refreshTokenStore });
    const op = make();
    await authorized(mock, op);
    expect(db.get(APPID)).toBe(mock.platform.currentRefreshToken(APPID));
    mock.tokens.revokeApp(APPID);
    expect((await op.miniProgram(APPID).call('getApiDomainIp')).ok).toBe(true);
    expect(db.get(APPID)).toBe(mock.platform.currentRefreshToken(APPID)); // the rotated one
    // A new server with an empty cache (a flushed Redis): the ticket arrives, the refresh token comes from the store.
    const fresh = make();
    await fresh.pushHandler().fetch(mock.platform.verifyTicketPush());
    expect((await fresh.miniProgram(APPID).call('getApiDomainIp')).ok).toBe(true);
    expect(await fresh.getStoredAuthorizerRefreshToken(APPID)).toBe(mock.platform.currentRefreshToken(APPID));
    await fresh.pushHandler().fetch(mock.platform.unauthorizedPush(APPID));
    expect(db.has(APPID)).toBe(false);
    await expect(fresh.miniProgram(APPID).call('getApiDomainIp')).rejects.toBeInstanceOf(WechatAuthorizationRequiredError);
  });
});

describe('options and typed platform endpoints', () => {
  it('bad options fail at construction, naming the option and not its value', () => {
    expect(() => new OpenPlatform({ ...DEFAULT_MOCK_PLATFORM, encodingAESKey: 'short' })).toThrow(/encodingAESKey/);
    expect(() => new OpenPlatform({ ...DEFAULT_MOCK_PLATFORM, componentSecret: '' })).toThrow(/componentSecret/);
    const err = (() => {
      try {
        new OpenPlatform({ ...DEFAULT_MOCK_PLATFORM, token: '' });
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(err?.message).toMatch(/token/);
    expect(err?.message.includes(DEFAULT_MOCK_PLATFORM.componentSecret)).toBe(false);
  });

  it('generated platform methods are typed and validated before any request', async () => {
    const { mock, op } = setup();
    await op.pushHandler().fetch(mock.platform.verifyTicketPush());
    const list = await op.getAuthorizerList({ offset: 0, count: 100 });
    if (list.ok) expect(list.list[0]?.authorizer_appid).toBeTypeOf('string');
    const before = mock.stats().requests;
    await expect(op.getAuthorizerList({ offset: 0, count: 501 })).rejects.toThrow(/getAuthorizerList: invalid params: \/count/);
    expect(mock.stats().requests).toBe(before);
    expect(JSON.stringify(list)).not.toMatch(/refreshtoken@@@example/);
  });
});

describe('pushes for another platform', () => {
  it('a push encrypted for another component appid is refused (400 bad_appid) and stores nothing', async () => {
    const other = { ...DEFAULT_MOCK_PLATFORM, componentAppid: 'wx0000mock0000othr' };
    const mock = createMockWechat({ tokenOverlapSeconds: 0, platforms: [other, DEFAULT_MOCK_PLATFORM] });
    const op = new OpenPlatform({ ...DEFAULT_MOCK_PLATFORM, fetch: (r: Request) => mock.handle(r), retry: false });
    const res = await op.pushHandler().fetch(mock.platform.verifyTicketPush({ componentAppid: other.componentAppid }));
    expect(res.status).toBe(400);
    expect(await res.text()).toBe('bad_appid');
    await expect(op.getComponentAccessToken()).rejects.toBeInstanceOf(WechatComponentTicketError);
  });
});
