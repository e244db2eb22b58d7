// JSON Schema → closures, for the subset the endpoint specs use (spec/_meta/endpoint.schema.yaml):
// type, enum, const, pattern, minimum/maximum (+ exclusive), minLength/maxLength, minItems/maxItems,
// uniqueItems, items, properties, required, additionalProperties, allOf/anyOf/oneOf, if/then/else
// (conditional requirements: spec field request.requiredWhen) and $ref to the group's $defs. Formats and annotations are not validated (as with the generation-time ajv, whose
// verdicts test/validator-oracle.test.ts requires to be identical).
//
// No code is generated from strings (works under --disallow-code-generation-from-strings): every
// schema node becomes a small closure, compiled once. The success path allocates nothing; the first
// failure records one error and its JSON pointer is built while the failure unwinds.
import type { JsonSchema, ValidateFunction, ValidationErrorObject } from './types.js';

type Check = (value: unknown) => boolean;

/** The error being reported: instancePath grows from the leaf outwards. */
interface Failure {
  error: ValidationErrorObject | undefined;
}

const KNOWN = new Set([
  'type', 'enum', 'const', 'pattern', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength',
  'minItems', 'maxItems', 'uniqueItems', 'items', 'properties', 'required', 'additionalProperties', 'allOf', 'anyOf', 'oneOf', '$ref',
  'if', 'then', 'else', 'minProperties', 'maxProperties',
]);

/** Length in Unicode code points (JSON Schema counts minLength/maxLength so; ajv too). */
export function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n--;
      i++;
    }
  }
  return n;
}

/** Deep equality of JSON values (enum, const, uniqueItems). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return a !== a && b !== b; // NaN
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], bb[i])) return false;
    return true;
  }
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const TYPE_CHECKS: Record<string, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  integer: (v) => typeof v === 'number' && Number.isInteger(v),
  boolean: (v) => typeof v === 'boolean',
  object: isObject,
  array: Array.isArray,
  null: (v) => v === null,
};

/** JSON pointer segment (RFC 6901). */
const segment = (key: string | number): string => (typeof key === 'number' ? `/${key}` : `/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);

export class SchemaCompiler {
  readonly #defs: Readonly<Record<string, JsonSchema>>;
  readonly #compiled = new Map<JsonSchema, Check>();
  readonly #failure: Failure = { error: undefined };

  constructor(defs: Readonly<Record<string, JsonSchema>> = {}) {
    this.#defs = defs;
  }

  /** A validator with ajv's interface: returns the verdict and sets `errors` (the first error) on failure. */
  compile(schema: JsonSchema): ValidateFunction {
    const check = this.#node(schema);
    const failure = this.#failure;
    const validate = ((data: unknown): boolean => {
      failure.error = undefined;
      if (check(data)) {
        validate.errors = null;
        return true;
      }
      validate.errors = failure.error ? [failure.error] : [{ instancePath: '', keyword: 'false schema', params: {}, message: 'is invalid' }];
      failure.error = undefined;
      return false;
    }) as ValidateFunction;
    validate.errors = null;
    return validate;
  }

  #fail(keyword: string, params: Record<string, unknown>, message: string): false {
    this.#failure.error = { instancePath: '', keyword, params, message };
    return false;
  }

  /** Prefix the pending error's path with one segment (called while a failure unwinds). */
  #at(key: string | number): false {
    const e = this.#failure.error;
    if (e) e.instancePath = segment(key) + e.instancePath;
    return false;
  }

  #node(schema: JsonSchema | boolean): Check {
    if (schema === true) return () => true;
    if (schema === false) return () => this.#fail('false schema', {}, 'boolean schema is false');
    const done = this.#compiled.get(schema);
    if (done) return done;
    // Recursive $defs: register a trampoline before compiling the body.
    let body: Check | undefined;
    const trampoline: Check = (v) => (body as Check)(v);
    this.#compiled.set(schema, trampoline);
    body = this.#build(schema);
    this.#compiled.set(schema, body);
    return body;
  }

  #build(schema: JsonSchema): Check {
    for (const k of Object.keys(schema)) if (!KNOWN.has(k)) throw new Error(`validator: unsupported schema keyword "${k}"`);
    const s = schema as Record<string, unknown>;
    const fused = this.#fused(s);
    if (fused) return fused;
    const checks: Check[] = [];

    if (typeof s['$ref'] === 'string') checks.push(this.#ref(s['$ref']));
    if (s['type'] !== undefined) checks.push(this.#type(s['type'] as string | string[]));

    const scalar = this.#scalarChecks(s);
    if (scalar) checks.push(scalar);
    const list = this.#arrayChecks(s);
    if (list) checks.push(list);
    const obj = this.#objectChecks(s);
    if (obj) checks.push(obj);

    if (Array.isArray(s['allOf'])) for (const sub of s['allOf'] as JsonSchema[]) checks.push(this.#node(sub));
    if (Array.isArray(s['anyOf'])) checks.push(this.#anyOf(s['anyOf'] as JsonSchema[]));
    if (Array.isArray(s['oneOf'])) checks.push(this.#oneOf(s['oneOf'] as JsonSchema[]));
    if (Array.isArray(s['enum'])) checks.push(this.#enum(s['enum'] as unknown[]));
    if (s['if'] !== undefined) {
      const branches = this.#ifThenElse(s['if'] as JsonSchema | boolean, s['then'] as JsonSchema | boolean | undefined, s['else'] as JsonSchema | boolean | undefined);
      if (branches) checks.push(branches);
    }
    if ('const' in s) {
      const c = s['const'];
      checks.push((v) => jsonEqual(v, c) || this.#fail('const', { allowedValue: c }, 'must be equal to constant'));
    }
    return all(checks);
  }

  /**
   * One closure for the common shapes (a typed string / number / integer, an object with properties):
   * the type test and that type's keywords together, so a call runs one closure per value, not several.
   */
  #fused(s: Record<string, unknown>): Check | undefined {
    const type = s['type'];
    if (typeof type !== 'string' || COMBINATORS.some((k) => k in s)) return undefined;
    const leaf = leafOf(s);
    if (leaf) return (v) => this.#leafOk(leaf, v);
    const params = { type };
    const message = `must be ${type}`;
    const values = Array.isArray(s['enum']) ? (s['enum'] as unknown[]) : undefined;
    if (type === 'object' && !values) {
      const rest = this.#objectChecks(s);
      return (v) => (isObject(v) ? !rest || rest(v) : this.#fail('type', params, message));
    }
    if (type === 'array' && !values) {
      const rest = this.#arrayChecks(s);
      return (v) => (Array.isArray(v) ? !rest || rest(v) : this.#fail('type', params, message));
    }
    return undefined;
  }

  #ref(ref: string): Check {
    const name = ref.startsWith('#/$defs/') ? ref.slice('#/$defs/'.length) : undefined;
    const target = name === undefined ? undefined : this.#defs[name];
    if (target === undefined) throw new Error(`validator: unresolved $ref ${ref}`);
    let check: Check | undefined;
    // compiled on first use: a group's unused definitions cost nothing
    return (v) => (check ??= this.#node(target))(v);
  }

  #type(type: string | string[]): Check {
    const names = Array.isArray(type) ? type : [type];
    const tests = names.map((n) => {
      const t = TYPE_CHECKS[n];
      if (!t) throw new Error(`validator: unknown type ${n}`);
      return t;
    });
    const params = { type: names.join(',') };
    const message = `must be ${names.join(',')}`;
    if (tests.length === 1) {
      const t = tests[0] as (v: unknown) => boolean;
      return (v) => t(v) || this.#fail('type', params, message);
    }
    return (v) => tests.some((t) => t(v)) || this.#fail('type', params, message);
  }

  /** The length, pattern and bound keywords of a schema as one check (a value of another type passes them). */
  #scalarChecks(s: Record<string, unknown>): Check | undefined {
    const rules = rulesOf(s);
    return rules.minLength === undefined && rules.maxLength === undefined && rules.re === undefined && rules.bounds === undefined ? undefined : (v) => this.#rulesOk(rules, v);
  }

  #arrayChecks(s: Record<string, unknown>): Check | undefined {
    const max = typeof s['maxItems'] === 'number' ? s['maxItems'] : undefined;
    const min = typeof s['minItems'] === 'number' ? s['minItems'] : undefined;
    const unique = s['uniqueItems'] === true;
    const items = s['items'] !== undefined ? this.#node(s['items'] as JsonSchema) : undefined;
    if (max === undefined && min === undefined && !unique && !items) return undefined;
    return (v) => {
      if (!Array.isArray(v)) return true;
      if (max !== undefined && v.length > max) return this.#fail('maxItems', { limit: max }, `must NOT have more than ${max} items`);
      if (min !== undefined && v.length < min) return this.#fail('minItems', { limit: min }, `must NOT have fewer than ${min} items`);
      if (items) for (let i = 0; i < v.length; i++) if (!items(v[i])) return this.#at(i);
      if (unique) {
        for (let i = v.length - 1; i > 0; i--) {
          for (let j = i - 1; j >= 0; j--) {
            if (jsonEqual(v[i], v[j])) return this.#fail('uniqueItems', { i, j }, `must NOT have duplicate items (items ## ${j} and ${i} are identical)`);
          }
        }
      }
      return true;
    };
  }

  #objectChecks(s: Record<string, unknown>): Check | undefined {
    const required = Array.isArray(s['required']) ? (s['required'] as string[]) : [];
    const props = isObject(s['properties']) ? Object.entries(s['properties'] as Record<string, JsonSchema>).map(([k, sub]) => [k, this.#node(sub)] as const) : [];
    const extra = s['additionalProperties'];
    const known = new Set(props.map(([k]) => k));
    const additional = extra === undefined || extra === true ? undefined : extra === false ? false : this.#node(extra as JsonSchema);
    const minProps = typeof s['minProperties'] === 'number' ? s['minProperties'] : undefined;
    const maxProps = typeof s['maxProperties'] === 'number' ? s['maxProperties'] : undefined;
    if (required.length === 0 && props.length === 0 && additional === undefined && minProps === undefined && maxProps === undefined) return undefined;
    const keys = props.map(([k]) => k);
    const subs = props.map(([, c]) => c);
    // plain scalar fields (most of them) are checked here, without a call per field
    const leaves = keys.map((k) => leafOf((s['properties'] as Record<string, JsonSchema>)[k]));
    const n = keys.length;
    return (v) => {
      if (!isObject(v)) return true;
      // a present but wrong field is reported before a missing one (same verdict either way)
      for (let i = 0; i < n; i++) {
        const x = v[keys[i] as string];
        if (x === undefined) continue;
        const leaf = leaves[i];
        if (leaf === undefined) {
          if (!(subs[i] as Check)(x)) return this.#at(keys[i] as string);
          continue;
        }
        if (!this.#leafOk(leaf, x)) return this.#at(keys[i] as string);
      }
      for (let i = 0; i < required.length; i++) {
        const k = required[i] as string;
        if (v[k] === undefined) return this.#fail('required', { missingProperty: k }, `must have required property '${k}'`);
      }
      if (minProps !== undefined || maxProps !== undefined) {
        const count = Object.keys(v).length;
        if (minProps !== undefined && count < minProps) return this.#fail('minProperties', { limit: minProps }, `must NOT have fewer than ${minProps} properties`);
        if (maxProps !== undefined && count > maxProps) return this.#fail('maxProperties', { limit: maxProps }, `must NOT have more than ${maxProps} properties`);
      }
      if (additional !== undefined) {
        for (const k in v) {
          if (known.has(k)) continue;
          if (additional === false) return this.#fail('additionalProperties', { additionalProperty: k }, 'must NOT have additional properties');
          if (!additional(v[k])) return this.#at(k);
        }
      }
      return true;
    };
  }

  /** A scalar's checks: its type, its length/pattern/bound keywords, its enum (ajv's order). */
  #leafOk(leaf: Leaf, x: unknown): boolean {
    const t = leaf.type;
    if (!(t === 'string' ? typeof x === 'string' : t === 'integer' ? typeof x === 'number' && Number.isInteger(x) : t === 'number' ? typeof x === 'number' && Number.isFinite(x) : typeof x === 'boolean')) {
      return this.#fail('type', leaf.params, leaf.message);
    }
    if (!this.#rulesOk(leaf, x)) return false;
    if (leaf.allowed !== undefined && !leaf.allowed.has(x)) return this.#fail('enum', { allowedValues: leaf.values }, 'must be equal to one of the allowed values');
    return true;
  }

  /** maxLength, minLength, pattern on a string; maximum, minimum, exclusiveMaximum, exclusiveMinimum on a number. */
  #rulesOk(rules: Rules, x: unknown): boolean {
    if (typeof x === 'string') {
      const { maxLength: max, minLength: min } = rules;
      if (max !== undefined || min !== undefined) {
        const n = codePointLength(x);
        if (max !== undefined && n > max) return this.#fail('maxLength', { limit: max }, `must NOT have more than ${max} characters`);
        if (min !== undefined && n < min) return this.#fail('minLength', { limit: min }, `must NOT have fewer than ${min} characters`);
      }
      if (rules.re && !rules.re.test(x)) return this.#fail('pattern', { pattern: rules.pattern }, `must match pattern "${rules.pattern}"`);
    } else if (typeof x === 'number' && rules.bounds) {
      for (const [keyword, comparison, limit] of rules.bounds) {
        const ok = comparison === '<=' ? x <= limit : comparison === '>=' ? x >= limit : comparison === '<' ? x < limit : x > limit;
        if (!ok) return this.#fail(keyword, { comparison, limit }, `must be ${comparison} ${limit}`);
      }
    }
    return true;
  }

  #anyOf(subs: JsonSchema[]): Check {
    const checks = subs.map((sub) => this.#node(sub));
    return (v) => {
      for (let i = 0; i < checks.length; i++) if ((checks[i] as Check)(v)) return (this.#failure.error = undefined), true;
      return this.#fail('anyOf', {}, 'must match a schema in anyOf');
    };
  }

  #oneOf(subs: JsonSchema[]): Check {
    const checks = subs.map((sub) => this.#node(sub));
    return (v) => {
      let passing = -1;
      for (let i = 0; i < checks.length; i++) {
        if (!(checks[i] as Check)(v)) continue;
        if (passing >= 0) return this.#fail('oneOf', { passingSchemas: [passing, i] }, 'must match exactly one schema in oneOf');
        passing = i;
      }
      if (passing < 0) return this.#fail('oneOf', { passingSchemas: null }, 'must match exactly one schema in oneOf');
      this.#failure.error = undefined;
      return true;
    };
  }

  /**
   * if/then/else (then and else without if are ignored, as in JSON Schema). The branch's own error is
   * reported (a missing field names the field), with `params.when` describing a simple condition
   * ("action = add"), so the message can say when the field is required.
   */
  #ifThenElse(cond: JsonSchema | boolean, then: JsonSchema | boolean | undefined, otherwise: JsonSchema | boolean | undefined): Check | undefined {
    if (then === undefined && otherwise === undefined) return undefined;
    const test = this.#node(cond);
    const yes = then === undefined ? undefined : this.#node(then);
    const no = otherwise === undefined ? undefined : this.#node(otherwise);
    const when = describeCondition(cond);
    const failure = this.#failure;
    return (v) => {
      const holds = test(v);
      failure.error = undefined; // the condition's own failure is no error
      const branch = holds ? yes : no;
      if (!branch || branch(v)) return true;
      const e = failure.error as ValidationErrorObject | undefined;
      if (e && when !== undefined && e.keyword === 'required') e.params = { ...e.params, when: holds ? when : `not (${when})` };
      return false;
    };
  }

  #enum(values: unknown[]): Check {
    const params = { allowedValues: values };
    const message = 'must be equal to one of the allowed values';
    if (values.every((x) => x === null || typeof x !== 'object')) {
      const set = new Set(values);
      return (v) => set.has(v) || this.#fail('enum', params, message);
    }
    return (v) => values.some((x) => jsonEqual(v, x)) || this.#fail('enum', params, message);
  }
}

/** "action = add", "type ∈ [1, 2]" for an `if` of const/enum properties (the form request.requiredWhen emits); else undefined. */
function describeCondition(cond: JsonSchema | boolean): string | undefined {
  if (typeof cond !== 'object' || !isObject(cond['properties'])) return undefined;
  const parts: string[] = [];
  for (const [k, sub] of Object.entries(cond['properties'] as Record<string, unknown>)) {
    if (!isObject(sub)) return undefined;
    if ('const' in sub) parts.push(`${k} = ${JSON.stringify(sub['const'])}`);
    else if (Array.isArray(sub['enum'])) parts.push(`${k} ∈ ${JSON.stringify(sub['enum'])}`);
    else return undefined;
  }
  return parts.length > 0 ? parts.join(' and ') : undefined;
}

const COMBINATORS = ['$ref', 'allOf', 'anyOf', 'oneOf', 'const', 'if'];

/** The keywords that apply to strings and numbers. */
interface Rules {
  minLength?: number | undefined;
  maxLength?: number | undefined;
  pattern?: string | undefined;
  re?: RegExp | undefined;
  /** [keyword, comparison, limit], in the order maximum, minimum, exclusiveMaximum, exclusiveMinimum */
  bounds?: [string, '<=' | '>=' | '<' | '>', number][] | undefined;
}

/** A scalar type with its rules and enum: checked by one function (#leafOk), inline in its object. */
interface Leaf extends Rules {
  type: 'string' | 'integer' | 'number' | 'boolean';
  params: { type: string };
  message: string;
  values: unknown[] | undefined;
  allowed: ReadonlySet<unknown> | undefined;
}

function rulesOf(s: Record<string, unknown>): Rules {
  const rules: Rules = {};
  if (typeof s['minLength'] === 'number') rules.minLength = s['minLength'];
  if (typeof s['maxLength'] === 'number') rules.maxLength = s['maxLength'];
  if (typeof s['pattern'] === 'string') {
    rules.pattern = s['pattern'];
    rules.re = new RegExp(s['pattern'], 'u');
  }
  const bounds: NonNullable<Rules['bounds']> = [];
  for (const [keyword, comparison] of [['maximum', '<='], ['minimum', '>='], ['exclusiveMaximum', '<'], ['exclusiveMinimum', '>']] as const) {
    const limit = s[keyword];
    if (typeof limit === 'number') bounds.push([keyword, comparison, limit]);
  }
  if (bounds.length > 0) rules.bounds = bounds;
  return rules;
}

/** The schema as a Leaf when it is a scalar type with no combinator (its other keywords do not apply to scalars). */
function leafOf(schema: JsonSchema | boolean | undefined): Leaf | undefined {
  if (typeof schema !== 'object' || schema === null) return undefined;
  const s = schema as Record<string, unknown>;
  const type = s['type'];
  if (type !== 'string' && type !== 'integer' && type !== 'number' && type !== 'boolean') return undefined;
  if (COMBINATORS.some((k) => k in s)) return undefined;
  const values = Array.isArray(s['enum']) ? (s['enum'] as unknown[]) : undefined;
  if (values && values.some((x) => x !== null && typeof x === 'object')) return undefined;
  return { ...rulesOf(s), type, params: { type }, message: `must be ${type}`, values, allowed: values ? new Set(values) : undefined };
}

function all(checks: Check[]): Check {
  switch (checks.length) {
    case 0:
      return () => true;
    case 1:
      return checks[0] as Check;
    case 2: {
      const [a, b] = checks as [Check, Check];
      return (v) => a(v) && b(v);
    }
    default:
      return (v) => {
        for (let i = 0; i < checks.length; i++) if (!(checks[i] as Check)(v)) return false;
        return true;
      };
  }
}
