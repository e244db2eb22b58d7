// Property test: random secrets (appsecret, access_token, session_key, js_code, refresh_token,
// user tokens) never appear in logs, error messages, error.cause messages, JSON.stringify or
// util.inspect of a WechatData or an error — over every logging and error path.
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { MPTools, OATools, type Logger, type WechatClient } from '../src/index.js';
import { createMockWechat } from '../src/testing/index.js';

const ROUNDS = 25;
const secret = () => randomBytes(12 + Math.floor(Math.random() * 20)).toString('base64url');

function capture(): Logger & { text: () => string } {
  const lines: string[] = [];
  const push = (obj: object, msg?: string) => void lines.push(`${msg ?? ''} ${JSON.stringify(obj)} ${inspect(obj, { depth: 8 })}`);
  return { debug: push, info: push, warn: push, error: push, text: () => lines.join('\n') };
}

function surface(value: unknown): string {
  if (value instanceof Error) {
    const cause = value.cause instanceof Error ? `${value.cause.message} ${String(value.cause.stack)}` : String(value.cause ?? '');
    return `${value.message}\n${String(value.stack)}\n${JSON.stringify(value)}\n${inspect(value, { depth: 8 })}\n${cause}`;
  }
  return `${JSON.stringify(value)}\n${inspect(value, { depth: 8 })}`;
}

describe('no secret leaks (random secrets, every path)', () => {
  it(`${ROUNDS} rounds over logs, replies and errors`, async () => {
    let checks = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const s = { appsecret: secret(), jsCode: secret(), sessionKey: `${secret()}==`, userToken: secret(), refresh: secret(), code: secret() };
      const app = { appid: `wx${randomBytes(8).toString('hex')}`, secret: s.appsecret };
      const mock = createMockWechat({ apps: [app], tokenOverlapSeconds: 0 });
      const logger = capture();
      const fetch = (r: Request) => mock.handle(r);
      const mp: WechatClient = new MPTools({ ...app, fetch, debug: true, logger, retry: { retries: 1, minDelayMs: 1, maxDelayMs: 1 } });
      const oa: WechatClient = new OATools({ ...app, fetch, debug: true, logger });
      const seen: unknown[] = [];
      const grab = async (p: Promise<unknown>) => seen.push(await p.catch((e: unknown) => e));

      mock.on('code2Session', { openid: 'o', session_key: s.sessionKey });
      await grab(mp.call('code2Session', { js_code: s.jsCode }));
      await grab(mp.call('checkSessionKey', { openid: 'o', session_key: s.sessionKey }));
      mock.on('getWebAccessToken', { access_token: s.userToken, refresh_token: s.refresh, openid: 'o', expires_in: 7200, scope: 'snsapi_base' });
      await grab(oa.call('getWebAccessToken', { code: s.code }));
      await grab(oa.call('refreshWebAccessToken', { refresh_token: s.refresh }));
      await grab(oa.call('getSnsUserInfo', { access_token: s.userToken, openid: 'o' }));
      // error paths: errcode thrown, token error retried, network, HTTP error page, bad JSON, validation, timeout
      mock.on('getPhoneNumber', { errcode: 40029, errmsg: `invalid code ${s.code}` });
      await grab(mp.call('getPhoneNumber', { code: s.code }, { throwOnError: true }));
      mock.failNext('getPaidUnionId', 42001);
      await grab(mp.call('getPaidUnionId', { openid: 'o', transaction_id: '1' }));
      mock.failNext('getPaidUnionId', 'network');
      mock.failNext('getPaidUnionId', 'network');
      await grab(mp.call('getPaidUnionId', { openid: 'o', transaction_id: '1' }));
      mock.failNext('getPaidUnionId', { status: 500, body: `<html>${s.appsecret}</html>` });
      await grab(mp.call('getPaidUnionId', { openid: 'o', transaction_id: '1' }, { retry: false }));
      mock.failNext('getPaidUnionId', { status: 200, body: `{"access_token":"${s.userToken}","x`, contentType: 'application/json' });
      await grab(mp.call('getPaidUnionId', { openid: 'o', transaction_id: '1' }));
      await grab(mp.call('code2Session', { js_code: 42 }));
      mock.failNext('sendSubscribeMessage', 'timeout');
      await grab(mp.call('sendSubscribeMessage', { touser: 'o', template_id: 't', data: {} }, { timeoutMs: 20 }));
      const wrong = new MPTools({ appid: app.appid, secret: `${s.appsecret}x`, fetch, logger });
      await grab(wrong.getAccessToken());
      const token = await mp.getAccessToken();

      const everything = [logger.text(), ...seen.map(surface)].join('\n');
      for (const value of [s.appsecret, s.jsCode, s.sessionKey, s.userToken, s.refresh, s.code, token]) {
        const at = everything.indexOf(value);
        expect(at, `round ${round} leaked a secret: …${everything.slice(Math.max(0, at - 300), at + 40)}…`).toBe(-1);
        checks++;
      }
      expect(seen.length).toBe(13);
    }
    expect(checks).toBe(ROUNDS * 7);
  });
});

describe('tickets are secrets too', () => {
  it("getTicket's jsapi ticket is not in JSON.stringify or inspect of the result (the field itself keeps it)", async () => {
    const app = { appid: 'wx_ticket_app_0001', secret: secret() };
    const mock = createMockWechat({ apps: [app] });
    const oa = new OATools({ ...app, fetch: (r: Request) => mock.handle(r) });
    mock.on('getTicket', { ticket: 'TICKET_SHOULD_NOT_PRINT_0123456789', expires_in: 7200 });
    const r = await oa.getTicket({ type: 'jsapi' });
    expect((r as unknown as { ticket: string }).ticket).toBe('TICKET_SHOULD_NOT_PRINT_0123456789');
    expect(surface(r)).not.toContain('TICKET_SHOULD_NOT_PRINT');
  });
});
