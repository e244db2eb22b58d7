// The shape of one row of the generated endpoint table (generated/endpoints.ts). The table is data:
// the runtime interprets it; nothing in src/ is written per endpoint.

/** mp = MPTools, oa = OATools, component = OpenPlatform (third-party platform, component_access_token) */
export type ClientName = 'mp' | 'oa' | 'component';
export type AuthKind = 'access_token' | 'component_access_token' | 'credentials' | 'appid' | 'none';
export type ReplyKind = 'json' | 'binary' | 'mixed';
export type Scalar = string | number | boolean;
/** paySig = pay_sig (AppKey over uri & body) · userSig = signature (session_key over body) */
export type XpaySignature = 'paySig' | 'userSig';

/** How an endpoint pages (spec field `pagination`, read by client.paginate; see spec/_meta/endpoint.schema.yaml). */
export interface PaginationRule {
  readonly style: 'cursor' | 'offset' | 'page' | 'window';
  /** the request param that moves: cursor, offset, page number, or the begin date (window) */
  readonly param: string;
  /** dot path of the items array in the reply */
  readonly items: string;
  /** cursor: dot path of the next cursor in the reply */
  readonly next?: string;
  /** value of param on the first page when the caller gives none */
  readonly first?: number | string;
  /** the request param holding the page size */
  readonly size?: string;
  /** dot path of the total number of items */
  readonly total?: string;
  /** dot path of the number of pages */
  readonly totalPages?: string;
  /** dot path of a boolean: false = last page */
  readonly hasMore?: string;
  /** a page shorter than the size param is the last one */
  readonly shortPageEnds?: boolean;
}

/** The date range rule of a datacube endpoint (spec field `dateRule`), checked and completed before the call. */
export interface DateRule {
  readonly begin: string;
  readonly end: string;
  readonly format: 'YYYY-MM-DD' | 'YYYYMMDD';
  readonly period: 'day' | 'week' | 'month';
  readonly maxDays?: number;
  readonly spans?: readonly number[];
  readonly latest?: 'yesterday';
}

export interface EndpointRow {
  /** method name on the client (camelCase, WeChat's English API name where it has one) */
  readonly op: string;
  /** spec file id: <platform>/<family>/<operation> */
  readonly id: string;
  /** validator module, loaded on first use */
  readonly group: string;
  readonly clients: readonly ClientName[];
  readonly method: 'GET' | 'POST';
  /** host key when not api.weixin.qq.com */
  readonly host?: 'mp';
  readonly path: string;
  readonly auth: AuthKind;
  /** auth = credentials | appid: where the appid and secret go; auth = component_access_token: where the platform's component_appid goes (appid = its wire name) */
  readonly credentials?: { readonly in: 'query' | 'body'; readonly appid: string; readonly secret: string };
  readonly idempotent: boolean;
  /** params that go to the query string (the rest go to the body) */
  readonly query?: readonly string[];
  /** multipart/form-data body; names of the file fields */
  readonly multipart?: boolean;
  readonly files?: readonly string[];
  readonly constants?: { readonly query?: Readonly<Record<string, Scalar>>; readonly body?: Readonly<Record<string, Scalar>> };
  /** alternatives: for each entry, one of its groups of params must be complete */
  readonly oneOf?: readonly (readonly (readonly string[])[])[];
  /** the caller may pass session_key; the runtime computes `to` = HMAC-SHA256(session_key, body) and never sends it */
  readonly sign?: { readonly from: 'session_key'; readonly to: string };
  /** a param the client fills with its own appid when the caller leaves it out */
  readonly ownAppid?: string;
  /** virtual payment signatures the client adds to the query (pay_sig with the AppKey, signature with the session_key param) */
  readonly signatures?: readonly XpaySignature[];
  /** API security (服务端 API 签名加密): supported = encrypted and signed when options.apiSecurity is set; required = only works that way */
  readonly apiSecurity?: 'supported' | 'required';
  /** when the client acts for a third-party platform (OpenPlatform.miniProgram / officialAccount), this operation is called instead */
  readonly componentVariant?: string;
  readonly reply: ReplyKind;
  /** how client.paginate pages through this endpoint */
  readonly pagination?: PaginationRule;
  /** the begin/end date rule checked (and the end date filled in) before the call */
  readonly dateRule?: DateRule;
  /** false: no method on the client; reachable with call() */
  readonly bind?: false;
  readonly deprecated?: true;
}
