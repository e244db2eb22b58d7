// Params checked for what JSON or a query string cannot carry safely, before validation and before
// any request: key names that reach an object's prototype (`__proto__`, `constructor`, `prototype`),
// BigInt, functions and symbols, circular objects. Only own enumerable keys are read.
import { WechatValidationError } from './errors.js';

/** Key names never accepted in params, at any depth. */
export const DANGEROUS_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const MAX_DEPTH = 64;
/** The JSON pointer of a path (made only for an error). */
const pointer = (keys: readonly (string | number)[]) => keys.map((k) => `/${String(k).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

export function checkParams(operation: string, params: Record<string, unknown>): void {
  walk(operation, params, [], []);
}

/** `keys`: the path to `value` (pushed and popped as the walk goes, so a valid tree costs no strings). */
function walk(operation: string, value: unknown, keys: (string | number)[], parents: object[]): void {
  if (value === null) return;
  const type = typeof value;
  if (type !== 'object') {
    if (type === 'bigint') throw new WechatValidationError(operation, pointer(keys), 'is a BigInt: JSON has none (pass a string)');
    if (type === 'function' || type === 'symbol') throw new WechatValidationError(operation, pointer(keys), `is a ${type}: not JSON`);
    return;
  }
  const obj = value as object;
  if (ArrayBuffer.isView(obj) || obj instanceof ArrayBuffer || obj instanceof Blob || obj instanceof Date) return;
  if (parents.includes(obj)) throw new WechatValidationError(operation, pointer(keys), 'is circular: not JSON');
  if (parents.length >= MAX_DEPTH) throw new WechatValidationError(operation, pointer(keys), `is nested over ${MAX_DEPTH} levels deep`);
  parents.push(obj);
  if (Array.isArray(obj)) {
    for (let i = 0; i < obj.length; i++) {
      keys.push(i);
      walk(operation, obj[i], keys, parents);
      keys.pop();
    }
  } else {
    for (const k of Object.keys(obj)) {
      keys.push(k);
      if (DANGEROUS_KEYS.has(k)) throw new WechatValidationError(operation, pointer(keys), 'is not an accepted key (it would reach a prototype)');
      walk(operation, (obj as Record<string, unknown>)[k], keys, parents);
      keys.pop();
    }
  }
  parents.pop();
}
