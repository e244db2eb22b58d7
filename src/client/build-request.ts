// One attempt's request, built from an endpoint row and the params: what goes to the query and what
// to the body, the app credentials, the constants, the session_key signature. Containers have no
// prototype and only own keys of the params are read, so no key can inject a parameter.
import type { AuthKind, ClientName, EndpointRow, ReplyKind } from '../core/endpoint.js';
import { WechatValidationError } from '../core/errors.js';
import { userStateSignature } from '../crypto/user-state.js';
import type { RequestContext } from './middleware.js';

/** An endpoint that has no spec yet, for client.request(). */
export interface RawRequest {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, unknown>;
  body?: Record<string, unknown>;
  /** default access_token */
  auth?: AuthKind;
  /** default json */
  reply?: ReplyKind;
  /** a name for logs and errors (default the path) */
  operation?: string;
  /** default false: a POST without a spec is never treated as safe to repeat */
  idempotent?: boolean;
}

/** A null-prototype record: `obj['__proto__'] = v` is a plain field there. */
export const record = (from?: Readonly<Record<string, unknown>>): Record<string, unknown> => Object.assign(Object.create(null) as Record<string, unknown>, from ?? {});

/** The row a raw request stands for. */
export function rawRow(req: RawRequest, platform: ClientName): EndpointRow {
  const method = req.method;
  return {
    op: req.operation ?? req.path,
    id: req.operation ?? req.path,
    group: '',
    clients: [platform],
    method,
    path: req.path,
    auth: req.auth ?? 'access_token',
    ...(req.auth === 'credentials' ? { credentials: { in: method === 'GET' ? 'query' : 'body', appid: 'appid', secret: 'secret' } } : {}),
    idempotent: req.idempotent ?? method === 'GET',
    query: Object.keys(req.query ?? {}),
    reply: req.reply ?? 'json',
  };
}

/** The params of a raw request: its query and body fields, own keys only. */
export function rawParams(req: RawRequest): Record<string, unknown> {
  const params = record();
  for (const part of [req.query, req.body]) if (part) for (const k of Object.keys(part)) params[k] = part[k];
  return params;
}

export interface Credentials {
  appid: string;
  secret: string | undefined;
  /** the third-party platform's component_appid, for endpoints with auth component_access_token */
  componentAppid?: string | undefined;
}

export function buildContext(row: EndpointRow, params: Record<string, unknown>, attempt: number, app: Credentials, baseUrl: string): RequestContext {
  const query = record(row.constants?.query);
  let body: Record<string, unknown> | undefined = row.method === 'POST' ? record(row.constants?.body) : undefined;
  const inQuery = new Set(row.query ?? []);
  for (const k of Object.keys(params)) {
    const v = params[k];
    if (v === undefined || k === row.sign?.from) continue;
    if (inQuery.has(k) || body === undefined) query[k] = v;
    else body[k] = v;
  }
  if ((row.auth === 'credentials' || row.auth === 'appid') && row.credentials) {
    const target = row.credentials.in === 'query' ? query : (body ??= record());
    target[row.credentials.appid] = app.appid;
    if (row.auth === 'credentials') {
      if (!app.secret) throw new WechatValidationError(row.op, '/secret', 'is required: options.secret is not set');
      target[row.credentials.secret] = app.secret;
    }
  }
  if (row.auth === 'component_access_token' && row.credentials && app.componentAppid !== undefined) {
    const target = row.credentials.in === 'query' ? query : (body ??= record());
    target[row.credentials.appid] = app.componentAppid;
  }
  const sessionKey = row.sign && Object.hasOwn(params, row.sign.from) ? params[row.sign.from] : undefined;
  if (row.sign && typeof sessionKey === 'string') {
    // The signature covers the exact POST body: with no fields, send none and sign "".
    if (body !== undefined && Object.keys(body).length === 0) body = undefined;
    const signature = userStateSignature(sessionKey, body === undefined ? '' : JSON.stringify(body));
    if (inQuery.has(row.sign.to) || body === undefined) query[row.sign.to] = signature;
    else body[row.sign.to] = signature;
  }
  return { row, operation: row.op, attempt, method: row.method, baseUrl, path: row.path, query, body, headers: {} };
}
