// A stateful mock WeChat built from the specs: one `handle(Request) → Response` implementation,
// served as msw handlers (mock.handlers) or as a real HTTP server on loopback (mock.listen()).
// It issues tokens with WeChat's semantics, checks the access_token and app credentials, validates
// requests against the spec schemas, and answers from the spec examples (overridable per operation), with
// believable users and ids in place of the docs' placeholders (mock-data.ts).
import { createHmac, randomBytes } from 'node:crypto';
import { endpointTable } from '../../generated/endpoints.js';
import { shippedExamples } from '../../generated/shipped-examples.js';
import type { EndpointRow } from '../core/endpoint.js';
import type { SpecExample } from '../core/example.js';
import { extraExamples, extraRows, type ExtraEndpoints } from '../client/extend.js';
import { validatorsFor, describeError } from '../validate/validate.js';
import { TokenState } from './token-state.js';
import { DEFAULT_MOCK_PLATFORM, MockPlatformState, type MockPlatform } from './mock-platform.js';
import { loadMsw, type HttpHandler } from './msw.js';
import { DEFAULT_MOCK_API_SECURITY, openSealedCall, type MockApiSecurity } from './mock-api-security.js';
import { MockData, type MockDataOptions } from './mock-data.js';

export interface MockApp {
  appid: string;
  secret: string;
  /** virtual payment AppKeys: when set, the mock checks pay_sig with them */
  xpay?: { appKey?: string; sandboxAppKey?: string };
  /** API security keys (the client's options.apiSecurity + the platform key): when set, endpoints marked apiSecurity must come encrypted and signed, and are answered in kind */
  apiSecurity?: MockApiSecurity;
}

export const DEFAULT_MOCK_APP: MockApp = {
  appid: 'wx0000mock0000app',
  secret: 'mock-app-secret-0123456789abcdef',
  xpay: { appKey: 'mock-xpay-appkey-0123456789', sandboxAppKey: 'mock-xpay-sandbox-appkey-0123' },
  apiSecurity: DEFAULT_MOCK_API_SECURITY,
};

export interface MockWechatOptions {
  /** Apps the mock knows (default: DEFAULT_MOCK_APP) */
  apps?: MockApp[];
  /** Seconds a replaced token stays valid (WeChat: 300; default 300) */
  tokenOverlapSeconds?: number;
  /** expires_in of issued tokens (default 7200) */
  tokenExpiresIn?: number;
  /** Check requests against the spec schemas (default true) */
  validateRequests?: boolean;
  /** Clock (ms), for tests of expiry */
  now?: () => number;
  /** Third-party platforms the mock knows (default: DEFAULT_MOCK_PLATFORM) */
  platforms?: MockPlatform[];
  /** api_authorizer_token returns a new refresh token each time and the old one stops working (default true) */
  rotateRefreshTokens?: boolean;
  /** The data in the answers: seed of the identity hashes, seed population, user-list page size */
  data?: MockDataOptions;
  /** Endpoints from your own specs (the `extraEndpoints` that `wechat-tools generate` writes): served from their examples, requests validated */
  endpoints?: ExtraEndpoints | undefined;
}

/** What an override answers: a JSON body, bytes, or an HTTP status. */
export type MockReply =
  | Record<string, unknown>
  | { binary: Uint8Array; contentType?: string }
  | { status: number; body?: string; contentType?: string };

export interface MockRequest {
  operation: string;
  row: EndpointRow;
  query: Record<string, string>;
  body: Record<string, unknown>;
  appid: string | undefined;
  request: Request;
}

export type MockFailure = number | 'network' | 'timeout' | { status: number; body?: string; contentType?: string };

export interface MockStats {
  /** calls per operation (token requests included) */
  calls: Record<string, number>;
  tokenRequests: { classic: number; stable: number; total: number };
  /** the third-party platform's token requests: api_component_token, api_authorizer_token */
  platformTokenRequests: { component: number; authorizer: number };
  /** replies by errcode (0 = success) */
  errcodes: Record<string, number>;
  requests: number;
}

const rid = () => `${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}`;

export const WECHAT_HOSTS = ['https://api.weixin.qq.com', 'https://mp.weixin.qq.com'] as const;

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
}

export class MockWechat {
  readonly apps: readonly MockApp[];
  readonly tokens: TokenState;
  /** The third-party platform: verifyTicketPush(), authorize(), unauthorizedPush(), messagePush()… */
  readonly platform: MockPlatformState;
  /** The users and ids the answers carry: data.login(appid, code), data.users(appid)… */
  readonly data: MockData;
  readonly #opts: MockWechatOptions;
  readonly #routes = new Map<string, EndpointRow[]>();
  readonly #extraExamples: Readonly<Record<string, readonly SpecExample[]>>;
  readonly #overrides = new Map<string, MockReply | ((req: MockRequest) => MockReply | Promise<MockReply>)>();
  readonly #failures = new Map<string, MockFailure[]>();
  #stats: MockStats = { calls: {}, tokenRequests: { classic: 0, stable: 0, total: 0 }, platformTokenRequests: { component: 0, authorizer: 0 }, errcodes: {}, requests: 0 };

  constructor(options: MockWechatOptions = {}) {
    this.#opts = options;
    this.apps = options.apps && options.apps.length > 0 ? options.apps : [DEFAULT_MOCK_APP];
    this.tokens = new TokenState({ expiresIn: options.tokenExpiresIn ?? 7200, overlapSeconds: options.tokenOverlapSeconds ?? 300, now: options.now ?? Date.now });
    this.platform = new MockPlatformState({
      platforms: options.platforms && options.platforms.length > 0 ? options.platforms : [DEFAULT_MOCK_PLATFORM],
      tokens: this.tokens,
      now: options.now ?? Date.now,
      expiresIn: options.tokenExpiresIn ?? 7200,
      rotateRefreshTokens: options.rotateRefreshTokens ?? true,
    });
    this.data = new MockData(options.data);
    // the user's endpoints: new ones added, those with `overrides: true` in place of the built-in one
    const extra = options.endpoints ? extraRows(options.endpoints) : [];
    const replaced = new Set(extra.filter((r) => r.overrides).map((r) => r.op));
    this.#extraExamples = extraExamples(options.endpoints);
    for (const row of [...endpointTable.filter((r) => !replaced.has(r.op)), ...extra]) {
      const key = `${row.method} ${row.path}`;
      const list = this.#routes.get(key) ?? [];
      list.push(row);
      this.#routes.set(key, list);
    }
  }

  // ---- control ----

  /** Answer `operation` with this reply (or function of the request) until reset(). */
  on(operation: string, reply: MockReply | ((req: MockRequest) => MockReply | Promise<MockReply>)): this {
    this.#overrides.set(operation, reply);
    return this;
  }

  /** Make the next call of `operation` fail: an errcode, a dropped connection, no answer, or an HTTP status. */
  failNext(operation: string, failure: MockFailure): this {
    const list = this.#failures.get(operation) ?? [];
    list.push(failure);
    this.#failures.set(operation, list);
    return this;
  }

  /** Every token issued so far now answers 42001. */
  expireTokens(): this {
    this.tokens.expireAll();
    return this;
  }

  stats(): MockStats {
    return structuredClone(this.#stats);
  }

  /** Forget overrides, pending failures, tokens, stats and the users seen. */
  reset(): this {
    this.#overrides.clear();
    this.data.reset();
    this.#failures.clear();
    this.tokens.clear();
    this.platform.clear();
    this.#stats = { calls: {}, tokenRequests: { classic: 0, stable: 0, total: 0 }, platformTokenRequests: { component: 0, authorizer: 0 }, errcodes: {}, requests: 0 };
    return this;
  }

  // ---- serving ----

  #pending = 0;

  /** Requests being handled right now (a 'timeout' failure holds one until the caller goes away). */
  get pending(): number {
    return this.#pending;
  }

  async handle(request: Request): Promise<Response> {
    this.#pending++;
    try {
      // API security: an encrypted call is opened (checked, decrypted) first and its answer sealed.
      const url = new URL(request.url);
      const row = this.#routes.get(`${request.method} ${url.pathname}`)?.[0];
      const opened = await openSealedCall(request, row, this.apps, (t) => {
        const c = this.tokens.check(t);
        return c.ok ? c.appid : undefined;
      });
      if (opened.kind === 'refused') return this.#reply(row?.op ?? url.pathname, { errcode: opened.errcode, errmsg: opened.errmsg });
      if (opened.kind === 'opened') return await opened.seal(await this.#handle(opened.request));
      return await this.#handle(request);
    } finally {
      this.#pending--;
    }
  }

  async #handle(request: Request): Promise<Response> {
    this.#stats.requests++;
    const url = new URL(request.url);
    const rows = this.#routes.get(`${request.method} ${url.pathname}`);
    if (!rows) return this.#error(404, 'invalid url domain or path', 404);
    const query = Object.fromEntries(url.searchParams.entries());
    let body: Record<string, unknown> = {};
    let raw = '';
    if (request.method === 'POST') {
      const parsed = await this.#readBody(request, rows[0]);
      if ('error' in parsed) return this.#reply(rows[0]?.op ?? url.pathname, parsed.error);
      body = parsed.body;
      raw = parsed.raw ?? '';
    }
    const row = await this.#pick(rows, query, body);
    const op = row.op;
    this.#stats.calls[op] = (this.#stats.calls[op] ?? 0) + 1;

    const failure = this.#failures.get(op)?.shift();
    if (failure !== undefined) {
      const failed = await this.#fail(op, failure, request);
      if (failed) return failed;
    }

    // Credentials and tokens.
    let appid: string | undefined;
    let componentAppid: string | undefined;
    if (MockPlatformState.owns(row)) {
      const auth = this.platform.authenticate(row, query, body);
      if (auth.error) return this.#reply(op, auth.error);
      componentAppid = auth.componentAppid;
    } else if (row.auth === 'access_token') {
      const check = this.tokens.check(query['access_token'] ?? null);
      if (!check.ok) {
        const msg = { 40001: 'invalid credential, access_token is invalid or not latest', 41001: 'access_token missing', 42001: 'access_token expired' }[check.errcode];
        return this.#reply(op, { errcode: check.errcode, errmsg: msg });
      }
      appid = check.appid;
    } else if ((row.auth === 'credentials' || row.auth === 'appid') && row.credentials) {
      const src = row.credentials.in === 'query' ? query : body;
      appid = String(src[row.credentials.appid] ?? '');
      const app = this.apps.find((a) => a.appid === appid);
      if (!appid) return this.#reply(op, { errcode: 41002, errmsg: 'appid missing' });
      if (!app) return this.#reply(op, { errcode: 40013, errmsg: 'invalid appid' });
      if (row.auth === 'credentials') {
        const secret = src[row.credentials.secret];
        if (!secret) return this.#reply(op, { errcode: 41004, errmsg: 'appsecret missing' });
        if (secret !== app.secret) return this.#reply(op, { errcode: 40125, errmsg: 'invalid appsecret' });
      }
    }

    // Virtual payment signatures: pay_sig checked with the app's AppKey when the mock knows it.
    if (row.signatures?.length) {
      const bad = this.#xpayProblem(row, url.pathname, query, body, raw, appid);
      if (bad) return this.#reply(op, { errcode: 268490003, errmsg: bad });
    }

    // Request shape.
    const params = this.#params(row, query, body);
    if (this.#opts.validateRequests !== false) {
      const problem = await this.#validate(row, params);
      if (problem) return this.#reply(op, { errcode: 47001, errmsg: `data format error hint: [${problem}]` });
    }

    const isClassic = row.path === '/cgi-bin/token';
    const isStable = row.path === '/cgi-bin/stable_token';
    if (isClassic || isStable) {
      this.#stats.tokenRequests[isClassic ? 'classic' : 'stable']++;
      this.#stats.tokenRequests.total++;
    }
    const platformToken = row.path === '/cgi-bin/component/api_component_token' ? 'component' : row.path === '/cgi-bin/component/api_authorizer_token' ? 'authorizer' : undefined;
    if (platformToken) this.#stats.platformTokenRequests[platformToken]++;

    const override = this.#overrides.get(op) ?? this.#overrides.get(row.id);
    if (override !== undefined) {
      const reply = typeof override === 'function' ? await override({ operation: op, row, query, body, appid, request }) : override;
      return this.#reply(op, reply);
    }

    // Token endpoints are stateful.
    if (componentAppid !== undefined) {
      const served = this.platform.serve(row, componentAppid, body, query);
      if (served) return this.#reply(op, served);
    }
    if (isClassic) {
      if (query['grant_type'] !== 'client_credential') return this.#reply(op, { errcode: 40002, errmsg: 'invalid grant_type' });
      return this.#reply(op, this.tokens.classic(appid ?? ''));
    }
    if (isStable) {
      if (body['grant_type'] !== 'client_credential') return this.#reply(op, { errcode: 40002, errmsg: 'invalid grant_type' });
      const r = this.tokens.stable(appid ?? '', body['force_refresh'] === true);
      return this.#reply(op, 'errcode' in r ? { errcode: 45009, errmsg: 'reach max api daily quota limit' } : r);
    }

    const example = (shippedExamples[row.id] ?? this.#extraExamples[row.id] ?? []).find((e) => !e.response || !e.response['errcode']);
    const reply = exampleReply(example);
    if ('binary' in reply || ('status' in reply && !('errcode' in reply))) return this.#reply(op, reply);
    return this.#reply(op, this.data.fill(reply, { appid, params }));
  }

  /** msw request handlers for every WeChat host, for `setupServer(...mock.handlers)` (msw is an optional peer dependency, loaded only here). */
  get handlers(): HttpHandler[] {
    const { http } = loadMsw();
    return WECHAT_HOSTS.map((host) => http.all(`${host}/*`, ({ request }) => this.handle(request)));
  }

  /** Serve the mock on loopback (port 0 = any free port). */
  async listen(port = 0, host = '127.0.0.1'): Promise<MockServer> {
    const { serveOnLoopback } = await import('./serve.js');
    return serveOnLoopback((req) => this.handle(req), port, host);
  }

  // ---- internals ----

  #xpayProblem(row: EndpointRow, uri: string, query: Record<string, string>, body: Record<string, unknown>, raw: string, appid: string | undefined): string | undefined {
    const hex64 = /^[0-9a-f]{64}$/;
    if (row.signatures?.includes('paySig')) {
      const paySig = query['pay_sig'] ?? '';
      if (!hex64.test(paySig)) return '支付签名(pay_sig)校验失败';
      const keys = this.apps.find((a) => a.appid === appid)?.xpay;
      const key = body['env'] === 1 ? keys?.sandboxAppKey : keys?.appKey;
      if (key && createHmac('sha256', key).update(`${uri}&${raw}`, 'utf8').digest('hex') !== paySig) return '支付签名(pay_sig)校验失败';
    }
    if (row.signatures?.includes('userSig') && !hex64.test(query['signature'] ?? '')) return '用户态签名(signature)校验失败';
    return undefined;
  }

  async #readBody(request: Request, row: EndpointRow | undefined): Promise<{ body: Record<string, unknown>; raw?: string } | { error: MockReply }> {
    const type = request.headers.get('content-type') ?? '';
    if (row?.multipart || type.startsWith('multipart/form-data')) {
      try {
        const form = await request.formData();
        const body: Record<string, unknown> = {};
        for (const [k, v] of form.entries()) body[k] = typeof v === 'string' ? v : { filename: v.name, size: v.size, type: v.type };
        return { body };
      } catch {
        return { error: { errcode: 41005, errmsg: 'media data missing' } };
      }
    }
    const text = await request.text();
    // request.rawBody: the whole body is one param (JSON text parsed, plain text as is)
    if (row?.rawBody) {
      const { param, contentType } = row.rawBody;
      if (text === '') return { error: { errcode: 44002, errmsg: 'empty post data' } };
      if (contentType === 'text/plain') return { body: { [param]: text }, raw: text };
      try {
        return { body: { [param]: JSON.parse(text) as unknown }, raw: text };
      } catch {
        return { error: { errcode: 47001, errmsg: 'data format error' } };
      }
    }
    // A POST without a body (e.g. a signed call with every param in the query): let the schema decide.
    if (text.trim() === '') return { body: {} };
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return { body: parsed as Record<string, unknown>, raw: text };
    } catch {
      /* fall through */
    }
    return { error: { errcode: 47001, errmsg: 'data format error' } };
  }

  /** Several specs may share a route (a Mini Program and an Official Account variant): pick the one whose schema accepts the request. */
  async #pick(rows: EndpointRow[], query: Record<string, string>, body: Record<string, unknown>): Promise<EndpointRow> {
    if (rows.length === 1) return rows[0] as EndpointRow;
    // An override set by spec id says which variant the test means; else the first whose schema accepts the request.
    const overridden = rows.find((r) => this.#overrides.has(r.id));
    if (overridden) return overridden;
    for (const row of rows) if (!(await this.#validate(row, this.#params(row, query, body)))) return row;
    return rows[0] as EndpointRow;
  }

  /** The caller's params: query + body, without what the runtime adds (token, credentials, constants). */
  #params(row: EndpointRow, query: Record<string, string>, body: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = { ...query, ...body };
    if (row.auth === 'access_token' || row.auth === 'component_access_token') delete out['access_token'];
    if (row.auth === 'component_access_token') delete out['component_access_token'];
    if (row.credentials) {
      delete out[row.credentials.appid];
      delete out[row.credentials.secret];
    }
    for (const k of Object.keys(row.constants?.query ?? {})) delete out[k];
    for (const k of Object.keys(row.constants?.body ?? {})) delete out[k];
    if (row.signatures?.length) {
      delete out['pay_sig'];
      // the signature stands for the session_key the client consumed to compute it
      if (row.signatures.includes('userSig') && typeof out['signature'] === 'string') out['session_key'] = '(consumed by the client)';
      delete out['signature'];
    }
    return out;
  }

  /** Validate, turning query strings into numbers/booleans where the schema wants them (as WeChat reads them). */
  async #validate(row: EndpointRow, params: Record<string, unknown>): Promise<string | undefined> {
    const [validate] = await validatorsFor(row);
    const data: Record<string, unknown> = { ...params };
    const multipartStrings = row.multipart ? new Set(Object.keys(params)) : new Set<string>();
    for (let i = 0; i < 50; i++) {
      if (validate(data)) return undefined;
      const err = validate.errors?.[0];
      if (!err) return 'invalid';
      const field = err.instancePath.split('/')[1];
      const fromQuery = field !== undefined && err.instancePath === `/${field}` && (row.query?.includes(field) || row.method === 'GET' || multipartStrings.has(field));
      const raw = field === undefined ? undefined : data[field];
      if (err.keyword === 'type' && fromQuery && typeof raw === 'string' && field !== undefined) {
        const want = String(err.params['type']);
        if ((want.includes('integer') || want.includes('number')) && raw.trim() !== '' && !Number.isNaN(Number(raw))) data[field] = Number(raw);
        else if (want.includes('boolean') && (raw === 'true' || raw === 'false')) data[field] = raw === 'true';
        else if ((want.includes('object') || want.includes('array')) && multipartStrings.has(field)) {
          try {
            data[field] = JSON.parse(raw);
          } catch {
            break;
          }
        } else break;
        continue;
      }
      break;
    }
    const err = validate.errors?.[0];
    if (!err) return undefined;
    const { field, problem } = describeError(err);
    return `${field.slice(1) || 'body'} ${problem}`;
  }

  async #fail(op: string, failure: MockFailure, request: Request): Promise<Response | undefined> {
    if (typeof failure === 'number') return this.#reply(op, { errcode: failure, errmsg: failure === -1 ? 'system error' : `mock failure ${failure}` });
    if (failure === 'network') return Response.error();
    if (failure === 'timeout') {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 120_000);
        t.unref?.();
        request.signal?.addEventListener('abort', () => {
          clearTimeout(t);
          resolve();
        });
      });
      return Response.error();
    }
    return new Response(failure.body ?? '', { status: failure.status, headers: { 'content-type': failure.contentType ?? 'text/html' } });
  }

  #count(errcode: number): void {
    this.#stats.errcodes[String(errcode)] = (this.#stats.errcodes[String(errcode)] ?? 0) + 1;
  }

  #error(errcode: number, errmsg: string, status = 200): Response {
    this.#count(errcode);
    return json({ errcode, errmsg: `${errmsg} rid: ${rid()}` }, status);
  }

  #reply(op: string, reply: MockReply): Response {
    if ('binary' in reply && reply['binary'] instanceof Uint8Array) {
      this.#count(0);
      return new Response(reply['binary'], { status: 200, headers: { 'content-type': String(reply['contentType'] ?? 'image/jpeg') } });
    }
    if ('status' in reply && typeof reply['status'] === 'number' && !('errcode' in reply)) {
      return new Response(typeof reply['body'] === 'string' ? reply['body'] : '', { status: reply['status'], headers: { 'content-type': String(reply['contentType'] ?? 'text/plain') } });
    }
    const body = { ...(reply as Record<string, unknown>) };
    const errcode = typeof body['errcode'] === 'number' ? body['errcode'] : 0;
    if (errcode !== 0 && typeof body['errmsg'] === 'string' && !/ rid: /.test(body['errmsg'])) body['errmsg'] = `${body['errmsg']} rid: ${rid()}`;
    if (errcode !== 0 && body['errmsg'] === undefined) return this.#error(errcode, `errcode ${errcode}`);
    this.#count(errcode);
    return json(body);
  }
}

export function exampleReply(example: SpecExample | undefined): MockReply {
  if (!example) return { errcode: 0, errmsg: 'ok' };
  if (example.binary) return { binary: Buffer.from(example.binary.base64, 'base64'), contentType: example.binary.contentType };
  return { ...(example.response ?? {}) };
}

export interface MockServer {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  close(): Promise<void>;
}

export function createMockWechat(options: MockWechatOptions = {}): MockWechat {
  return new MockWechat(options);
}
