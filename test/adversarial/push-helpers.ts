// Requests for the adversarial push tests, built with the public WechatCrypto only (so that the tests
// also run, and fail, against the handler before its fixes).
import { WechatCrypto } from '../../src/index.js';

export const token = 'adversarialToken';
export const encodingAESKey = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
export const appid = 'wxadversarial0001';
export const crypto = new WechatCrypto({ token, encodingAESKey, appid });

export const now = (): string => String(Math.floor(Date.now() / 1000));
let nonceSeq = 0;

export function textXml(content: string, msgId: string, from = 'openid_1'): string {
  return `<xml><ToUserName><![CDATA[gh_app]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId></xml>`;
}

/** A plaintext-mode query (what a plaintext server configuration, or an access log, shows). */
export function plainQuery(timestamp = now(), nonce = `n${nonceSeq++}`): URLSearchParams {
  return new URLSearchParams({ signature: crypto.signature(timestamp, nonce), timestamp, nonce, openid: 'openid_1' });
}

/** A safe-mode request: query with encrypt_type=aes and msg_signature, body with only Encrypt. */
export function safeParts(inner: string, format: 'xml' | 'json' = 'xml', timestamp = now(), nonce = `n${nonceSeq++}`): { query: URLSearchParams; body: string } {
  const encrypt = crypto.encrypt(inner);
  const query = new URLSearchParams({ signature: crypto.signature(timestamp, nonce), timestamp, nonce, openid: 'openid_1', encrypt_type: 'aes', msg_signature: crypto.msgSignature(timestamp, nonce, encrypt) });
  const body = format === 'json' ? JSON.stringify({ ToUserName: 'gh_app', Encrypt: encrypt }) : `<xml><ToUserName><![CDATA[gh_app]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
  return { query, body };
}

export const post = (query: URLSearchParams, body: string): Request => new Request(`https://example.com/wechat?${query}`, { method: 'POST', body });
