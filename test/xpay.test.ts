// Virtual payment signatures (pay_sig, signature): known-answer vectors, the request the client
// builds (one serialization, both signatures over the bytes sent, session_key never sent, the env's
// AppKey), errors before any request, and the AppKeys never shown.
import { createHmac } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { MPTools, WechatValidationError, type WechatResult } from '../src/index.js';
import { xpayPaySig, xpayUserSig } from '../src/sign/xpay.js';
import { DEFAULT_MOCK_APP } from '../src/testing/index.js';
import { useMockWechat } from './helpers/msw.js';

const hmac = (key: string, msg: string) => createHmac('sha256', key).update(msg, 'utf8').digest('hex');

describe('xpay signatures: known answers', () => {
  // The example of WeChat's virtual payment guide (签名详解): uri /xpay/query_user_balance, AppKey "12345",
  // session_key "9hAb/NEYUlkaMBEsmFgzig==", the body as Python's json.dumps writes it (", " and ": ").
  const body = '{"openid": "xxx", "user_ip": "127.0.0.1", "env": 0}';
  it('pay_sig of the official example', () => {
    expect(xpayPaySig('12345', '/xpay/query_user_balance', body)).toBe('c37809f27c6d7fd1837ad2500a04512b66b34fd793a39a385fade56dca89a4b5');
  });
  it('signature (user) of the official example', () => {
    expect(xpayUserSig('9hAb/NEYUlkaMBEsmFgzig==', body)).toBe('089d9e8dc5d308977360c4b79ec600a93d736802802a807d634192328032f6c7');
  });
  it('agrees with an independent HMAC over uri & body (non-ASCII body)', () => {
    const b = JSON.stringify({ openid: 'o中文', env: 1, payitem: '[{"productid":"道具"}]' });
    expect(xpayPaySig('k-sandbox', '/xpay/currency_pay', b)).toBe(hmac('k-sandbox', `/xpay/currency_pay&${b}`));
    expect(xpayUserSig('s+k/ey==', b)).toBe(hmac('s+k/ey==', b));
  });
});

interface Seen {
  url: URL;
  text: string;
}

/** A client whose fetch records every request and answers like WeChat (token endpoint included). */
function recordingClient(xpay: { appKey?: string; sandboxAppKey?: string } | undefined, reply: Record<string, unknown> = { errcode: 0, errmsg: 'ok' }) {
  const seen: Seen[] = [];
  const fetch = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    seen.push({ url, text: await req.text() });
    const json = url.pathname === '/cgi-bin/stable_token' ? { access_token: 'TOKEN-abcdef-123456', expires_in: 7200 } : reply;
    return new Response(JSON.stringify(json), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  const mp = new MPTools({ appid: 'wx1234567890abcdef', secret: 'app-secret-xyz-0123456789', fetch, validateResponses: 'off', ...(xpay ? { xpay } : {}) });
  return { mp, seen };
}

const APP_KEY = 'prod-app-key-QWERTY-0123456789';
const SANDBOX_KEY = 'sandbox-app-key-ASDFGH-987654';
const SESSION_KEY = 'tiihtNczf5v6AKRyjwEUhQ==';

describe('xpay signatures: the request', () => {
  it('pay_sig + signature over the exact body sent; session_key never sent; production key for env 0', async () => {
    const { mp, seen } = recordingClient({ appKey: APP_KEY, sandboxAppKey: SANDBOX_KEY });
    const r = await mp.queryUserBalance({ openid: 'o-user-1', env: 0, user_ip: '1.2.3.4', session_key: SESSION_KEY });
    expect(r.errcode).toBe(0);
    const call = seen.find((s) => s.url.pathname === '/xpay/query_user_balance');
    expect(call).toBeDefined();
    const { url, text } = call as Seen;
    expect(JSON.parse(text)).toEqual({ openid: 'o-user-1', env: 0, user_ip: '1.2.3.4' });
    expect(text).not.toContain(SESSION_KEY);
    expect(url.searchParams.get('session_key')).toBeNull();
    expect(url.searchParams.get('access_token')).toBe('TOKEN-abcdef-123456');
    expect(url.searchParams.get('pay_sig')).toBe(hmac(APP_KEY, `/xpay/query_user_balance&${text}`));
    expect(url.searchParams.get('signature')).toBe(hmac(SESSION_KEY, text));
  });

  it('env 1 signs with the sandbox AppKey', async () => {
    const { mp, seen } = recordingClient({ appKey: APP_KEY, sandboxAppKey: SANDBOX_KEY });
    await mp.queryUserBalance({ openid: 'o-user-1', env: 1, user_ip: '1.2.3.4', session_key: SESSION_KEY });
    const { url, text } = seen.find((s) => s.url.pathname === '/xpay/query_user_balance') as Seen;
    expect(url.searchParams.get('pay_sig')).toBe(hmac(SANDBOX_KEY, `/xpay/query_user_balance&${text}`));
    expect(url.searchParams.get('pay_sig')).not.toBe(hmac(APP_KEY, `/xpay/query_user_balance&${text}`));
  });

  it('a body changed by user middleware is signed as changed (the signer runs last)', async () => {
    const seen: Seen[] = [];
    const fetch = async (req: Request): Promise<Response> => {
      seen.push({ url: new URL(req.url), text: await req.text() });
      return new Response('{"errcode":0,"errmsg":"ok"}', { status: 200, headers: { 'content-type': 'application/json' } });
    };
    const mp = new MPTools({
      appid: 'wx1234567890abcdef',
      accessToken: 'TOKEN-preset-0001',
      fetch,
      validateResponses: 'off',
      xpay: { appKey: APP_KEY },
      middleware: [{ onRequest: (ctx) => void (ctx.body && (ctx.body['user_ip'] = '9.9.9.9')) }],
    });
    await mp.queryUserBalance({ openid: 'o-user-1', env: 0, user_ip: '1.2.3.4', session_key: SESSION_KEY });
    const { url, text } = seen[0] as Seen;
    expect(JSON.parse(text)['user_ip']).toBe('9.9.9.9');
    expect(url.searchParams.get('pay_sig')).toBe(hmac(APP_KEY, `/xpay/query_user_balance&${text}`));
    expect(url.searchParams.get('signature')).toBe(hmac(SESSION_KEY, text));
  });

  it('a missing AppKey is a validation error naming the endpoint, before any request (not even the token)', async () => {
    const { mp, seen } = recordingClient(undefined);
    const err = await mp.queryUserBalance({ openid: 'o', env: 0, user_ip: '1.2.3.4', session_key: SESSION_KEY }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WechatValidationError);
    expect((err as WechatValidationError).operation).toBe('queryUserBalance');
    expect((err as Error).message).toMatch(/queryUserBalance.*xpay\.appKey/);
    expect(seen).toHaveLength(0);
  });

  it('env 1 without a sandbox AppKey names xpay.sandboxAppKey', async () => {
    const { mp, seen } = recordingClient({ appKey: APP_KEY });
    const err = await mp.queryUserBalance({ openid: 'o', env: 1, user_ip: '1.2.3.4', session_key: SESSION_KEY }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WechatValidationError);
    expect((err as Error).message).toMatch(/queryUserBalance.*sandboxAppKey/);
    expect(seen).toHaveLength(0);
  });

  it('a missing session_key (user signature) is a validation error before any request', async () => {
    const { mp, seen } = recordingClient({ appKey: APP_KEY });
    const err = await mp.call('queryUserBalance', { openid: 'o', env: 0, user_ip: '1.2.3.4' } as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WechatValidationError);
    expect((err as Error).message).toMatch(/queryUserBalance.*session_key/);
    expect(seen).toHaveLength(0);
  });

  it('the AppKeys never show in util.inspect or JSON.stringify of the client, nor in errors', async () => {
    const { mp } = recordingClient({ appKey: APP_KEY, sandboxAppKey: SANDBOX_KEY });
    const shown = `${inspect(mp, { depth: 10, showHidden: true })}\n${JSON.stringify(mp)}`;
    expect(shown).not.toContain(APP_KEY);
    expect(shown).not.toContain(SANDBOX_KEY);
    const noSandbox = recordingClient({ appKey: APP_KEY }).mp;
    const err = (await noSandbox.queryUserBalance({ openid: 'o', env: 1, user_ip: '1.2.3.4', session_key: SESSION_KEY }).catch((e: unknown) => e)) as Error;
    expect(`${err.message}\n${String(err.stack)}\n${JSON.stringify(err)}\n${inspect(err)}`).not.toContain(APP_KEY);
  });
});

describe('xpay signatures: against the mock WeChat', () => {
  const mock = useMockWechat();

  it('the mock accepts the signed call (it checks pay_sig with the app AppKey)', async () => {
    const mp = new MPTools({ ...DEFAULT_MOCK_APP, validateResponses: 'throw' });
    const r = (await mp.queryUserBalance({ openid: 'o-user-1', env: 1, user_ip: '1.2.3.4', session_key: SESSION_KEY })) as WechatResult;
    expect(r.errcode).toBe(0);
  });

  it('a wrong AppKey is refused by the mock (268490003)', async () => {
    const mp = new MPTools({ ...DEFAULT_MOCK_APP, xpay: { appKey: 'not-the-right-key' } });
    const r = await mp.queryUserBalance({ openid: 'o-user-1', env: 0, user_ip: '1.2.3.4', session_key: SESSION_KEY });
    expect(r.errcode).toBe(268490003);
  });

  it('re-signs the retry after a token error', async () => {
    const mp = new MPTools({ ...DEFAULT_MOCK_APP });
    await mp.queryUserBalance({ openid: 'o-user-1', env: 0, user_ip: '1.2.3.4', session_key: SESSION_KEY });
    mock.expireTokens();
    const r = await mp.queryUserBalance({ openid: 'o-user-1', env: 0, user_ip: '1.2.3.4', session_key: SESSION_KEY });
    expect(r.errcode).toBe(0);
    expect(mock.stats().tokenRequests.total).toBe(2);
  });
});
