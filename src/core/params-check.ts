// Params checked for what JSON or a query string cannot carry safely, before validation and before
// any request: key names that reach an object's prototype (`__proto__`, `constructor`, `prototype`),
// BigInt, functions and symbols, circular objects. Only own enumerable keys are read.
import { WechatValidationError } from './errors.js';

/** Key names never accepted in params, at any depth. */
export const DANGEROUS_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const MAX_DEPTH = 64;
const pointer = (path: string, key: string | number) => `${path}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;

export function checkParams(operation: string, params: Record<string, unknown>): void {
  walk(operation, params, '', []);
}

function walk(operation: string, value: unknown, path: string, parents: object[]): void {
  const fail = (problem: string) => {
    throw new WechatValidationError(operation, path, problem);
  };
  if (typeof value === 'bigint') fail('is a BigInt: JSON has none (pass a string)');
  if (typeof value === 'function' || typeof value === 'symbol') fail(`is a ${typeof value}: not JSON`);
  if (value === null || typeof value !== 'object') return;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof Blob || value instanceof Date) return;
  if (parents.includes(value)) fail('is circular: not JSON');
  if (parents.length >= MAX_DEPTH) fail(`is nested over ${MAX_DEPTH} levels deep`);
  parents.push(value);
  if (Array.isArray(value)) value.forEach((v, i) => walk(operation, v, pointer(path, i), parents));
  else {
    for (const k of Object.keys(value)) {
      if (DANGEROUS_KEYS.has(k)) throw new WechatValidationError(operation, pointer(path, k), 'is not an accepted key (it would reach a prototype)');
      walk(operation, (value as Record<string, unknown>)[k], pointer(path, k), parents);
    }
  }
  parents.pop();
}
