// The mock WeChat's side of API security: an app configured with keys (the default mock app) is
// called encrypted and signed on every marked endpoint and answered in kind; a plain call from it,
// a bad signature, a wrong key or a stale timestamp gets WeChat's errcode in the clear.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { endpointTable } from '../generated/endpoints.js';
import { MPTools, WechatApiSecurityError, type ApiSecurityOptions } from '../src/index.js';
import { createMockWechat, DEFAULT_MOCK_APP, DEFAULT_MOCK_API_SECURITY } from '../src/testing/index.js';

interface Wire {
  path: string;
  query: string[];
  body: string;
  signed: boolean;
  replySigned: boolean;
  replyBody: string;
}

/** A client that talks to the mock through a recording fetch: what went over the wire, both ways. */
function wiredClient(apiSecurity: ApiSecurityOptions | null, mock = createMockWechat(), validateParams = true) {
  const wire: Wire[] = [];
  const fetch = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    const body = req.method === 'POST' ? await req.clone().text() : '';
    const res = await mock.handle(req);
    const replyBody = await res.clone().text();
    wire.push({ path: url.pathname, query: [...url.searchParams.keys()], body, signed: req.headers.has('Wechatmp-Signature'), replySigned: res.headers.has('Wechatmp-Signature'), replyBody });
    return res;
  };
  const { apiSecurity: _defaultKeys, ...app } = DEFAULT_MOCK_APP;
  const mp = new MPTools({ ...app, fetch, validateParams, validateResponses: 'throw', ...(apiSecurity ? { apiSecurity } : {}) });
  return { mp, mock, wire, last: (path: string) => wire.filter((w) => w.path === path).at(-1) };
}

describe('mock WeChat: API security', () => {
  it('the default mock app carries test keys, and the spec marks the intra-city APIs required', () => {
    expect(DEFAULT_MOCK_APP.apiSecurity).toBe(DEFAULT_MOCK_API_SECURITY);
    const marked = endpointTable.filter((r) => r.apiSecurity);
    const intracity = endpointTable.filter((r) => r.path.startsWith('/cgi-bin/express/intracity/'));
    for (const r of intracity) expect([r.op, r.apiSecurity]).toEqual([r.op, r.op === 'intracityApply' ? undefined : 'required']);
    expect(marked.filter((r) => r.apiSecurity === 'supported').map((r) => r.op).sort()).toEqual(['getApiQuota', 'getDailyRetain', 'getDomainInfo', 'getRidInfo', 'getUserRiskRank', 'invokeService']);
  });

  it('an intra-city call goes encrypted and signed, and the mock answers sealed: the spec example comes back', async () => {
    const { mp, mock, last } = wiredClient(DEFAULT_MOCK_API_SECURITY);
    mock.on('intracityGetCity', { errcode: 0, errmsg: 'ok', support_list: [{ service_trans_id: 'SFTC', city_list: [{ city_name: '北京市', city_code: 110000 }] }] });
    const r = await mp.intracityGetCity({ service_trans_id: 'SFTC' });
    expect(r.errcode).toBe(0);
    expect(r.support_list).toEqual([{ service_trans_id: 'SFTC', city_list: [{ city_name: '北京市', city_code: 110000 }] }]);
    const w = last('/cgi-bin/express/intracity/getcity');
    expect(w?.signed).toBe(true);
    expect(w?.query).toEqual(['access_token']);
    expect(Object.keys(JSON.parse(w?.body ?? '{}'))).toEqual(['iv', 'data', 'authtag']);
    expect(w?.body).not.toContain('SFTC');
    expect(w?.replySigned).toBe(true);
    expect(Object.keys(JSON.parse(w?.replyBody ?? '{}'))).toEqual(['iv', 'data', 'authtag']);
    expect(w?.replyBody).not.toContain('北京市');
    expect(mock.stats().calls['intracityGetCity']).toBe(1);
  });

  it('the mock validates the decrypted params: a bad param is 47001, answered sealed', async () => {
    const { mp, last } = wiredClient(DEFAULT_MOCK_API_SECURITY, createMockWechat(), false);
    const r = await mp.call('intracityGetCity', { service_trans_id: 7 as unknown as string }); // a wrong type, past the client's own check
    expect(r.errcode).toBe(47001);
    expect(r.errmsg).toMatch(/service_trans_id/);
    expect(last('/cgi-bin/express/intracity/getcity')?.signed).toBe(true);
    expect(last('/cgi-bin/express/intracity/getcity')?.replySigned).toBe(true);
  });

  it('a supported endpoint without the client option, from an app with keys: 40232 in the clear', async () => {
    const { mp, last } = wiredClient(null);
    const r = await mp.getUserRiskRank({ openid: 'o-1', scene: 0, client_ip: '203.0.113.7' });
    expect(r.errcode).toBe(40232);
    expect(r.errmsg).toMatch(/^API_Missing_Wechatmp_Signature rid: /);
    expect(last('/wxa/getuserriskrank')?.replySigned).toBe(false);
  });

  it('an app without keys in the mock calls supported endpoints in the clear', async () => {
    const { apiSecurity: _k, ...plainApp } = DEFAULT_MOCK_APP;
    const { mp, last } = wiredClient(null, createMockWechat({ apps: [plainApp] }));
    const r = await mp.getUserRiskRank({ openid: 'o-1', scene: 0, client_ip: '203.0.113.7' });
    expect(r.errcode).toBe(0);
    expect(last('/wxa/getuserriskrank')?.signed).toBe(false);
  });

  it('a signature by another private key: 40234; another symmetric key: 40235; another platform certificate on the client: a WechatApiSecurityError', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const wrongSigner = wiredClient({ ...DEFAULT_MOCK_API_SECURITY, privateKey: other.privateKey });
    expect((await wrongSigner.mp.getUserRiskRank({ openid: 'o-1', scene: 0, client_ip: '203.0.113.7' })).errcode).toBe(40234);
    const wrongAes = wiredClient({ ...DEFAULT_MOCK_API_SECURITY, aesKey: Buffer.alloc(32, 1).toString('base64') });
    expect((await wrongAes.mp.getUserRiskRank({ openid: 'o-1', scene: 0, client_ip: '203.0.113.7' })).errcode).toBe(40235);
    const wrongCert = wiredClient({ ...DEFAULT_MOCK_API_SECURITY, platformCert: other.publicKey });
    const err = await wrongCert.mp.getUserRiskRank({ openid: 'o-1', scene: 0, client_ip: '203.0.113.7' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WechatApiSecurityError);
    expect((err as WechatApiSecurityError).reason).toBe('bad-signature');
  });

  it('the wire checks: missing headers and a stale timestamp get the documented errcodes', async () => {
    const mock = createMockWechat();
    const token = mock.tokens.stable(DEFAULT_MOCK_APP.appid, false);
    const accessToken = 'access_token' in token ? String(token.access_token) : '';
    const post = (headers: Record<string, string>) =>
      mock.handle(new Request(`https://api.weixin.qq.com/wxa/getuserriskrank?access_token=${accessToken}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"iv":"","data":"","authtag":""}' })).then((r) => r.json() as Promise<{ errcode: number }>);
    const now = String(Math.floor(Date.now() / 1000));
    const full = { 'Wechatmp-Signature': 'c2ln', 'Wechatmp-Appid': DEFAULT_MOCK_APP.appid, 'Wechatmp-TimeStamp': now, 'Wechatmp-Serial': 'sn' };
    const without = (k: keyof typeof full) => Object.fromEntries(Object.entries(full).filter(([h]) => h !== k));
    expect((await post(without('Wechatmp-Appid'))).errcode).toBe(40233);
    expect((await post(without('Wechatmp-TimeStamp'))).errcode).toBe(40231);
    expect((await post(without('Wechatmp-Serial'))).errcode).toBe(40230);
    expect((await post({ ...full, 'Wechatmp-TimeStamp': String(Number(now) - 3600) })).errcode).toBe(40240);
    expect((await post({ ...full, 'Wechatmp-Appid': 'wx-not-known' })).errcode).toBe(40236);
    expect((await post(full)).errcode).toBe(40234);
  });
});
