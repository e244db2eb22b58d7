// One attempt's request, built from an endpoint row and the params: what goes to the query and what
// to the body, the app credentials, the constants, the session_key signature. Only own keys of the params
// are read; the query has no prototype; the body is a plain object (JSON.stringify's fast path: a
// prototype-less object is serialised at about half the speed) whose fields are all defined as its own, so
// no key can inject a parameter or re-parent it.
import type { AuthKind, ClientName, EndpointRow, RawBody, ReplyKind } from '../core/endpoint.js';
import { WechatValidationError } from '../core/errors.js';
import { setOwn } from '../core/redact.js';
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

/** A request body: a plain object with `from`'s own fields. */
function bodyRecord(from?: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (from) for (const k of Object.keys(from)) setOwn(body, k, from[k]);
  return body;
}

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

/** The names a row sends in the query, per row (rows live as long as the table). */
const queryNames = new WeakMap<EndpointRow, ReadonlySet<string>>();
function queryNamesOf(row: EndpointRow): ReadonlySet<string> {
  let names = queryNames.get(row);
  if (!names) queryNames.set(row, (names = new Set(row.query ?? [])));
  return names;
}

export function buildContext(row: EndpointRow, params: Record<string, unknown>, attempt: number, app: Credentials, baseUrl: string): RequestContext {
  const query = record(row.constants?.query);
  let body: Record<string, unknown> | undefined = row.method === 'POST' ? bodyRecord(row.constants?.body) : undefined;
  const inQuery = queryNamesOf(row);
  for (const k of Object.keys(params)) {
    const v = params[k];
    if (v === undefined || k === row.sign?.from) continue;
    if (inQuery.has(k) || body === undefined) query[k] = v;
    else setOwn(body, k, v);
  }
  if ((row.auth === 'credentials' || row.auth === 'appid') && row.credentials) {
    const target = row.credentials.in === 'query' ? query : (body ??= bodyRecord());
    target[row.credentials.appid] = app.appid;
    if (row.auth === 'credentials') {
      if (!app.secret) throw new WechatValidationError(row.op, '/secret', 'is required: options.secret is not set');
      target[row.credentials.secret] = app.secret;
    }
  }
  if (row.auth === 'component_access_token' && row.credentials && app.componentAppid !== undefined) {
    const target = row.credentials.in === 'query' ? query : (body ??= bodyRecord());
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
  const ctx: RequestContext = { row, operation: row.op, attempt, method: row.method, baseUrl, path: row.path, query, body, headers: {} };
  if (row.rawBody) setRawBody(ctx, row.rawBody, params);
  return ctx;
}

/**
 * Spec field request.rawBody: the param is the whole body, byte for byte (a string as is; an object or
 * array as its JSON text, application/json only). The other params are in the query already.
 */
function setRawBody(ctx: RequestContext, rule: RawBody, params: Record<string, unknown>): void {
  const value = Object.hasOwn(params, rule.param) ? params[rule.param] : undefined;
  let text: string;
  if (typeof value === 'string') text = value;
  else if (rule.contentType === 'application/json' && value !== undefined && typeof value !== 'function' && typeof value !== 'symbol' && typeof value !== 'bigint') text = JSON.stringify(value);
  else throw new WechatValidationError(ctx.operation, `/${rule.param}`, rule.contentType === 'text/plain' ? 'must be a string (the raw text body)' : 'must be a string or a JSON value (the raw body)');
  ctx.rawBody = text;
  ctx.headers['content-type'] = rule.contentType === 'text/plain' ? 'text/plain; charset=utf-8' : 'application/json';
}
