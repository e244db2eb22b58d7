// The push pipeline shared by every push handler: verify the signature (and the timestamp window) →
// decrypt (safe and compatible modes) → parse the body into raw fields. Nothing here needs MsgType, so
// a push without one (the open platform's InfoType pushes) goes through the same steps.
import { WechatCrypto, WechatPushError } from './crypto.js';
import { parseRawPush } from './parse.js';

/** A push body as the adapters hand it over: the raw text, or an object a JSON body parser already made. */
export type PushBody = string | Readonly<Record<string, unknown>>;

export interface OpenPushOptions {
  crypto: WechatCrypto;
  format: 'xml' | 'json';
  /** accept plaintext pushes although the crypto has an EncodingAESKey (default false) */
  allowPlaintext?: boolean;
}

export interface OpenedPush {
  /** the message's raw fields (decrypted in safe and compatible modes), values as the wire gives them */
  fields: Record<string, unknown>;
  /** true when the push came encrypted (safe or compatible mode): the reply is encrypted too */
  encrypted: boolean;
}

export const BODY_CONSUMED_ADVICE = 'push: a body parser read the body first: mount the handler before body parsers';

function fieldsOf(body: PushBody, format: 'xml' | 'json'): Record<string, unknown> {
  if (typeof body === 'string') return parseRawPush(body, format);
  if (format === 'json') return { ...body };
  throw new WechatPushError('body_consumed', BODY_CONSUMED_ADVICE);
}

/** Verify → decrypt → parse. Throws WechatPushError (with the HTTP status to answer) or PushParseError. */
export function openPush(query: URLSearchParams, body: PushBody, options: OpenPushOptions): OpenedPush {
  const { crypto, format } = options;
  const timestamp = query.get('timestamp') ?? '';
  const nonce = query.get('nonce') ?? '';
  if (!timestamp || !nonce) throw new WechatPushError('bad_signature', 'push: timestamp or nonce missing');
  if (query.get('encrypt_type') === 'aes') {
    const envelope = fieldsOf(body, format);
    const encrypt = envelope['Encrypt'];
    if (typeof encrypt !== 'string') throw new WechatPushError('bad_body', 'push: no Encrypt in a safe-mode body');
    crypto.verifyMsgSignature(query.get('msg_signature'), timestamp, nonce, encrypt);
    if (!crypto.hasKey) throw new WechatPushError('no_aes_key', 'push: this handler has no encodingAESKey but WeChat sent a safe-mode message');
    return { fields: parseRawPush(crypto.decrypt(encrypt), format), encrypted: true };
  }
  crypto.verifySignature(query.get('signature'), timestamp, nonce);
  if (crypto.hasKey && !options.allowPlaintext)
    throw new WechatPushError('not_encrypted', 'push: plaintext push not encrypted, but the handler has an encodingAESKey (allowPlaintext: true to accept)');
  return { fields: fieldsOf(body, format), encrypted: false };
}
