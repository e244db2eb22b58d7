// Endpoints from the user's own specs (`wechat-tools generate --specs DIR --out DIR`): their rows,
// validator schemas and examples, merged into a client's operation table (options.endpoints or
// MPTools.extend) and served by the mock (createMockWechat({ endpoints })). The runtime interprets
// their rows exactly as the built-in ones: nothing here is specific to one endpoint.
import type { CallOptions } from '../core/call-options.js';
import type { ClientName, EndpointRow } from '../core/endpoint.js';
import { WechatToolsError } from '../core/errors.js';
import type { SpecExample } from '../core/example.js';
import type { WechatData } from '../core/wechat-data.js';
import type { PageIterator, PaginateArgs } from './paginate.js';
import type { ValidatorGroup } from '../validate/types.js';
import { registerValidatorGroup } from '../validate/validate.js';
import { operationsOf } from './operations.js';

/** One operation's types, as the generated module declares them. */
export interface ExtraOperation {
  params: object;
  response: unknown;
  required: boolean;
}

/** One operation that `paginate()` pages through, as the generated module declares it. */
export interface ExtraPaged {
  params: object;
  item: unknown;
  response: unknown;
  required: boolean;
}

/** The typed methods and operations of one client, as the generated module declares them. */
export interface ExtraApi {
  methods: object;
  operations: { [operation: string]: ExtraOperation };
  /** the operations with a `pagination` rule */
  paginated: { [operation: string]: ExtraPaged };
}

/** The types of the extra endpoints, per client. */
export interface ExtraTypes {
  mp?: ExtraApi;
  oa?: ExtraApi;
}

/** A row of the user's endpoint table: a built-in row, and whether it replaces a built-in endpoint. */
export interface ExtraEndpointRow extends EndpointRow {
  /** the spec's `overrides: true`: replaces the built-in endpoint of the same operation name */
  readonly overrides?: true;
}

/** What `wechat-tools generate --specs DIR --out DIR` emits as `extraEndpoints`. */
export interface ExtraEndpoints<T extends ExtraTypes = ExtraTypes> {
  /** the endpoint rows, sorted by spec id */
  readonly rows: readonly ExtraEndpointRow[];
  /** the params/reply JSON Schemas, compiled to closures on first use (no eval) */
  readonly validators: ValidatorGroup;
  /** the spec examples by spec id (the mock answers from them) */
  readonly examples: Readonly<Record<string, readonly SpecExample[]>>;
  /** carries the types only; never set */
  readonly types?: T | undefined;
}

type ArgsOf<O extends ExtraOperation> = O['required'] extends true ? [params: O['params'], options?: CallOptions] : [params?: O['params'], options?: CallOptions];

/** `call(name, …)` for the extra operations of one client. */
export interface ExtraCall<Ops extends ExtraApi['operations']> {
  call<K extends keyof Ops & string>(operation: K, ...args: ArgsOf<Ops[K]>): Promise<WechatData<Ops[K]['response']>>;
}

/** `paginate(name, …)` for the extra operations of one client that have a `pagination` rule. */
export interface ExtraPaginate<Paged extends ExtraApi['paginated']> {
  paginate<K extends keyof Paged & string>(operation: K, ...args: PaginateArgs<Paged[K]>): PageIterator<Paged[K]['item'], WechatData<Paged[K]['response']>>;
}

/** A client with the extra endpoints of `T` for the client `C`: their methods, `call()` and `paginate()` by name. */
export type WithExtraEndpoints<Client, T extends ExtraTypes, C extends keyof ExtraTypes> = T[C] extends ExtraApi
  ? Client & T[C]['methods'] & ExtraCall<T[C]['operations']> & ExtraPaginate<T[C]['paginated']>
  : Client;

let nextGroup = 0;
/** Each endpoints object's rows, regrouped under its own validator group (registered once). */
const prepared = new WeakMap<ExtraEndpoints, readonly ExtraEndpointRow[]>();

/** The rows of `endpoints`, their validators registered under a group of their own. */
export function extraRows(endpoints: ExtraEndpoints): readonly ExtraEndpointRow[] {
  let rows = prepared.get(endpoints);
  if (!rows) {
    if (!endpoints || !Array.isArray(endpoints.rows) || typeof endpoints.validators !== 'object') {
      throw new WechatToolsError('options.endpoints: expected the `extraEndpoints` of a module written by `wechat-tools generate --specs DIR --out DIR`');
    }
    const group = `extra:${nextGroup++}`;
    registerValidatorGroup(group, endpoints.validators);
    rows = endpoints.rows.map((row) => ({ ...row, group }));
    prepared.set(endpoints, rows);
  }
  return rows;
}

/**
 * The operation table of a client with extra endpoints: the built-in rows, then the extra rows of
 * this client. A name that collides with a built-in operation (or a hand-written member of the
 * client) is an error unless its spec says `overrides: true`.
 */
export function operationsWith(client: ClientName, className: string, endpoints: ExtraEndpoints | undefined, members: object): Map<string, EndpointRow> {
  const builtIn = operationsOf(client);
  if (!endpoints) return builtIn;
  const ops = new Map(builtIn);
  for (const row of extraRows(endpoints)) {
    if (!row.clients.includes(client)) continue;
    const existing = builtIn.get(row.op);
    if (existing && !row.overrides) throw new WechatToolsError(`${className}: the extra endpoint ${row.op} (${row.id}) collides with the built-in ${row.op} (${existing.id}); add \`overrides: true\` to its spec to replace it`);
    if (!existing && row.overrides) throw new WechatToolsError(`${className}: the extra endpoint ${row.op} (${row.id}) says overrides: true, but there is no built-in ${row.op}`);
    if (!existing && row.bind !== false && row.op in members) throw new WechatToolsError(`${className}: the extra endpoint ${row.op} (${row.id}) collides with a member of ${className} (set bindMethod: false in its spec, or rename it)`);
    ops.set(row.op, row);
  }
  return ops;
}

/** The examples of the extra endpoints by spec id (the mock). */
export function extraExamples(endpoints: ExtraEndpoints | undefined): Readonly<Record<string, readonly SpecExample[]>> {
  return endpoints?.examples ?? {};
}
