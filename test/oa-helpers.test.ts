// Official Account helpers: JS-SDK config and ticket cache, web OAuth user tokens.
import { describe, expect, it } from 'vitest';
import { jsSdkSignature, OATools, WechatReauthorizeError, type TokenCache } from '../src/index.js';
import { DEFAULT_MOCK_APP } from '../src/testing/index.js';
import { useMockWechat } from './helpers/msw.js';

const mock = useMockWechat();
const app = DEFAULT_MOCK_APP;

describe('JS-SDK', () => {
  it('getJsSdkConfig signs the URL without its fragment, with the cached ticket', async () => {
    const oa = new OATools(app);
    const cfg = await oa.getJsSdkConfig({ url: 'https://example.com/page?a=1#section', jsApiList: ['chooseImage'], openTagList: ['wx-open-launch-weapp'] });
    const ticket = await oa.getJsApiTicket();
    expect(cfg.appId).toBe(app.appid);
    expect(cfg.signature).toBe(jsSdkSignature({ ticket, nonceStr: cfg.nonceStr, timestamp: cfg.timestamp, url: 'https://example.com/page?a=1' }));
    expect(cfg).toMatchObject({ debug: false, jsApiList: ['chooseImage'], openTagList: ['wx-open-launch-weapp'] });
    expect(mock.stats().calls['getTicket']).toBe(1);
  });

  it('the ticket is single-flight and cached per appid and type', async () => {
    const oa = new OATools(app);
    const tickets = await Promise.all(Array.from({ length: 50 }, () => oa.getJsApiTicket()));
    expect(new Set(tickets).size).toBe(1);
    await oa.getJsApiTicket('wx_card');
    expect(mock.stats().calls['getTicket']).toBe(2);
  });

  it('a ticket reported invalid is dropped once and fetched again', async () => {
    const oa = new OATools(app);
    let n = 0;
    mock.on('getTicket', () => ({ errcode: 0, errmsg: 'ok', ticket: `T${++n}`, expires_in: 7200 }));
    const t1 = await oa.getJsApiTicket();
    const t2 = await oa.refreshJsApiTicket('jsapi', t1);
    expect([t1, t2]).toEqual(['T1', 'T2']);
    expect(await oa.refreshJsApiTicket('jsapi', t1)).toBe('T2'); // already replaced: kept
  });
});

describe('web OAuth user tokens', () => {
  it('loginWithCode keeps the tokens; getUserAccessToken refreshes an expired one; reauthorize when gone', async () => {
    const store = new Map<string, unknown>();
    const cache: TokenCache = { get: (k) => store.get(k), set: (k, v) => void store.set(k, v), delete: (k) => store.delete(k) };
    const oa = new OATools({ ...app, cache });
    mock.on('getWebAccessToken', { access_token: 'UAT1', expires_in: 7200, refresh_token: 'RT1', openid: 'OPENID', scope: 'snsapi_userinfo' });
    mock.on('refreshWebAccessToken', { access_token: 'UAT2', expires_in: 7200, refresh_token: 'RT2', openid: 'OPENID', scope: 'snsapi_userinfo' });
    const login = await oa.loginWithCode('CODE');
    expect(login.ok).toBe(true);
    expect(await oa.getUserAccessToken('OPENID')).toBe('UAT1');
    const key = `wechat-tools:web_token:${app.appid}:OPENID`;
    store.set(key, { ...(store.get(key) as object), expiresAt: Date.now() - 1 });
    expect(await oa.getUserAccessToken('OPENID')).toBe('UAT2');
    expect(mock.stats().calls['refreshWebAccessToken']).toBe(1);
    expect(mock.stats().tokenRequests.total).toBe(0);
    await expect(oa.getUserAccessToken('SOMEONE_ELSE')).rejects.toBeInstanceOf(WechatReauthorizeError);
    store.set(key, { ...(store.get(key) as object), expiresAt: Date.now() - 1 });
    mock.on('refreshWebAccessToken', { errcode: 42002, errmsg: 'refresh_token expired' });
    await expect(oa.getUserAccessToken('OPENID')).rejects.toBeInstanceOf(WechatReauthorizeError);
  });

  it('getQrConnectUrl builds the website login URL', () => {
    const oa = new OATools({ ...app, redirectUri: 'https://example.com/cb' });
    expect(oa.getQrConnectUrl({ state: 's' })).toBe(`https://open.weixin.qq.com/connect/qrconnect?appid=${app.appid}&redirect_uri=https%3A%2F%2Fexample.com%2Fcb&response_type=code&scope=snsapi_login&state=s#wechat_redirect`);
  });
});
