// Calls: binary replies, validation before the network, throwOnError, typed transport errors,
// logging without secrets, session_key signatures, raw requests.
import { describe, expect, it } from 'vitest';
import {
  MPTools,
  OATools,
  WechatAbortError,
  WechatError,
  WechatNetworkError,
  WechatResponseError,
  WechatTimeoutError,
  WechatToolsError,
  WechatValidationError,
  type Logger,
  type WechatClient,
} from '../src/index.js';
import { DEFAULT_MOCK_APP } from '../src/testing/index.js';
import { useMockWechat } from './helpers/msw.js';

const mock = useMockWechat();
const app = DEFAULT_MOCK_APP;

function captureLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (obj: object, msg?: string) => void lines.push(`${level} ${msg ?? ''} ${JSON.stringify(obj)}`);
  return { lines, debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') };
}

describe('binary replies', () => {
  it('createQRCode gives the bytes and their content type', async () => {
    const mp = new MPTools(app);
    const r = await mp.createQRCode({ path: 'pages/index/index' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.buffer).toBeInstanceOf(Uint8Array);
    expect(r.buffer[0]).toBe(0xff);
    expect(r.contentType).toBe('image/jpeg');
    expect(r.resultJson).toBeUndefined();
  });

  it('a JSON answer from an image endpoint is an error WechatData', async () => {
    const mp = new MPTools(app);
    mock.on('getUnlimitedQRCode', { errcode: 41030, errmsg: 'invalid page' });
    const r = await mp.getUnlimitedQRCode({ scene: 'a=1', page: 'pages/x/x' });
    expect(r.ok).toBe(false);
    expect(r.errcode).toBe(41030);
    expect(r.buffer).toBeUndefined();
  });

  it('a JSON error labelled image/jpeg is still read as the error', async () => {
    const mp = new MPTools(app);
    mock.on('getQRCode', { status: 200, body: '{"errcode":45029,"errmsg":"qrcode count out of limit rid: 1-2-3"}', contentType: 'image/jpeg' });
    const r = await mp.getQRCode({ path: 'pages/index/index' });
    expect(r.errcode).toBe(45029);
  });
});

describe('validation before the network', () => {
  it.each([
    ['getUnlimitedQRCode', { scene: 'x'.repeat(33) }, '/scene'],
    ['getUnlimitedQRCode', { scene: 'ok', width: 5000 }, '/width'],
    ['getUnlimitedQRCode', { scene: 'ok', line_color: { r: 0, g: 300, b: 0 } }, '/line_color/g'],
    ['code2Session', {}, '/js_code'],
    ['getPhoneNumber', { code: 42 }, '/code'],
    ['msgSecCheck', { content: 'x', version: 1, scene: 2, openid: 'o' }, '/version'],
    ['getPaidUnionId', { openid: 'o', mch_id: '1' }, ''],
  ])('%s %j → error naming %s', async (op, params, field) => {
    const mp = new MPTools(app);
    const err = await (mp as WechatClient).call(op, params).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WechatValidationError);
    expect((err as WechatValidationError).operation).toBe(op);
    expect((err as WechatValidationError).field).toBe(field);
    expect((err as Error).message).toContain(op);
    if (field) expect((err as Error).message).toContain(field);
    expect(mock.stats().requests).toBe(0);
  });

  it('extra fields WeChat may add later pass through', async () => {
    const mp = new MPTools(app);
    const r = await (mp as WechatClient).call('getPhoneNumber', { code: 'abc', brand_new_field: 1 });
    expect(r.errcode).toBe(0);
  });

  it('an unknown operation is a clear error', async () => {
    const mp = new MPTools(app);
    await expect((mp as WechatClient).call('noSuchThing', {})).rejects.toThrow(/MPTools has no operation "noSuchThing"/);
  });
});

describe('replies', () => {
  it('extra reply fields are kept; a reply that breaks the schema is reported (throw mode)', async () => {
    const mp = new MPTools({ ...app, validateResponses: 'throw' });
    mock.on('code2Session', { openid: 'o1', session_key: 'sk', future_field: [1, 2] });
    const r = await mp.code2Session({ js_code: 'c' });
    expect((r as unknown as Record<string, unknown>)['future_field']).toEqual([1, 2]);
    mock.on('code2Session', { openid: 42 });
    await expect(mp.code2Session({ js_code: 'c' })).rejects.toThrow(/code2Session.*\/openid/);
  });

  it('in the default warn mode a bad reply is logged once and returned', async () => {
    const logger = captureLogger();
    const mp = new MPTools({ ...app, logger });
    mock.on('code2Session', { openid: 42 });
    const r = await mp.code2Session({ js_code: 'c' });
    expect(r.openid).toBe(42);
    expect(logger.lines.some((l) => l.startsWith('warn') && l.includes('/openid'))).toBe(true);
  });

  it('throwOnError throws WechatError with errcode, errmsg, operation and rid', async () => {
    const mp = new MPTools({ ...app, throwOnError: true });
    mock.on('code2Session', { errcode: 40029, errmsg: 'invalid code rid: 6592d9a9-1bb4d1d8-0c5a0ae2' });
    const err = await mp.code2Session({ js_code: 'c' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WechatError);
    expect(err).toMatchObject({ errcode: 40029, operation: 'code2Session', rid: '6592d9a9-1bb4d1d8-0c5a0ae2' });
    expect((err as Error).message).toContain('不合法或无效的 code');
  });

  it('per-call throwOnError overrides the client option', async () => {
    const mp = new MPTools(app);
    mock.on('code2Session', { errcode: 40029, errmsg: 'invalid code' });
    await expect(mp.code2Session({ js_code: 'c' }, { throwOnError: true })).rejects.toBeInstanceOf(WechatError);
  });

  it('a 64-bit id keeps every digit', async () => {
    const oa = new OATools(app);
    mock.on('sendTemplateMessage', { status: 200, body: '{"errcode":0,"errmsg":"ok","msgid":3487542469355618313}', contentType: 'application/json' });
    const r = await oa.sendTemplateMessage({ touser: 'o', template_id: 't', data: { a: { value: 1 } } });
    expect(r.msgid).toBe('3487542469355618313');
  });

  it('text/plain JSON is read as JSON', async () => {
    const mp = new MPTools(app);
    mock.on('getPhoneNumber', { status: 200, body: '{"errcode":0,"errmsg":"ok","phone_info":{"phoneNumber":"1"}}', contentType: 'text/plain' });
    const r = await mp.getPhoneNumber({ code: 'x' });
    expect(r.phone_info?.phoneNumber).toBe('1');
  });
});

describe('transport failures are typed', () => {
  it('a dropped connection → WechatNetworkError with the cause', async () => {
    const mp = new MPTools(app);
    await mp.getAccessToken();
    mock.failNext('getPhoneNumber', 'network');
    const err = await mp.getPhoneNumber({ code: 'x' }, { retry: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WechatNetworkError);
    expect((err as Error).cause).toBeDefined();
  });

  it('no answer → WechatTimeoutError; a send says it may have happened', async () => {
    const oa = new OATools({ ...app, timeoutMs: 50 });
    await oa.getAccessToken();
    mock.failNext('sendTemplateMessage', 'timeout');
    const err = await oa.sendTemplateMessage({ touser: 'o', template_id: 't', data: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WechatTimeoutError);
    expect((err as Error).message).toMatch(/may have happened/);
  });

  it('the caller aborting → WechatAbortError', async () => {
    const mp = new MPTools(app);
    await mp.getAccessToken();
    mock.failNext('getPhoneNumber', 'timeout');
    const ctl = new AbortController();
    const p = mp.getPhoneNumber({ code: 'x' }, { signal: ctl.signal });
    setTimeout(() => ctl.abort(), 20);
    await expect(p).rejects.toBeInstanceOf(WechatAbortError);
  });

  it.each([
    [{ status: 502, body: '<html>Bad Gateway</html>', contentType: 'text/html' }, /HTTP error \(HTTP 502/],
    [{ status: 200, body: '{"errcode":0,"phone_in', contentType: 'application/json' }, /not valid JSON/],
    [{ status: 200, body: '', contentType: 'application/json' }, /empty reply/],
  ])('%j → WechatResponseError', async (failure, message) => {
    const mp = new MPTools(app);
    await mp.getAccessToken();
    mock.failNext('getPhoneNumber', failure);
    const err = await mp.getPhoneNumber({ code: 'x' }, { retry: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WechatResponseError);
    expect((err as Error).message).toMatch(message);
  });

  it('a non-2xx with a WeChat errcode is a WechatData', async () => {
    const mp = new MPTools(app);
    await mp.getAccessToken();
    mock.failNext('getPhoneNumber', { status: 503, body: '{"errcode":-1,"errmsg":"system error"}', contentType: 'application/json' });
    const r = await mp.getPhoneNumber({ code: 'x' }, { retry: false });
    expect(r.errcode).toBe(-1);
    expect(r.requestResult.status).toBe(503);
  });
});

describe('secrets stay out of logs, errors and JSON', () => {
  it('debug logging names operation, path, status and time, never a secret', async () => {
    const logger = captureLogger();
    const mp = new MPTools({ ...app, debug: true, logger });
    const session = await mp.code2Session({ js_code: 'JSCODE_SECRET_123' });
    const token = await mp.getAccessToken();
    await mp.checkSessionKey({ openid: 'o', session_key: 'SESSION_KEY_SECRET' });
    const all = logger.lines.join('\n');
    expect(all).toContain('"operation":"code2Session"');
    expect(all).toContain('"path":"/sns/jscode2session"');
    expect(all).toMatch(/"status":200/);
    expect(all).toMatch(/"ms":/);
    for (const secret of [app.secret, token, 'JSCODE_SECRET_123', 'SESSION_KEY_SECRET', String(session.session_key)]) expect(all).not.toContain(secret);
    expect(JSON.stringify(session)).not.toContain(String(session.session_key));
    expect(JSON.stringify(session)).toContain('[redacted]');
  });

  it('error messages and their JSON carry no secret', async () => {
    const mp = new MPTools({ ...app, secret: 'SUPER_SECRET_VALUE', throwOnError: true });
    const err = (await mp.getPhoneNumber({ code: 'x' }).catch((e: unknown) => e)) as WechatToolsError;
    expect(err).toBeInstanceOf(WechatError);
    expect(`${err.message} ${JSON.stringify(err)} ${String(err.stack)}`).not.toContain('SUPER_SECRET_VALUE');
  });
});

describe('session_key instead of signature', () => {
  it('checkSessionKey computes hmac_sha256(session_key, "") and never sends the key', async () => {
    const mp = new MPTools(app);
    let seen: Record<string, string> = {};
    mock.on('checkSessionKey', (req) => {
      seen = req.query;
      return { errcode: 0, errmsg: 'ok' };
    });
    await mp.checkSessionKey({ openid: 'o', session_key: 'tiihtNczf5v6AKRyjwEUhQ==' });
    expect(seen['signature']).toBe('7154f9f8b4b76b92f541cbf0e37d48840fa06e5e42da92a6f80168a1516a4735');
    expect(seen['sig_method']).toBe('hmac_sha256');
    expect(Object.values(seen)).not.toContain('tiihtNczf5v6AKRyjwEUhQ==');
  });
});

describe('request() for an endpoint without a spec', () => {
  it('gets the token, retry and WechatData', async () => {
    const mp = new MPTools(app);
    mock.on('getPhoneNumber', { errcode: 0, errmsg: 'ok', anything: true });
    const r = await mp.request({ method: 'POST', path: '/wxa/business/getuserphonenumber', body: { code: 'x' } });
    expect(r.errcode).toBe(0);
    expect((r as unknown as Record<string, unknown>)['anything']).toBe(true);
  });
});

describe('web OAuth authorize URL', () => {
  it('puts the parameters in WeChat order with #wechat_redirect', () => {
    const oa = new OATools({ ...app, redirectUri: 'https://example.com/wx_login?x=1' });
    expect(oa.getAuthorizeUrl({ scope: 'snsapi_userinfo', state: 'abc' })).toBe(
      `https://open.weixin.qq.com/connect/oauth2/authorize?appid=${app.appid}&redirect_uri=https%3A%2F%2Fexample.com%2Fwx_login%3Fx%3D1&response_type=code&scope=snsapi_userinfo&state=abc#wechat_redirect`,
    );
    expect(() => new OATools(app).getAuthorizeUrl({ scope: 'snsapi_base' })).toThrow(/redirectUri/);
  });

  it('the user-token endpoints never touch the app token', async () => {
    const oa = new OATools(app);
    const t = await oa.getWebAccessToken({ code: 'CODE' });
    expect(t.access_token).toBe('ACCESS_TOKEN');
    await oa.getSnsUserInfo({ access_token: 'USER_TOKEN', openid: 'OPENID' });
    await oa.refreshWebAccessToken({ refresh_token: 'R' });
    expect(mock.stats().tokenRequests.total).toBe(0);
  });
});

describe('multipart uploads', () => {
  it.each([
    ['a file path', 'spec/miniprogram/sec-center/_fixtures/pixel.png', 'pixel.png', 'image/png'],
    ['a Blob', new Blob([Buffer.from('abc')], { type: 'image/jpeg' }), 'media.jpg', 'image/jpeg'],
    ['bytes with a filename', { data: new Uint8Array([1, 2, 3]), filename: 'voice.amr' }, 'voice.amr', 'audio/amr'],
  ])('uploadTempMedia takes %s', async (_n, media, filename, type) => {
    const mp = new MPTools(app);
    let seen: Record<string, unknown> = {};
    mock.on('uploadTempMedia', (req) => {
      seen = { ...req.body, type: req.query['type'] };
      return { type: 'image', media_id: 'MEDIA_ID', created_at: 1 };
    });
    const r = await mp.uploadTempMedia({ type: 'image', media });
    expect(r.errcode).toBe(0);
    expect(seen['type']).toBe('image');
    expect(seen['media']).toMatchObject({ filename, type });
  });

  it('a bad upload value is a validation error naming the field', async () => {
    const mp = new MPTools(app);
    await expect(mp.uploadTempMedia({ type: 'image', media: 42 as unknown as string })).rejects.toThrow(/uploadTempMedia: invalid params: \/media/);
  });
});

describe('ownAppid', () => {
  it("clearQuota's body appid is the client's own when left out", async () => {
    const mp = new MPTools(app);
    let body: Record<string, unknown> = {};
    mock.on('clearQuota', (req) => {
      body = req.body;
      return { errcode: 0, errmsg: 'ok' };
    });
    await mp.clearQuota();
    expect(body['appid']).toBe(app.appid);
    await mp.clearQuota({ appid: 'wx_explicit' });
    expect(body['appid']).toBe('wx_explicit');
  });
});
