// wechat-tools/testing: WeChat's side of the message push, for users' own tests. From the handler's
// own options (token, encodingAESKey, appid, format) it builds signed push requests for any message or
// event — plaintext, compatible or safe mode, XML or JSON — as a Web Request or a Node request, and
// reads the handler's answer back (checking and decrypting safe-mode replies).
import { randomBytes } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { pushKinds, type KnownPushMessage } from '../../generated/push.js';
import { WechatCrypto } from '../push/crypto.js';
import { parseRawPush } from '../push/parse.js';
import type { PushBase, PushFieldTable, PushFieldType } from '../push/types.js';

export interface PushKitOptions {
  token: string;
  encodingAESKey?: string;
  appid: string;
  /** 'xml' (default) or 'json', as the handler's `format` */
  format?: 'xml' | 'json';
}

/** plaintext: `signature` only; compatible: plaintext fields and Encrypt; safe: Encrypt only (both with msg_signature). */
export type PushKitMode = 'plaintext' | 'compatible' | 'safe';

type Head = 'kind' | 'ToUserName' | 'FromUserName' | 'CreateTime';
type Input<T> = T extends unknown ? Omit<T, Head> & Partial<Pick<PushBase, 'ToUserName' | 'FromUserName' | 'CreateTime'>> : never;
/** A message or event as WeChat sends it: any typed kind's fields (To/From/CreateTime and MsgId filled in when left out), or any fields at all. */
export type PushKitMessage = Input<KnownPushMessage> | ({ MsgType: string } & Partial<Pick<PushBase, 'ToUserName' | 'FromUserName' | 'CreateTime' | 'Event'>> & Record<string, unknown>);

export interface PushKitRequestOptions {
  /** default: 'safe' with an encodingAESKey, else 'plaintext' */
  mode?: PushKitMode;
  format?: 'xml' | 'json';
  /** default https://example.com/wechat */
  url?: string;
  /** unix seconds (default now) */
  timestamp?: number | string;
  nonce?: string;
}

export interface PushKitParts {
  method: 'POST';
  url: string;
  headers: Record<string, string>;
  body: string;
  /** the message's plaintext (XML or JSON), before any encryption */
  plain: string;
}

export interface PushKitReply {
  status: number;
  /** the body as answered */
  body: string;
  /** the handler answered "success" (or an empty body) with 200 */
  success: boolean;
  /** the reply came encrypted (its MsgSignature checked) */
  encrypted: boolean;
  /** the reply's plaintext (decrypted when encrypted) */
  plain: string;
  /** the reply's fields (MsgType, Content, Image…), when it is a passive reply */
  fields: Record<string, unknown> | undefined;
}

const BASE: PushFieldTable = { ToUserName: 'string', FromUserName: 'string', CreateTime: 'number', MsgType: 'string', Event: 'string' };
const own = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const cdata = (s: string) => `<![CDATA[${s.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;

function tableOf(fields: Record<string, unknown>): PushFieldTable {
  const name = fields['MsgType'] === 'event' ? `event:${String(fields['Event'])}` : String(fields['MsgType']);
  return { ...BASE, ...(own(pushKinds, name) ? pushKinds[name] : {}) };
}

function fieldType(t: PushFieldType | undefined, k: string): PushFieldType | undefined {
  if (!t || typeof t === 'string' || !('object' in t)) return undefined;
  return own(t.object, k) ? t.object[k] : undefined;
}
const itemType = (t: PushFieldType | undefined): PushFieldType | undefined => (t && typeof t !== 'string' && 'list' in t ? (typeof t.list === 'string' ? t.list : { object: t.list }) : undefined);
const bare = (v: unknown, t: PushFieldType | undefined) => typeof v === 'number' || typeof v === 'bigint' || ((t === 'id' || t === 'number') && typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v));

/** XML as WeChat writes it: text in CDATA, numbers and ids bare, lists as <Name><item>…</item></Name>. */
function xmlOf(name: string, v: unknown, t: PushFieldType | undefined): string {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return `<${name}>${v.map((x) => xmlOf('item', x, itemType(t))).join('')}</${name}>`;
  if (isRecord(v)) return `<${name}>${Object.entries(v).map(([k, x]) => xmlOf(k, x, fieldType(t, k))).join('')}</${name}>`;
  return `<${name}>${bare(v, t) ? String(v) : cdata(String(v))}</${name}>`;
}

/** JSON as WeChat writes it: 64-bit ids as bare numbers. */
function jsonOf(v: unknown, t: PushFieldType | undefined): string {
  if (Array.isArray(v)) return `[${v.map((x) => jsonOf(x, itemType(t))).join(',')}]`;
  if (isRecord(v)) return `{${Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => `${JSON.stringify(k)}:${jsonOf(x, fieldType(t, k))}`).join(',')}}`;
  if (t === 'id' && typeof v === 'string' && /^\d+$/.test(v)) return v;
  return typeof v === 'bigint' ? String(v) : JSON.stringify(v);
}

let seq = 0;
/** A fresh 64-bit-looking MsgId, so that distinct test messages are not taken for retries. */
const freshMsgId = () => `${Date.now()}${String(seq++ % 100000).padStart(5, '0')}`.slice(0, 19);

export class PushKit {
  readonly #crypto: WechatCrypto;
  readonly #format: 'xml' | 'json';
  readonly #hasKey: boolean;

  constructor(options: PushKitOptions) {
    this.#crypto = new WechatCrypto({ token: options.token, appid: options.appid, ...(options.encodingAESKey ? { encodingAESKey: options.encodingAESKey } : {}) });
    this.#format = options.format ?? 'xml';
    this.#hasKey = options.encodingAESKey !== undefined && options.encodingAESKey !== '';
  }

  /** The message's fields with the defaults WeChat always sends filled in. */
  fields(message: PushKitMessage): Record<string, unknown> {
    const m = message as Record<string, unknown>;
    const out: Record<string, unknown> = { ToUserName: 'gh_0000kit0000', FromUserName: 'o_kit_openid_000000000000', CreateTime: Math.floor(Date.now() / 1000), ...m };
    if (out['MsgType'] !== 'event' && out['MsgId'] === undefined) out['MsgId'] = freshMsgId();
    return out;
  }

  /** The message's plaintext body (XML or JSON), as WeChat would send it in plaintext mode. */
  serialize(message: PushKitMessage, format: 'xml' | 'json' = this.#format): string {
    const f = this.fields(message);
    const table = { object: tableOf(f) };
    return format === 'json' ? jsonOf(f, table) : `<xml>${Object.entries(f).map(([k, v]) => xmlOf(k, v, fieldType(table, k))).join('')}</xml>`;
  }

  /** The parts of a signed push request (URL with its query, headers, body). */
  parts(message: PushKitMessage, options: PushKitRequestOptions = {}): PushKitParts {
    const format = options.format ?? this.#format;
    const mode = options.mode ?? (this.#hasKey ? 'safe' : 'plaintext');
    const f = this.fields(message);
    const plain = this.serialize(f as PushKitMessage, format);
    const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
    const nonce = options.nonce ?? String(randomBytes(4).readUInt32BE(0));
    const url = new URL(options.url ?? 'https://example.com/wechat');
    const q = url.searchParams;
    q.set('signature', this.#crypto.signature(timestamp, nonce));
    q.set('timestamp', timestamp);
    q.set('nonce', nonce);
    if (typeof f['FromUserName'] === 'string') q.set('openid', f['FromUserName']);
    let body = plain;
    if (mode !== 'plaintext') {
      const encrypt = this.#crypto.encrypt(plain);
      q.set('encrypt_type', 'aes');
      q.set('msg_signature', this.#crypto.msgSignature(timestamp, nonce, encrypt));
      const to = String(f['ToUserName']);
      if (format === 'json') body = mode === 'safe' ? JSON.stringify({ ToUserName: to, Encrypt: encrypt }) : `${plain.slice(0, -1)},"Encrypt":${JSON.stringify(encrypt)}}`;
      else body = mode === 'safe' ? `<xml>${xmlOf('ToUserName', to, 'string')}${xmlOf('Encrypt', encrypt, 'string')}</xml>` : `${plain.slice(0, -'</xml>'.length)}${xmlOf('Encrypt', encrypt, 'string')}</xml>`;
    }
    const contentType = format === 'json' ? 'application/json' : 'text/xml';
    return { method: 'POST', url: url.toString(), headers: { 'content-type': contentType }, body, plain };
  }

  /** A signed push as a Web Request (for `push.fetch`). */
  request(message: PushKitMessage, options: PushKitRequestOptions = {}): Request {
    const p = this.parts(message, options);
    return new Request(p.url, { method: p.method, headers: p.headers, body: p.body });
  }

  /** A signed push as a Node request (for `push.node`; pair it with `nodeResponse()`). */
  nodeRequest(message: PushKitMessage, options: PushKitRequestOptions = {}): IncomingMessage {
    const p = this.parts(message, options);
    const url = new URL(p.url);
    const req = new IncomingMessage(new Socket());
    req.method = 'POST';
    req.url = `${url.pathname}${url.search}`;
    req.headers = { ...p.headers, host: url.host, 'content-length': String(Buffer.byteLength(p.body)) };
    req.push(Buffer.from(p.body, 'utf8'));
    req.push(null);
    return req;
  }

  /** WeChat's GET URL verification request (answered with `echostr` when the Token matches). */
  verification(echostr = String(randomBytes(8).readBigUInt64BE(0)), options: Pick<PushKitRequestOptions, 'url' | 'timestamp' | 'nonce'> = {}): Request {
    const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
    const nonce = options.nonce ?? String(randomBytes(4).readUInt32BE(0));
    const url = new URL(options.url ?? 'https://example.com/wechat');
    url.searchParams.set('signature', this.#crypto.signature(timestamp, nonce));
    url.searchParams.set('echostr', echostr);
    url.searchParams.set('timestamp', timestamp);
    url.searchParams.set('nonce', nonce);
    return new Request(url);
  }

  /** Read the handler's answer: checks and decrypts a safe-mode reply; throws if its MsgSignature is wrong. */
  async parseReply(response: Response | { status: number; body: string }, format: 'xml' | 'json' = this.#format): Promise<PushKitReply> {
    const body = response instanceof Response ? await response.text() : response.body;
    const status = response.status;
    if (status !== 200 || body === '' || body === 'success') return { status, body, success: status === 200, encrypted: false, plain: body, fields: undefined };
    const outer = parseRawPush(body, format);
    if (typeof outer['Encrypt'] !== 'string') return { status, body, success: false, encrypted: false, plain: body, fields: outer };
    const encrypt = outer['Encrypt'];
    const expected = this.#crypto.msgSignature(String(outer['TimeStamp']), String(outer['Nonce']), encrypt);
    if (outer['MsgSignature'] !== expected) throw new Error('push kit: the reply MsgSignature does not match');
    const plain = this.#crypto.decrypt(encrypt);
    return { status, body, success: false, encrypted: true, plain, fields: parseRawPush(plain, format) };
  }

  toJSON(): { appid: string; format: string } {
    return { appid: this.#crypto.appid, format: this.#format };
  }
}

/** WeChat's side of the push channel for the handler built with the same options. */
export function createPushKit(options: PushKitOptions): PushKit {
  return new PushKit(options);
}

export interface CapturedNodeResponse {
  status: number;
  headers: Record<string, string | number | readonly string[]>;
  body: string;
}

/** A ServerResponse that records what `push.node` answers; `done` settles with it. */
export function nodeResponse(req: IncomingMessage): { res: ServerResponse; done: Promise<CapturedNodeResponse> } {
  const res = new ServerResponse(req);
  const captured: CapturedNodeResponse = { status: 200, headers: {}, body: '' };
  let finish!: (r: CapturedNodeResponse) => void;
  const done = new Promise<CapturedNodeResponse>((resolve) => (finish = resolve));
  res.writeHead = ((status: number, headers?: Record<string, string | number | readonly string[]>) => {
    captured.status = status;
    Object.assign(captured.headers, headers ?? {});
    return res;
  }) as ServerResponse['writeHead'];
  res.end = ((chunk?: string | Buffer) => {
    if (chunk !== undefined) captured.body = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    finish(captured);
    return res;
  }) as ServerResponse['end'];
  return { res, done };
}
