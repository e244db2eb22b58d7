// WechatData: every endpoint's answer. The typed reply fields sit directly on the object (as in the
// seed: `r.openid`), with errcode (0 on success), errmsg, the fetch Response and the parsed body.
import { inspect } from 'node:util';
import { redactText, redactValue } from './redact.js';

/** A binary reply (QR codes, media): the bytes and their content type. */
export interface BinaryReply {
  buffer: Uint8Array;
  contentType: string;
}

/**
 * Names the result itself owns, and names that would reach its prototype: a reply field with one of
 * these names stays in resultJson only.
 */
const OWN = new Set(['ok', 'operation', 'requestResult', 'resultJson', 'rid', 'toJSON', 'errcode', 'errmsg', '__proto__', 'constructor', 'prototype']);

/** The Response of a result, or what makes it on first access (the reply as read). */
export type ResponseSource = Response | (() => Response) | { toResponse(): Response };

export class WechatResult {
  /** 0 on success */
  declare readonly errcode: number;
  /** 'ok' on success; WeChat's message (with its " rid: …" suffix) on failure */
  declare readonly errmsg: string;
  readonly #operation: string;
  readonly #status: number;
  readonly #json: unknown;
  /** exact secret values the call sent (kept off the object) */
  readonly #secrets: readonly string[] | undefined;
  #response: ResponseSource;

  constructor(init: { operation: string; status: number; response: ResponseSource; json?: unknown; fields?: Record<string, unknown>; binary?: BinaryReply; secrets?: readonly string[] }) {
    const fields = init.fields ?? {};
    const raw = fields['errcode'];
    const errcode = typeof raw === 'number' ? raw : Number(raw ?? 0) || 0;
    // own keys only; plain assignment is a definition here: the names that reach a setter (__proto__)
    // or the result's own accessors are in OWN, the rest land as own enumerable data properties
    const self = this as unknown as Record<string, unknown>;
    for (const k of Object.keys(fields)) if (!OWN.has(k)) self[k] = fields[k];
    if (init.binary) {
      self['buffer'] = init.binary.buffer;
      self['contentType'] = init.binary.contentType;
    }
    self['errcode'] = errcode;
    // an errmsg that echoes a credential the call sent (the AppSecret, a token, a js_code) does not carry
    // it on; short values (a 4-letter test code) are left alone, they would mangle the message
    const errmsg = typeof fields['errmsg'] === 'string' ? fields['errmsg'] : errcode === 0 ? 'ok' : '';
    self['errmsg'] = init.secrets && errcode !== 0 ? redactText(errmsg, init.secrets.filter((v) => v.length >= 12)) : errmsg;
    this.#operation = init.operation;
    this.#status = init.status;
    this.#json = init.json;
    this.#response = init.response;
    this.#secrets = init.secrets && init.secrets.length > 0 ? init.secrets : undefined;
  }

  /** true when errcode is 0 */
  get ok(): boolean {
    return this.errcode === 0;
  }

  /** The operation that produced this result */
  get operation(): string {
    return this.#operation;
  }

  /** The HTTP response (made on first access from the bytes read), its URL redacted (no secret=, js_code=, access_token=) */
  get requestResult(): Response {
    const r = this.#response;
    if (typeof r === 'function') this.#response = r();
    else if ('toResponse' in r && typeof r.toResponse === 'function') this.#response = r.toResponse();
    return this.#response as Response;
  }

  /** The parsed JSON body (undefined for a binary reply) */
  get resultJson(): unknown {
    return this.#json;
  }

  /** WeChat's request id, from the errmsg suffix " rid: …" */
  get rid(): string | undefined {
    return /rid:\s*([0-9a-f-]+)/i.exec(this.errmsg)?.[1];
  }

  /** Serialized without the Response and with secrets (session_key, tokens…) redacted. */
  toJSON(): Record<string, unknown> {
    const plain = { ok: this.ok, ...(redactValue({ ...this }) as Record<string, unknown>), operation: this.operation, httpStatus: this.#status };
    const secrets = this.#secrets;
    return secrets ? (JSON.parse(redactText(JSON.stringify(plain), secrets)) as Record<string, unknown>) : plain;
  }

  [inspect.custom](): string {
    return `WechatData ${redactText(inspect(this.toJSON(), { depth: 6 }))}`;
  }
}

type Success<T> = { readonly ok: true; readonly errcode: 0 } & T;
type Failure<T> = { readonly ok: false } & { readonly [K in keyof T]?: T[K] };

/**
 * The answer of an endpoint method: the reply fields of T on the object, plus errcode/errmsg,
 * `requestResult` and `resultJson`. Narrow on `ok` (or errcode) to read the success fields.
 */
export type WechatData<T = Record<string, unknown>> = WechatResult & (Success<T> | Failure<T>);

/** The class behind every WechatData (for `instanceof`). */
export const WechatData = WechatResult;
