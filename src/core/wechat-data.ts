// WechatData: every endpoint's answer. The typed reply fields sit directly on the object (as in the
// seed: `r.openid`), with errcode (0 on success), errmsg, the fetch Response and the parsed body.
import { inspect } from 'node:util';
import { redactText, redactValue } from './redact.js';

/** A binary reply (QR codes, media): the bytes and their content type. */
export interface BinaryReply {
  buffer: Uint8Array;
  contentType: string;
}

/** Exact secret values a call sent, per result (kept off the object). */
const sentSecrets = new WeakMap<object, readonly string[]>();

/**
 * Names the result itself owns, and names that would reach its prototype: a reply field with one of
 * these names stays in resultJson only.
 */
const OWN = new Set(['ok', 'operation', 'requestResult', 'resultJson', 'rid', 'toJSON', 'errcode', 'errmsg', '__proto__', 'constructor', 'prototype']);

const define = (target: object, key: string, value: unknown) => Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });

export class WechatResult {
  /** 0 on success */
  declare readonly errcode: number;
  /** 'ok' on success; WeChat's message (with its " rid: …" suffix) on failure */
  declare readonly errmsg: string;
  readonly #operation: string;
  readonly #status: number;
  readonly #json: unknown;
  #response: Response | (() => Response);

  constructor(init: { operation: string; status: number; response: Response | (() => Response); json?: unknown; fields?: Record<string, unknown>; binary?: BinaryReply; secrets?: readonly string[] }) {
    const fields = init.fields ?? {};
    if (init.secrets && init.secrets.length > 0) sentSecrets.set(this, init.secrets);
    const errcode = typeof fields['errcode'] === 'number' ? fields['errcode'] : Number(fields['errcode'] ?? 0) || 0;
    // own keys only, defined (never assigned: a `__proto__` key must not re-parent the result)
    for (const k of Object.keys(fields)) if (!OWN.has(k)) define(this, k, fields[k]);
    if (init.binary) {
      define(this, 'buffer', init.binary.buffer);
      define(this, 'contentType', init.binary.contentType);
    }
    define(this, 'errcode', errcode);
    // an errmsg that echoes a credential the call sent (the AppSecret, a token, a js_code) does not carry
    // it on; short values (a 4-letter test code) are left alone, they would mangle the message
    const errmsg = typeof fields['errmsg'] === 'string' ? fields['errmsg'] : errcode === 0 ? 'ok' : '';
    define(this, 'errmsg', init.secrets && errcode !== 0 ? redactText(errmsg, init.secrets.filter((v) => v.length >= 12)) : errmsg);
    this.#operation = init.operation;
    this.#status = init.status;
    this.#json = init.json;
    this.#response = init.response;
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
    if (typeof this.#response === 'function') this.#response = this.#response();
    return this.#response;
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
    const secrets = sentSecrets.get(this);
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
