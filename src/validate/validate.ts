// Params and response validation: the generated schemas (one data module per API group, loaded on
// first use: a cold start loads none) compiled to closures on first use of each operation.
import { validatorGroups } from '../../generated/validators/index.js';
import type { EndpointRow } from '../core/endpoint.js';
import { WechatValidationError } from '../core/errors.js';
import { SchemaCompiler } from './compile.js';
import type { ValidateFunction, ValidationErrorObject, ValidatorGroup } from './types.js';

interface LoadedGroup {
  data: ValidatorGroup;
  compiler: SchemaCompiler;
  byOp: Map<string, readonly [ValidateFunction, ValidateFunction | undefined]>;
}

const loaded = new Map<string, LoadedGroup>();
/** Groups that are not in the package: the user's own endpoints (src/client/extend.ts). */
const extraGroups = new Map<string, ValidatorGroup>();

/** Register the schemas of extra endpoints under a group name of their own. */
export function registerValidatorGroup(group: string, data: ValidatorGroup): void {
  extraGroups.set(group, data);
}
const loading = new Map<string, Promise<LoadedGroup>>();

async function loadGroup(group: string): Promise<LoadedGroup> {
  const extra = extraGroups.get(group);
  const load = validatorGroups[group];
  if (!extra && !load) throw new Error(`no validators for group ${group}`);
  const data = extra ?? (await load!());
  const entry: LoadedGroup = { data, compiler: new SchemaCompiler(data.$defs), byOp: new Map() };
  loaded.set(group, entry);
  return entry;
}

/** The operation's [params validator, reply validator (undefined for a binary reply)]. */
export function validatorsFor(row: EndpointRow): Promise<readonly [ValidateFunction, ValidateFunction | undefined]> | readonly [ValidateFunction, ValidateFunction | undefined] {
  const group = loaded.get(row.group);
  if (!group) {
    let pending = loading.get(row.group);
    if (!pending) {
      pending = loadGroup(row.group);
      loading.set(row.group, pending);
      pending.then(() => loading.delete(row.group), () => loading.delete(row.group));
    }
    return pending.then((g) => validatorsOf(g, row.op));
  }
  return validatorsOf(group, row.op);
}

function validatorsOf(group: LoadedGroup, op: string): readonly [ValidateFunction, ValidateFunction | undefined] {
  let pair = group.byOp.get(op);
  if (!pair) {
    const schemas = group.data.ops[op];
    if (!schemas) throw new Error(`no validators for ${op}`);
    const [params, reply] = schemas;
    pair = [group.compiler.compile(params), reply === 0 ? undefined : group.compiler.compile(reply)] as const;
    group.byOp.set(op, pair);
  }
  return pair;
}

/** `/line_color/r` and "must be <= 255", or the missing property as the field. */
export function describeError(e: ValidationErrorObject): { field: string; problem: string } {
  if (e.keyword === 'required') {
    const missing = String(e.params['missingProperty']);
    // params.when: a conditional requirement (if/then of request.requiredWhen) says when
    return { field: `${e.instancePath}/${missing}`, problem: typeof e.params['when'] === 'string' ? `is required when ${e.params['when']}` : 'is required' };
  }
  if (e.keyword === 'anyOf' || e.keyword === 'oneOf') return { field: e.instancePath, problem: e.message ?? 'does not match the allowed shapes' };
  if (e.keyword === 'enum') return { field: e.instancePath, problem: `must be one of ${JSON.stringify(e.params['allowedValues'])}` };
  return { field: e.instancePath, problem: e.message ?? `fails ${e.keyword}` };
}

/** Throws a WechatValidationError naming the first bad field; synchronous once the group's validators are loaded. */
export function validateParams(row: EndpointRow, params: unknown): void | Promise<void> {
  const pair = validatorsFor(row);
  if ('then' in pair) return pair.then(([validate]) => paramsVerdict(row, validate, params));
  paramsVerdict(row, pair[0], params);
}

function paramsVerdict(row: EndpointRow, validate: ValidateFunction, params: unknown): void {
  if (validate(params)) return;
  const record = params as Record<string, unknown>;
  const unmet = row.oneOf?.find((alternatives) => !alternatives.some((group) => group.every((k) => record[k] !== undefined)));
  if (unmet) {
    const wanted = unmet.map((group) => group.join(' + ')).join(', or ');
    throw new WechatValidationError(row.op, '', `need ${wanted}`);
  }
  const first = validate.errors?.[0];
  const { field, problem } = first ? describeError(first) : { field: '', problem: 'are invalid' };
  throw new WechatValidationError(row.op, field, problem);
}

/** What is wrong with a reply (undefined: nothing); synchronous once the group's validators are loaded. */
export function checkResponse(row: EndpointRow, body: unknown): string | undefined | Promise<string | undefined> {
  const pair = validatorsFor(row);
  if ('then' in pair) return pair.then(([, validate]) => replyVerdict(validate, body));
  return replyVerdict(pair[1], body);
}

function replyVerdict(validate: ValidateFunction | undefined, body: unknown): string | undefined {
  if (!validate || validate(body)) return undefined;
  const first = validate.errors?.[0];
  if (!first) return 'does not match the schema';
  const { field, problem } = describeError(first);
  return `${field || '(reply)'} ${problem}`;
}
