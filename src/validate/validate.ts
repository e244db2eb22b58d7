// Params and response validation with the generated ajv standalone validators, loaded per API group
// on first use (a cold start loads none).
import { validatorGroups } from '../../generated/validators/index.js';
import type { EndpointRow } from '../core/endpoint.js';
import { WechatValidationError } from '../core/errors.js';
import type { ValidateFunction, ValidationErrorObject, ValidatorModule } from './types.js';

const loaded = new Map<string, ValidatorModule>();

export async function validatorsFor(row: EndpointRow): Promise<readonly [ValidateFunction, ValidateFunction | undefined]> {
  let mod = loaded.get(row.group);
  if (!mod) {
    const load = validatorGroups[row.group];
    if (!load) throw new Error(`no validators for group ${row.group}`);
    mod = await load();
    loaded.set(row.group, mod);
  }
  const pair = mod.validators[row.op];
  if (!pair) throw new Error(`no validators for ${row.op}`);
  return pair;
}

/** `/line_color/r` and "must be <= 255", or the missing property as the field. */
export function describeError(e: ValidationErrorObject): { field: string; problem: string } {
  if (e.keyword === 'required') {
    const missing = String(e.params['missingProperty']);
    return { field: `${e.instancePath}/${missing}`, problem: 'is required' };
  }
  if (e.keyword === 'anyOf' || e.keyword === 'oneOf') return { field: e.instancePath, problem: e.message ?? 'does not match the allowed shapes' };
  if (e.keyword === 'enum') return { field: e.instancePath, problem: `must be one of ${JSON.stringify(e.params['allowedValues'])}` };
  return { field: e.instancePath, problem: e.message ?? `fails ${e.keyword}` };
}

export async function validateParams(row: EndpointRow, params: unknown): Promise<void> {
  const [validate] = await validatorsFor(row);
  if (!validate(params)) {
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
}

/** undefined when the reply matches its schema, else a one-line description. */
export async function checkResponse(row: EndpointRow, body: unknown): Promise<string | undefined> {
  const [, validate] = await validatorsFor(row);
  if (!validate || validate(body)) return undefined;
  const first = validate.errors?.[0];
  if (!first) return 'does not match the schema';
  const { field, problem } = describeError(first);
  return `${field || '(reply)'} ${problem}`;
}
