// Believable, deterministic data for the mock's answers. The spec examples carry the docs' placeholders
// (`openid: "OPENID"`); before the mock answers with one, a small table of identity rules keyed by reply
// field names rewrites it:
// - users: a code (js_code, OAuth code) stands for a user; openid = keyed hash of (app, user), unionid =
//   keyed hash of the user (the same across apps), session_key = keyed hash of (app, code). An openid the
//   request names is echoed. The key comes from the mock's seed, so the same code gives the same user in
//   every run of a mock with the same seed.
// - user lists (a reply with next_openid): pages through the app's users: a seed population plus every user
//   the mock has seen (logged in, named in a request), in that order, pageSize at a time.
// - ids (msgid, media_id, template ids, order ids): echoed when the request names one, else new on each call.
import { createHmac, createHash } from 'node:crypto';

export interface MockDataOptions {
  /** key of the identity hashes: same seed, same users and ids (default: a fixed seed) */
  seed?: string;
  /** users every app has before anyone logs in, listed first by the user lists (default 5) */
  seedUsers?: number;
  /** openids per page of a user list (WeChat: up to 10000; default 10000) */
  pageSize?: number;
}

/** A user as the mock sees it in one app. */
export interface MockUser {
  openid: string;
  unionid: string;
}

/** What a request says about the user and ids it is about. */
export interface MockDataRequest {
  /** the app the request was authenticated as (undefined for endpoints without app credentials) */
  appid: string | undefined;
  /** the caller's params (query + body) */
  params: Record<string, unknown>;
}

type Json = Record<string, unknown>;

/** Users remembered per app at most. */
const MAX_SEEN = 100_000;

/** Reply fields whose value is an id WeChat makes new on each call (echoed when the request names it). */
const FRESH_IDS: ReadonlySet<string> = new Set(['msgid', 'msg_id', 'msg_data_id', 'media_id', 'thumb_media_id', 'template_id', 'priTmplId', 'pri_tmpl_id', 'order_id', 'wx_order_id', 'publish_id']);

interface FillContext {
  appid: string;
  params: Json;
  /** the user the request is about (lazily: the first rule that needs it decides) */
  user(): { openid: string; userKey: string; code?: string };
  /** openids the request lists, in order (openid_list, user_list[].openid) */
  listed: string[];
}

/** The identity rules: reply field name → how its value is made, given the request and where the field sits. */
const IDENTITY_RULES: Readonly<Record<string, (data: MockData, ctx: FillContext, value: unknown, index: number | undefined) => unknown>> = {
  openid: (data, ctx, value, index) => {
    if (Array.isArray(value)) return value.map((_, i) => ctx.listed[i] ?? data.users(ctx.appid)[i]?.openid ?? data.userFor(ctx.appid, `list-${i}`).openid);
    if (typeof value !== 'string') return value;
    if (index !== undefined) return ctx.listed[index] ?? data.users(ctx.appid)[index]?.openid ?? value;
    return ctx.user().openid;
  },
  // unionid follows the openid beside it (see fill), else the request's user
  unionid: (data, ctx, value) => (typeof value === 'string' ? data.unionidOf(ctx.user().openid) : value),
  session_key: (data, ctx, value) => (typeof value === 'string' ? data.sessionKey(ctx.appid, ctx.user().code ?? ctx.user().userKey) : value),
};

export class MockData {
  readonly #key: Buffer;
  readonly #seedUsers: number;
  readonly #pageSize: number;
  /** openid → the user key it was made from (for unionids) */
  readonly #userKeyOf = new Map<string, string>();
  /** appid → openids seen, in order of first sight */
  readonly #seen = new Map<string, Set<string>>();
  /** appid → the seed population's openids */
  readonly #seedCache = new Map<string, readonly string[]>();
  /** ids made so far (each fresh id is new) */
  #ids = 0;

  constructor(options: MockDataOptions = {}) {
    this.#key = createHash('sha256').update(`wechat-tools mock data\0${options.seed ?? 'wechat-tools'}`).digest();
    this.#seedUsers = Math.max(0, Math.floor(options.seedUsers ?? 5));
    this.#pageSize = Math.max(1, Math.floor(options.pageSize ?? 10_000));
  }

  #hash(...parts: string[]): Buffer {
    return createHmac('sha256', this.#key).update(parts.join('\0')).digest();
  }

  /** An app's user for a code (or any user key): the same code, the same user; unionid shared across apps. */
  userFor(appid: string, userKey: string): MockUser {
    const openid = `o${this.#hash('openid', appid, userKey).toString('base64url').slice(0, 27)}`;
    if (this.#userKeyOf.size < 4 * MAX_SEEN) this.#userKeyOf.set(openid, userKey);
    return { openid, unionid: this.#unionid(userKey) };
  }

  /** What code2Session answers for this js_code (and registers the user as seen by the app). */
  login(appid: string, code: string): MockUser & { session_key: string } {
    const user = this.userFor(appid, `code:${code}`);
    this.see(appid, user.openid);
    return { ...user, session_key: this.sessionKey(appid, code) };
  }

  #unionid(userKey: string): string {
    return `o${this.#hash('unionid', userKey).toString('base64url').slice(0, 27)}`;
  }

  /** The unionid of a user by openid (an openid the mock did not make stands for its own user). */
  unionidOf(openid: string): string {
    return this.#unionid(this.#userKeyOf.get(openid) ?? `openid:${openid}`);
  }

  /** base64 of 16 bytes, as WeChat's session_key (usable with encryptOpenData and mp.decryptData). */
  sessionKey(appid: string, code: string): string {
    return this.#hash('session_key', appid, code).subarray(0, 16).toString('base64');
  }

  /** Remember a user of an app, for the user lists (up to MAX_SEEN per app, so a long test cannot grow it without bound). */
  see(appid: string, openid: string): void {
    let seen = this.#seen.get(appid);
    if (!seen) this.#seen.set(appid, (seen = new Set()));
    if (seen.size < MAX_SEEN && !seen.has(openid) && !this.#seeded(appid).includes(openid)) seen.add(openid);
  }

  #seeded(appid: string): readonly string[] {
    let list = this.#seedCache.get(appid);
    if (!list) {
      list = Array.from({ length: this.#seedUsers }, (_, i) => this.userFor(appid, `seed-${i}`).openid);
      this.#seedCache.set(appid, list);
    }
    return list;
  }

  /** An app's users, as the user lists give them: the seed population, then the users seen. */
  users(appid: string): MockUser[] {
    return this.#openids(appid).map((openid) => ({ openid, unionid: this.unionidOf(openid) }));
  }

  #openids(appid: string): string[] {
    return [...this.#seeded(appid), ...(this.#seen.get(appid) ?? [])];
  }

  /** Forget the users seen and restart the ids (the seed population stays). */
  reset(): void {
    this.#seen.clear();
    this.#seedCache.clear();
    this.#userKeyOf.clear();
    this.#ids = 0;
  }

  /** The reply to send: the example with its identity fields made believable for this request. */
  fill(example: Json, request: MockDataRequest): Json {
    const appid = request.appid ?? '';
    const params = request.params;
    const listed = listedOpenids(params);
    for (const openid of listed) this.see(appid, openid);
    let user: { openid: string; userKey: string; code?: string } | undefined;
    const ctx: FillContext = {
      appid,
      params,
      listed,
      user: () => (user ??= this.#requestUser(appid, params)),
    };
    const out = this.#walk(example, ctx, undefined, true) as Json;
    if (typeof out['next_openid'] === 'string') return this.#page(out, ctx);
    return out;
  }

  #requestUser(appid: string, params: Json): { openid: string; userKey: string; code?: string } {
    const named = params['openid'];
    if (typeof named === 'string' && named !== '') {
      this.see(appid, named);
      return { openid: named, userKey: this.#userKeyOf.get(named) ?? `openid:${named}` };
    }
    const code = params['js_code'] ?? params['code'];
    if (typeof code === 'string' && code !== '') {
      const { openid } = this.login(appid, code);
      return { openid, userKey: `code:${code}`, code };
    }
    const first = this.users(appid)[0]?.openid ?? this.userFor(appid, 'anonymous').openid;
    return { openid: first, userKey: this.#userKeyOf.get(first) ?? `openid:${first}` };
  }

  /** top: the reply's own fields (an id the request names is echoed only there) */
  #walk(value: unknown, ctx: FillContext, index: number | undefined, top = false): unknown {
    if (Array.isArray(value)) return value.map((v, i) => this.#walk(v, ctx, i));
    if (value === null || typeof value !== 'object') return value;
    const out: Json = {};
    for (const [k, v] of Object.entries(value as Json)) {
      const rule = IDENTITY_RULES[k];
      if (rule) out[k] = rule(this, ctx, v, index);
      else if (FRESH_IDS.has(k)) out[k] = this.#freshId(k, v, top ? ctx.params[k] : undefined);
      else out[k] = this.#walk(v, ctx, undefined);
    }
    // a unionid sits beside the openid of its user
    if (typeof out['openid'] === 'string' && typeof out['unionid'] === 'string') out['unionid'] = this.unionidOf(out['openid']);
    return out;
  }

  #freshId(field: string, example: unknown, asked: unknown): unknown {
    if ((typeof asked === 'string' || typeof asked === 'number') && typeof asked === typeof example) return asked;
    const n = ++this.#ids;
    if (typeof example === 'number' && Number.isSafeInteger(example)) return Math.max(example, 1_000_000) + n;
    if (typeof example === 'string') {
      const length = Math.min(64, Math.max(example.length, 32));
      return this.#hash('id', field, String(n)).toString('base64url').slice(0, length);
    }
    return example;
  }

  /** A user list: the page after the request's cursor (next_openid / begin_openid). */
  #page(reply: Json, ctx: FillContext): Json {
    const all = this.#openids(ctx.appid);
    const cursor = ctx.params['next_openid'] ?? ctx.params['begin_openid'];
    let start = 0;
    if (typeof cursor === 'string' && cursor !== '') {
      const at = all.indexOf(cursor);
      if (at < 0) return { errcode: 40003, errmsg: 'invalid openid' };
      start = at + 1;
    }
    const page = all.slice(start, start + this.#pageSize);
    const out: Json = { ...reply, count: page.length, next_openid: page.at(-1) ?? '' };
    if ('total' in reply) out['total'] = all.length;
    if (page.length > 0) out['data'] = { openid: page };
    else delete out['data'];
    return out;
  }
}

/** The openids a request lists: openid_list: [..] or user_list: [{ openid }]. */
function listedOpenids(params: Json): string[] {
  const list = params['openid_list'] ?? params['user_list'];
  if (!Array.isArray(list)) return [];
  return list.map((x: unknown) => (typeof x === 'string' ? x : x && typeof x === 'object' ? (x as Json)['openid'] : undefined)).filter((x): x is string => typeof x === 'string' && x !== '');
}
