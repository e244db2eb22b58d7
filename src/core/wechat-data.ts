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

export class WechatResult {
  /** true when errcode is 0 */
  declare readonly ok: boolean;
  /** 0 on success */
  declare readonly errcode: number;
  /** 'ok' on success; WeChat's message (with its " rid: …" suffix) on failure */
  declare readonly errmsg: string;
  /** The operation that produced this result */
  declare readonly operation: string;
  /** The HTTP response (its URL is never printed: it carries the access_token) */
  declare readonly requestResult: Response;
  /** The parsed JSON body (undefined for a binary reply) */
  declare readonly resultJson: unknown;

  constructor(init: { operation: string; response: Response; json?: unknown; fields?: Record<string, unknown>; binary?: BinaryReply; secrets?: readonly string[] }) {
    const fields = init.fields ?? {};
    if (init.secrets && init.secrets.length > 0) sentSecrets.set(this, init.secrets);
    const errcode = typeof fields['errcode'] === 'number' ? fields['errcode'] : Number(fields['errcode'] ?? 0) || 0;
    Object.assign(this, fields, init.binary ?? {});
    const define = (key: string, value: unknown) => Object.defineProperty(this, key, { value, enumerable: false, writable: false, configurable: true });
    Object.defineProperty(this, 'errcode', { value: errcode, enumerable: true, writable: false, configurable: true });
    Object.defineProperty(this, 'errmsg', { value: typeof fields['errmsg'] === 'string' ? fields['errmsg'] : errcode === 0 ? 'ok' : '', enumerable: true, writable: false, configurable: true });
    define('ok', errcode === 0);
    define('operation', init.operation);
    define('requestResult', init.response);
    define('resultJson', init.json);
  }

  /** WeChat's request id, from the errmsg suffix " rid: …" */
  get rid(): string | undefined {
    return /rid:\s*([0-9a-f-]+)/i.exec(this.errmsg)?.[1];
  }

  /** Serialized without the Response and with secrets (session_key, tokens…) redacted. */
  toJSON(): Record<string, unknown> {
    const plain = { ok: this.ok, ...(redactValue({ ...this }) as Record<string, unknown>), operation: this.operation, status: this.requestResult.status };
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
