// The intermediate form between spec files and emitters: one EndpointIR per spec file, already
// checked across files. Emitters read only this (and the shared definitions), never YAML.
import type { DateRule, PaginationRule } from '../src/core/endpoint.js';

export type JsonSchema = { [key: string]: unknown };

export type ClientName = 'mp' | 'oa' | 'component';

export interface SpecExample {
  name: string;
  params?: Record<string, unknown>;
  response?: Record<string, unknown>;
  binary?: { contentType: string; base64: string };
}

/** The YAML document of one endpoint, as the meta-schema describes it. */
export interface SpecDoc {
  operation: string;
  clients: ClientName[];
  summary: string;
  description?: string;
  docUrl: string;
  deprecated?: boolean | string;
  bindMethod?: boolean;
  method: 'GET' | 'POST';
  host?: 'api' | 'mp';
  path: string;
  auth: 'access_token' | 'component_access_token' | 'credentials' | 'appid' | 'none';
  credentials?: { in: 'query' | 'body'; appid?: string; secret?: string };
  idempotent: boolean;
  request?: {
    query?: Record<string, JsonSchema>;
    body?: Record<string, JsonSchema>;
    multipart?: Record<string, JsonSchema>;
    required?: string[];
    requireOneOf?: string[][];
    sessionKeySignature?: { to: string };
    ownAppid?: string;
    signatures?: ('paySig' | 'userSig')[];
    apiSecurity?: 'supported' | 'required';
    componentVariant?: string;
    constants?: { query?: Record<string, string | number | boolean>; body?: Record<string, string | number | boolean> };
  };
  response: { kind: 'json' | 'binary' | 'mixed'; schema?: JsonSchema };
  pagination?: PaginationRule;
  dateRule?: Omit<DateRule, 'begin' | 'end'> & { begin?: string; end?: string };
  errors?: { errcode: number; errmsg?: string; description: string }[];
  examples: SpecExample[];
}

export interface LoadedSpec {
  /** path relative to the repository, POSIX separators: spec/miniprogram/user-login/code2Session.yaml */
  file: string;
  /** miniprogram/user-login/code2Session */
  id: string;
  /** miniprogram | officialaccount | common | component */
  platform: string;
  /** user-login */
  family: string;
  doc: SpecDoc;
}

export interface ErrcodeEntry {
  errcode: number;
  errmsg: string;
  zh: string;
  action: 'refresh_token' | 'retry' | 'none';
  hint?: string;
}

export interface SharedDefs {
  /** spec/_shared/schemas.yaml $defs */
  defs: Record<string, JsonSchema>;
  errcodes: ErrcodeEntry[];
}

/** local: a param the runtime consumes and never sends (session_key for a computed signature) */
export type ParamLocation = 'query' | 'body' | 'multipart' | 'local';

export interface EndpointIR {
  id: string;
  file: string;
  /** validator module name: platform-family */
  group: string;
  platform: string;
  family: string;
  operation: string;
  clients: ClientName[];
  summary: string;
  description?: string;
  docUrl: string;
  deprecated?: true | string;
  bindMethod: boolean;
  method: 'GET' | 'POST';
  host: 'api' | 'mp';
  path: string;
  auth: 'access_token' | 'component_access_token' | 'credentials' | 'appid' | 'none';
  credentials?: { in: 'query' | 'body'; appid: string; secret: string };
  idempotent: boolean;
  params: { name: string; in: ParamLocation; schema: JsonSchema; required: boolean; file: boolean }[];
  /** each entry: at least one of its groups of params must be fully present */
  requireOneOf: string[][][];
  /** a param the client fills with its own appid when left out */
  ownAppid?: string;
  /** the operation called instead when the client acts for a third-party platform */
  componentVariant?: string;
  /** the runtime computes this param from session_key */
  signFrom?: { from: 'session_key'; to: string };
  /** virtual payment signatures the runtime adds to the query (pay_sig, signature) */
  signatures?: ('paySig' | 'userSig')[];
  /** API security (服务端 API 签名加密): the runtime encrypts and signs the call when configured */
  apiSecurity?: 'supported' | 'required';
  constants: { query: Record<string, string | number | boolean>; body: Record<string, string | number | boolean> };
  bodyKind: 'none' | 'json' | 'multipart';
  responseKind: 'json' | 'binary' | 'mixed';
  responseSchema?: JsonSchema;
  /** how client.paginate pages through the endpoint */
  pagination?: PaginationRule;
  /** the date range rule (begin/end param names resolved) */
  dateRule?: DateRule;
  errors: { errcode: number; errmsg?: string; description: string }[];
  examples: SpecExample[];
  /** PascalCase base of the generated type names (Code2Session → Code2SessionParams) */
  typeBase: string;
}

export interface GeneratorInput {
  endpoints: EndpointIR[];
  shared: SharedDefs;
  /** spec/push/** (pushed messages and events) */
  push: import('./push.js').PushSpec[];
}
