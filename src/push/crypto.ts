// WXBizMsgCrypt, exactly: key = base64(EncodingAESKey + "="), AES-256-CBC with IV = key[0..16],
// PKCS#7 to 32-byte blocks (padding stripped and checked here: Node's auto-padding only knows 16),
// plaintext = 16 random bytes ‖ 4-byte big-endian length ‖ message ‖ appid (checked on decrypt).
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { inspect } from 'node:util';
import { WechatToolsError } from '../core/errors.js';

/**
 * Why a push was refused. `not_encrypted`: a plaintext push to a handler with an EncodingAESKey;
 * `no_aes_key`: a safe-mode push to a handler without one; `body_consumed`: a body parser read the
 * body before the handler; `bad_config`: the handler or WechatCrypto was set up wrong.
 */
export type PushFailure =
  | 'bad_signature'
  | 'stale_timestamp'
  | 'bad_appid'
  | 'bad_padding'
  | 'bad_length'
  | 'bad_base64'
  | 'bad_key_length'
  | 'bad_body'
  | 'too_large'
  | 'not_encrypted'
  | 'no_aes_key'
  | 'body_consumed'
  | 'bad_config';

const STATUS: Partial<Record<PushFailure, number>> = { bad_signature: 401, stale_timestamp: 401, too_large: 413, no_aes_key: 500, bad_config: 500 };

/** A push request or payload that does not check out; `status` is the HTTP answer to give. */
export class WechatPushError extends WechatToolsError {
  readonly reason: PushFailure;
  readonly status: number;
  constructor(reason: PushFailure, message: string) {
    super(message, { operation: 'push' });
    this.reason = reason;
    this.status = STATUS[reason] ?? 400;
  }
}

const BLOCK = 32;
const B64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function sha1Sorted(parts: string[]): string {
  return createHash('sha1').update([...parts].sort().join(''), 'utf8').digest('hex');
}

/** Constant-time comparison of two hex signatures. */
export function sameSignature(expected: string, given: unknown): boolean {
  if (typeof given !== 'string' || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(expected, 'utf8'), Buffer.from(given.toLowerCase(), 'utf8'));
}

export interface WechatCryptoOptions {
  /** the Token of the server configuration */
  token: string;
  /** the 43-character EncodingAESKey (safe and compatible modes) */
  encodingAESKey?: string;
  /** the AppID (corpid for WeCom): appended on encrypt, checked on decrypt */
  appid: string;
  /** reject timestamps further than this from now (seconds); default: no check (createPushHandler sets 300) */
  maxSkewSeconds?: number;
}

/** The Token and EncodingAESKey live in private fields: console.log, util.inspect and JSON.stringify show neither. */
export class WechatCrypto {
  readonly appid: string;
  readonly #token: string;
  readonly #key: Buffer | undefined;
  readonly #maxSkew: number | undefined;

  constructor(options: WechatCryptoOptions) {
    if (typeof options.token !== 'string' || !options.token) throw new WechatPushError('bad_config', 'WechatCrypto: token is required');
    this.#token = options.token;
    this.appid = options.appid;
    this.#maxSkew = options.maxSkewSeconds;
    if (options.encodingAESKey !== undefined) {
      const k = options.encodingAESKey;
      const key = /^[A-Za-z0-9+/]{43}$/.test(k) ? Buffer.from(`${k}=`, 'base64') : Buffer.alloc(0);
      if (key.length !== 32) throw new WechatPushError('bad_key_length', 'WechatCrypto: EncodingAESKey must be 43 base64 characters (32 bytes)');
      this.#key = key;
    }
  }

  /** true when an EncodingAESKey is configured (compatible and safe modes) */
  get hasKey(): boolean {
    return this.#key !== undefined;
  }

  toJSON(): { appid: string; hasKey: boolean } {
    return { appid: this.appid, hasKey: this.hasKey };
  }

  [inspect.custom](): string {
    return `WechatCrypto { appid: ${JSON.stringify(this.appid)}, token: [redacted], encodingAESKey: ${this.hasKey ? '[redacted]' : 'none'} }`;
  }

  /** URL verification / plaintext signature: sha1 of the sorted [token, timestamp, nonce]. */
  signature(timestamp: string | number, nonce: string): string {
    return sha1Sorted([this.#token, String(timestamp), nonce]);
  }

  /** Safe-mode signature: sha1 of the sorted [token, timestamp, nonce, encrypt]. */
  msgSignature(timestamp: string | number, nonce: string, encrypt: string): string {
    return sha1Sorted([this.#token, String(timestamp), nonce, encrypt]);
  }

  checkTimestamp(timestamp: string | number, now = Date.now()): void {
    if (this.#maxSkew === undefined) return;
    const ts = Number(timestamp);
    if (!Number.isFinite(ts) || Math.abs(now / 1000 - ts) > this.#maxSkew) throw new WechatPushError('stale_timestamp', `push: timestamp outside the ${this.#maxSkew}s window (a replayed URL, or a wrong clock)`);
  }

  verifySignature(signature: unknown, timestamp: string, nonce: string): void {
    if (!sameSignature(this.signature(timestamp, nonce), signature)) throw new WechatPushError('bad_signature', 'push: signature does not match (is token the Token of the server configuration?)');
    this.checkTimestamp(timestamp);
  }

  verifyMsgSignature(msgSignature: unknown, timestamp: string, nonce: string, encrypt: string): void {
    if (!sameSignature(this.msgSignature(timestamp, nonce, encrypt), msgSignature)) throw new WechatPushError('bad_signature', 'push: msg_signature does not match (is token the Token of the server configuration?)');
    this.checkTimestamp(timestamp);
  }

  #requireKey(): Buffer {
    if (!this.#key) throw new WechatPushError('no_aes_key', 'WechatCrypto: no EncodingAESKey configured');
    return this.#key;
  }

  /** Encrypt a message (XML or JSON text) into the base64 `Encrypt` value. `random` (16 bytes) for known-answer tests. */
  encrypt(message: string, random: Buffer = randomBytes(16)): string {
    const key = this.#requireKey();
    if (random.length !== 16) throw new WechatPushError('bad_length', 'encrypt: random must be 16 bytes');
    const msg = Buffer.from(message, 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32BE(msg.length, 0);
    const plain = Buffer.concat([random, len, msg, Buffer.from(this.appid, 'utf8')]);
    const pad = BLOCK - (plain.length % BLOCK);
    const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
    cipher.setAutoPadding(false);
    return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
  }

  /** Decrypt an `Encrypt` value; checks the padding, the length and the appid. */
  decrypt(encrypt: string): string {
    const key = this.#requireKey();
    if (typeof encrypt !== 'string' || encrypt.length === 0 || encrypt.length % 4 !== 0 || !B64.test(encrypt)) throw new WechatPushError('bad_base64', 'decrypt: Encrypt is not base64');
    const data = Buffer.from(encrypt, 'base64');
    if (data.length === 0 || data.length % 16 !== 0) throw new WechatPushError('bad_length', 'decrypt: ciphertext is not a whole number of AES blocks');
    const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
    decipher.setAutoPadding(false);
    const plain = Buffer.concat([decipher.update(data), decipher.final()]);
    const pad = plain[plain.length - 1] ?? 0;
    if (pad < 1 || pad > BLOCK || pad > plain.length) throw new WechatPushError('bad_padding', 'decrypt: bad PKCS#7 padding (check encodingAESKey)');
    for (let i = plain.length - pad; i < plain.length; i++) if (plain[i] !== pad) throw new WechatPushError('bad_padding', 'decrypt: bad PKCS#7 padding (check encodingAESKey)');
    const body = plain.subarray(0, plain.length - pad);
    if (body.length < 20) throw new WechatPushError('bad_length', 'decrypt: plaintext too short');
    const msgLen = body.readUInt32BE(16);
    if (20 + msgLen > body.length) throw new WechatPushError('bad_length', 'decrypt: message length exceeds the data');
    const appid = body.subarray(20 + msgLen).toString('utf8');
    if (appid !== this.appid) throw new WechatPushError('bad_appid', 'decrypt: the message is for another appid (check appid)');
    return body.subarray(20, 20 + msgLen).toString('utf8');
  }
}
