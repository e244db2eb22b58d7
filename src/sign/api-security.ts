// WeChat's API security channel (服务端 API 签名加密, "API 安全" in the Mini Program admin) as built-in
// middleware. For an endpoint whose spec says `request.apiSecurity`, when the client has
// options.apiSecurity:
//   request: every param (query and body; the access_token stays in the query) plus _n, _appid,
//            _timestamp becomes AES256_GCM ciphertext {iv, data, authtag} — the exact bytes sent
//            (ctx.rawBody) — signed with the app's RSA key in Wechatmp-Appid / -TimeStamp / -Serial / -Signature;
//   reply:   the Wechatmp-Signature (or, during a certificate rollover, Wechatmp-Signature-Deprecated)
//            is verified with the platform certificate named by Wechatmp-Serial, then the body is
//            decrypted, its _appid and _timestamp checked and removed, and the plaintext goes on to
//            the usual parsing and validation. Anything that fails is a WechatApiSecurityError.
// An unsigned reply is accepted only when it is a plain error (errcode ≠ 0, no envelope): WeChat
// answers failures of the channel itself (40230–40240) and token errors that way, and an error grants
// nothing. SM4_GCM / SM2withSM3 are not supported (Node 20's crypto has no sm4-gcm and no SM2 ID).
// The keys live in private fields only: never in inspect, JSON.stringify, logs or errors.
import { randomBytes, type KeyObject } from 'node:crypto';
import { WechatToolsError, WechatValidationError } from '../core/errors.js';
import type { EndpointRow } from '../core/endpoint.js';
import { parseJsonKeepingBigInts } from '../core/json.js';
import type { HttpReply } from '../http/transport.js';
import type { Middleware, RequestContext } from '../client/middleware.js';
import {
  apiSecurityAad,
  apiSecurityAesKey,
  apiSecurityDecrypt,
  apiSecurityEncrypt,
  apiSecurityPrivateKey,
  apiSecurityPublicKey,
  apiSecuritySign,
  apiSecuritySignedText,
  apiSecurityUrl,
  apiSecurityVerify,
  type ApiSecurityEnvelope,
} from './api-security-crypto.js';

/** The keys of "API 安全" (开发管理 → 开发设置 → API 安全). Every value is kept private. */
export interface ApiSecurityOptions {
  /** 对称密钥编号: the number (Sn) of the API symmetric key */
  aesSn: string;
  /** the API symmetric key, base64 as the admin shows it (32 bytes, AES256_GCM) */
  aesKey: string;
  /** 非对称密钥编号: the number (Sn) of the app's key pair */
  rsaSn: string;
  /** the app's private key: PEM (PKCS#1 as downloaded, or PKCS#8) or a KeyObject */
  privateKey: string | KeyObject;
  /** 平台证书编号: the platform certificate's number in the admin (not the serial inside the certificate) */
  certSn: string;
  /** the platform certificate (PEM as downloaded), or its public key (PEM or KeyObject) */
  platformCert: string | KeyObject;
  /** more platform certificates by number (a certificate rollover: keep the old one until it expires) */
  platformCerts?: Record<string, string | KeyObject>;
  /** 'AES256_GCM' with RSAwithSHA256 (the default and the only one supported: SM4_GCM / SM2withSM3 are not) */
  algorithm?: 'AES256_GCM';
  /** refuse a reply whose Wechatmp-TimeStamp is older than this (default 300 s, as WeChat's sample code) */
  maxReplyAgeSeconds?: number;
}

export type ApiSecurityFailure = 'unsigned' | 'unknown-certificate' | 'bad-signature' | 'appid-mismatch' | 'stale' | 'bad-envelope' | 'decrypt';

/** A reply of an encrypted call that cannot be trusted: unsigned, badly signed, stale, or not decryptable. */
export class WechatApiSecurityError extends WechatToolsError {
  readonly reason: ApiSecurityFailure;
  constructor(operation: string, reason: ApiSecurityFailure, detail: string) {
    super(`${operation}: API security: ${detail}`, { operation });
    this.reason = reason;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), reason: this.reason };
  }
}

const H_APPID = 'Wechatmp-Appid';
const H_TIMESTAMP = 'Wechatmp-TimeStamp';
const H_SERIAL = 'Wechatmp-Serial';
const H_SIGNATURE = 'Wechatmp-Signature';

const SECURITY_FIELDS = ['_n', '_appid', '_timestamp'] as const;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

function option<T>(name: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    // the reason only (never the value, never the key parser's cause)
    throw new WechatToolsError(`options.apiSecurity.${name} ${err instanceof Error ? err.message : 'is invalid'}`);
  }
}

interface Keys {
  aesSn: string;
  aesKey: Buffer;
  rsaSn: string;
  privateKey: KeyObject;
  certs: Map<string, KeyObject>;
  maxAgeSeconds: number;
}

function readKeys(o: ApiSecurityOptions): Keys {
  if (o.algorithm !== undefined && (o.algorithm as string) !== 'AES256_GCM') {
    throw new WechatToolsError("options.apiSecurity.algorithm: only 'AES256_GCM' is supported (no SM4_GCM/SM2withSM3 in Node's crypto)");
  }
  for (const f of ['aesSn', 'aesKey', 'rsaSn', 'certSn', 'privateKey', 'platformCert'] as const) if (!o[f] || (typeof o[f] === 'string' && !nonEmpty(o[f]))) throw new WechatToolsError(`options.apiSecurity.${f} is required`);
  const certs = new Map<string, KeyObject>();
  certs.set(o.certSn, option('platformCert', () => apiSecurityPublicKey(o.platformCert)));
  for (const [sn, cert] of Object.entries(o.platformCerts ?? {})) if (!certs.has(sn)) certs.set(sn, option('platformCerts', () => apiSecurityPublicKey(cert)));
  const maxAge = o.maxReplyAgeSeconds ?? 300;
  if (!(maxAge > 0)) throw new WechatToolsError('options.apiSecurity.maxReplyAgeSeconds must be > 0');
  return {
    aesSn: o.aesSn,
    aesKey: option('aesKey', () => apiSecurityAesKey(o.aesKey)),
    rsaSn: o.rsaSn,
    privateKey: option('privateKey', () => apiSecurityPrivateKey(o.privateKey)),
    certs,
    maxAgeSeconds: maxAge,
  };
}

/** Encrypts and signs the calls of endpoints marked `apiSecurity`, and verifies and decrypts their replies. */
export class ApiSecurity implements Middleware {
  readonly name = 'api-security';
  readonly #appid: string;
  readonly #keys: Keys | undefined;
  /** the attempts this middleware sealed: only their replies are opened */
  readonly #sealed = new WeakSet<RequestContext>();

  constructor(appid: string, options: ApiSecurityOptions | undefined) {
    this.#appid = appid;
    this.#keys = options === undefined ? undefined : readKeys(options);
  }

  /** Whether the client has API security keys. */
  get enabled(): boolean {
    return this.#keys !== undefined;
  }

  /** Before any request: an endpoint that only works encrypted needs the keys. */
  check(row: EndpointRow): void {
    if (row.apiSecurity === 'required' && !this.#keys) {
      throw new WechatValidationError(row.op, '', 'needs options.apiSecurity (API security)');
    }
  }

  onRequest(ctx: RequestContext): void {
    const keys = this.#keys;
    if (!keys || !ctx.row.apiSecurity || ctx.method !== 'POST') return;
    const timestamp = Math.floor(Date.now() / 1000);
    const plain: Record<string, unknown> = { _n: randomBytes(16).toString('base64').replace(/=+$/, ''), _appid: this.#appid, _timestamp: timestamp };
    // URL params travel encrypted too; only the access_token (added after the middleware) stays in the query.
    for (const [k, v] of Object.entries(ctx.query)) {
      if (k === 'access_token') continue;
      plain[k] = v;
      delete ctx.query[k];
    }
    for (const [k, v] of Object.entries(ctx.body ?? {})) if (v !== undefined && !(SECURITY_FIELDS as readonly string[]).includes(k)) plain[k] = v;
    const urlpath = apiSecurityUrl(ctx.path);
    const envelope = apiSecurityEncrypt(keys.aesKey, randomBytes(12), JSON.stringify(plain), apiSecurityAad(urlpath, this.#appid, timestamp, keys.aesSn));
    const raw = JSON.stringify(envelope);
    ctx.body = { ...envelope };
    ctx.rawBody = raw;
    ctx.headers[H_APPID] = this.#appid;
    ctx.headers[H_TIMESTAMP] = String(timestamp);
    ctx.headers[H_SERIAL] = keys.rsaSn;
    ctx.headers[H_SIGNATURE] = apiSecuritySign(keys.privateKey, apiSecuritySignedText(urlpath, this.#appid, timestamp, raw));
    this.#sealed.add(ctx);
  }

  /** The reply of a sealed attempt, verified and decrypted (other replies are returned as they are). */
  onReply(ctx: RequestContext, reply: HttpReply): HttpReply {
    const keys = this.#keys;
    if (!keys || !this.#sealed.has(ctx)) return reply;
    const op = ctx.operation;
    const headers = reply.response.headers;
    const text = decoder.decode(reply.bytes);
    const signature = headers.get(H_SIGNATURE);
    if (!signature) {
      if (!reply.response.ok || isPlainError(text)) return reply; // HTTP errors and the channel's own errors are plain
      throw new WechatApiSecurityError(op, 'unsigned', `reply without ${H_SIGNATURE}`);
    }
    const tsText = headers.get(H_TIMESTAMP) ?? '';
    if (!/^\d{1,12}$/.test(tsText)) throw new WechatApiSecurityError(op, 'bad-signature', `bad ${H_TIMESTAMP}`);
    const timestamp = Number(tsText);
    const replyAppid = headers.get(H_APPID);
    if (replyAppid !== null && replyAppid !== this.#appid) throw new WechatApiSecurityError(op, 'appid-mismatch', `${H_APPID} is not this app`);
    const urlpath = apiSecurityUrl(ctx.path);
    const signed = apiSecuritySignedText(urlpath, this.#appid, timestamp, text);
    const candidates = [
      [headers.get(H_SERIAL), signature],
      [headers.get(H_SERIAL + '-Deprecated'), headers.get(H_SIGNATURE + '-Deprecated')],
    ] as const;
    let known = false;
    let verified = false;
    for (const [serial, sig] of candidates) {
      const cert = serial ? keys.certs.get(serial) : undefined;
      if (!cert || !sig) continue;
      known = true;
      if (apiSecurityVerify(cert, signed, sig)) {
        verified = true;
        break;
      }
    }
    if (!known) throw new WechatApiSecurityError(op, 'unknown-certificate', `${H_SERIAL} names no configured platform certificate`);
    if (!verified) throw new WechatApiSecurityError(op, 'bad-signature', 'the reply signature does not verify');
    if (Date.now() / 1000 - timestamp > keys.maxAgeSeconds) throw new WechatApiSecurityError(op, 'stale', `reply older than ${keys.maxAgeSeconds} s`);
    const envelope = envelopeOf(text);
    if (!envelope) throw new WechatApiSecurityError(op, 'bad-envelope', 'no {iv, data, authtag} in the reply');
    let plain: string;
    try {
      plain = apiSecurityDecrypt(keys.aesKey, envelope, apiSecurityAad(urlpath, this.#appid, timestamp, keys.aesSn));
    } catch {
      throw new WechatApiSecurityError(op, 'decrypt', 'the reply does not decrypt (aesKey, aesSn)');
    }
    const fields = parseObject(plain);
    if (!fields) throw new WechatApiSecurityError(op, 'bad-envelope', 'the plaintext is not a JSON object');
    if (fields['_appid'] !== this.#appid) throw new WechatApiSecurityError(op, 'appid-mismatch', '_appid is not this app');
    if (Number(fields['_timestamp']) !== timestamp) throw new WechatApiSecurityError(op, 'bad-envelope', `_timestamp is not ${H_TIMESTAMP}`);
    for (const f of SECURITY_FIELDS) delete fields[f];
    return { response: reply.response, bytes: encoder.encode(JSON.stringify(fields)) };
  }

  /** Never show the keys. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, enabled: this.enabled, keys: this.#keys ? '[redacted]' : undefined };
  }
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = parseJsonKeepingBigInts(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function envelopeOf(text: string): ApiSecurityEnvelope | undefined {
  const o = parseObject(text);
  if (!o) return undefined;
  const { iv, data, authtag } = o;
  return typeof iv === 'string' && typeof data === 'string' && typeof authtag === 'string' ? { iv, data, authtag } : undefined;
}

/** An error reply in the clear: errcode ≠ 0 and nothing of an envelope. */
function isPlainError(text: string): boolean {
  const o = parseObject(text);
  if (!o) return false;
  const errcode = o['errcode'];
  return typeof errcode === 'number' && errcode !== 0 && !('data' in o) && !('authtag' in o) && !('iv' in o);
}
