// Issue 17 (push): a misconfigured handler says what is wrong. A safe-mode push to a handler without
// an EncodingAESKey names the missing key; refused pushes are logged at warn, redacted, without the Token.
import { describe, expect, it } from 'vitest';
import { createPushHandler, WechatCrypto, type Logger } from '../src/index.js';

const token = 'DiagnosticsToken77';
const encodingAESKey = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const appid = 'wxdiagnostics0001';
const crypto = new WechatCrypto({ token, encodingAESKey, appid });
const now = () => String(Math.floor(Date.now() / 1000));

function recorder(): { logger: Logger; lines: { level: string; obj: object; msg: string }[] } {
  const lines: { level: string; obj: object; msg: string }[] = [];
  const at = (level: string) => (obj: object, msg?: string) => void lines.push({ level, obj, msg: msg ?? '' });
  return { logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

function safeRequest(c: WechatCrypto, timestamp = now()): Request {
  const nonce = 'n1';
  const encrypt = c.encrypt('<xml><ToUserName>gh</ToUserName><FromUserName>u</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>x</Content><MsgId>1</MsgId></xml>', Buffer.alloc(16, 7)); // fixed random: a deterministic ciphertext
  return new Request(`https://example.com/w?timestamp=${timestamp}&nonce=${nonce}&encrypt_type=aes&msg_signature=${c.msgSignature(timestamp, nonce, encrypt)}`, { method: 'POST', body: `<xml><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>` });
}

describe('push diagnostics', () => {
  it('a safe-mode message to a handler without encodingAESKey says so (not bad_key_length)', async () => {
    const { logger, lines } = recorder();
    const push = createPushHandler({ token, appid, logger }, () => undefined);
    const r = await push.fetch(safeRequest(crypto));
    const body = await r.text();
    expect(r.status).toBe(500);
    expect(body).toMatch(/^no_aes_key/);
    expect(body).toContain('this handler has no encodingAESKey but WeChat sent a safe-mode message');
    expect(lines.find((l) => l.level === 'warn')?.msg).toContain('no encodingAESKey');
  });

  it.each([
    ['a wrong Token', () => safeRequest(new WechatCrypto({ token: 'SomeOtherToken', encodingAESKey, appid })), 'bad_signature', /Token of the server configuration/],
    ['a stale timestamp', () => safeRequest(crypto, String(Math.floor(Date.now() / 1000) - 3600)), 'stale_timestamp', /window/],
    ['another appid', () => safeRequest(new WechatCrypto({ token, encodingAESKey, appid: 'wxsomeoneelse' })), 'bad_appid', /another appid/],
    ['a wrong EncodingAESKey', () => safeRequest(new WechatCrypto({ token, encodingAESKey: 'A'.repeat(43), appid })), 'bad_padding', /encodingAESKey/],
  ])('%s is logged at warn with its reason, redacted', async (_n, make, reason, hint) => {
    const { logger, lines } = recorder();
    const push = createPushHandler({ token, encodingAESKey, appid, logger }, () => undefined);
    const r = await push.fetch(make());
    expect(r.status).toBeGreaterThanOrEqual(400);
    const warn = lines.filter((l) => l.level === 'warn');
    expect(warn).toHaveLength(1);
    expect(warn[0]?.obj).toMatchObject({ reason, appid });
    expect(warn[0]?.msg).toMatch(hint);
    const everything = JSON.stringify(lines);
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(encodingAESKey);
  });
});

describe('onMessage failures are the app’s', () => {
  it('a WechatPushError thrown by onMessage is a 500 "onMessage failed", not a refused push', async () => {
    const { logger, lines } = recorder();
    const push = createPushHandler({ token, appid, logger }, () => {
      throw new WechatCrypto({ token, appid }).decrypt('x'); // the app's own misuse
    });
    const timestamp = now();
    const xml = '<xml><ToUserName>gh</ToUserName><FromUserName>u</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>x</Content><MsgId>77</MsgId></xml>';
    const r = await push.fetch(new Request(`https://example.com/w?timestamp=${timestamp}&nonce=n&signature=${crypto.signature(timestamp, 'n')}`, { method: 'POST', body: xml }));
    expect(r.status).toBe(500);
    expect(lines.map((l) => [l.level, l.msg])).toEqual([['error', 'wechat-tools push: onMessage failed']]);
  });

  it('a nonsensical timeoutMs or maxSkewSeconds is refused at construction', () => {
    expect(() => createPushHandler({ token, appid, timeoutMs: 0 }, () => undefined)).toThrow(/timeoutMs/);
    expect(() => createPushHandler({ token, appid, maxSkewSeconds: -1 }, () => undefined)).toThrow(/maxSkewSeconds/);
  });
});
