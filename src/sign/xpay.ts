// Virtual payment (虚拟支付, /xpay/*) signatures, as built-in request middleware:
//   pay_sig   = hex(HMAC-SHA256(key = the env's AppKey, message = uri + '&' + body))
//   signature = hex(HMAC-SHA256(key = the user's session_key text, message = body))
// uri is the path without the query; body is the exact JSON text sent. The body is serialized once
// here and those bytes are what the client sends (ctx.rawBody), so both signatures cover them.
// Which signatures an endpoint needs is its spec's `request.signatures`; env 0 (or none) signs with
// the production AppKey, env 1 with the sandbox one. The AppKeys live in private fields only.
import { createHmac } from 'node:crypto';
import { WechatValidationError } from '../core/errors.js';
import type { EndpointRow } from '../core/endpoint.js';
import { userStateSignature } from '../crypto/user-state.js';
import type { Middleware, RequestContext } from '../client/middleware.js';

/** The AppKeys of "mp-支付基础配置" (virtual payment basic settings). */
export interface XpayOptions {
  /** AppKey of the production environment (env 0) */
  appKey?: string;
  /** AppKey of the sandbox environment (env 1) */
  sandboxAppKey?: string;
}

/** The local param that carries the user's session_key (consumed, never sent). */
export const XPAY_SESSION_KEY = 'session_key';

/** pay_sig over `uri + '&' + body` (uri without query string). */
export function xpayPaySig(appKey: string, uri: string, body: string): string {
  return createHmac('sha256', appKey).update(`${uri}&${body}`, 'utf8').digest('hex');
}

/** The user signature over the body, keyed by the session_key text (same as the user-state signature). */
export function xpayUserSig(sessionKey: string, body: string): string {
  return userStateSignature(sessionKey, body);
}

const usable = (v: unknown): v is string => typeof v === 'string' && v !== '';

/** Signs the endpoints whose row lists `signatures`; does nothing for the others. */
export class XpaySigner implements Middleware {
  readonly name = 'xpay-signatures';
  readonly #appKey: string | undefined;
  readonly #sandboxAppKey: string | undefined;

  constructor(options: XpayOptions | undefined) {
    this.#appKey = usable(options?.appKey) ? options.appKey : undefined;
    this.#sandboxAppKey = usable(options?.sandboxAppKey) ? options.sandboxAppKey : undefined;
  }

  /** Before any request: the AppKey for the call's env is configured, and session_key is there when needed. */
  check(row: EndpointRow, params: Record<string, unknown>): void {
    const sigs = row.signatures;
    if (!sigs || sigs.length === 0) return;
    if (sigs.includes('paySig')) this.#keyFor(row, params['env']);
    if (sigs.includes('userSig') && !usable(params[XPAY_SESSION_KEY])) {
      throw new WechatValidationError(row.op, `/${XPAY_SESSION_KEY}`, "is required: the user's session_key signs this call (signature); it is never sent");
    }
  }

  onRequest(ctx: RequestContext): void {
    const sigs = ctx.row.signatures;
    if (!sigs || sigs.length === 0) return;
    const body = { ...(ctx.body ?? {}) };
    const sessionKey = body[XPAY_SESSION_KEY];
    delete body[XPAY_SESSION_KEY];
    const raw = JSON.stringify(body);
    ctx.body = body;
    ctx.rawBody = raw;
    if (sigs.includes('paySig')) ctx.query['pay_sig'] = xpayPaySig(this.#keyFor(ctx.row, body['env']), ctx.path.split('?')[0] ?? ctx.path, raw);
    if (sigs.includes('userSig')) {
      if (!usable(sessionKey)) throw new WechatValidationError(ctx.operation, `/${XPAY_SESSION_KEY}`, "is required: the user's session_key signs this call (signature); it is never sent");
      ctx.query['signature'] = xpayUserSig(sessionKey, raw);
    }
  }

  #keyFor(row: EndpointRow, env: unknown): string {
    const sandbox = env === 1 || env === '1';
    const key = sandbox ? this.#sandboxAppKey : this.#appKey;
    if (key === undefined) {
      const option = sandbox ? 'xpay.sandboxAppKey' : 'xpay.appKey';
      throw new WechatValidationError(row.op, '/env', `${sandbox ? '1 (sandbox)' : '0 (production)'} needs options.${option} to compute pay_sig, and it is not set`);
    }
    return key;
  }

  /** Never show the keys. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, appKey: this.#appKey ? '[redacted]' : undefined, sandboxAppKey: this.#sandboxAppKey ? '[redacted]' : undefined };
  }
}
