// The run-time validator (src/validate/compile.ts over generated/validators/*.schemas.cjs) against ajv,
// the generation-time oracle: every spec example, every recorded WeChat reply (test/fixtures/wechatpy)
// and a few thousand generated inputs (samples from each schema and mutations of valid values) must
// get the same verdict from both. Error paths are JSON pointers to the failing field.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction as AjvValidate } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildInput } from '../codegen/generate.js';
import type { EndpointIR, GeneratorInput, JsonSchema } from '../codegen/ir.js';
import { paramsSchema, responseSchema } from '../codegen/schemas.js';
import { endpointTable } from '../generated/endpoints.js';
import type { EndpointRow } from '../src/core/endpoint.js';
import { SchemaCompiler } from '../src/validate/compile.js';
import type { ValidateFunction } from '../src/validate/types.js';
import { checkResponse, validatorsFor } from '../src/validate/validate.js';
import { MPTools } from '../src/index.js';
import { createMockWechat, DEFAULT_MOCK_APP } from '../src/testing/index.js';
import { rng } from '../bench/soak.js';

const root = path.resolve(import.meta.dirname, '..');
let input: GeneratorInput;
const oracle = new Ajv({ strict: false, allErrors: false, validateFormats: false });

beforeAll(async () => {
  input = await buildInput(root);
  oracle.addSchema({ $id: 'shared', $defs: input.shared.defs });
}, 60_000);

const ajvRef = (name: string) => `shared#/$defs/${name}`;

interface Pair {
  ep: EndpointIR;
  row: EndpointRow;
  ours: readonly [ValidateFunction, ValidateFunction | undefined];
  theirs: readonly [AjvValidate, AjvValidate | undefined];
}

async function pairs(): Promise<Pair[]> {
  const rows = new Map(endpointTable.map((r) => [r.id, r]));
  const out: Pair[] = [];
  for (const ep of input.endpoints) {
    const row = rows.get(ep.id);
    if (!row) throw new Error(`${ep.id} is not in generated/endpoints.ts (run npm run generate)`);
    const theirs = [oracle.compile(paramsSchema(ep, ajvRef, true)), ep.responseKind === 'binary' ? undefined : oracle.compile(responseSchema(ep, ajvRef, true))] as const;
    out.push({ ep, row, ours: await validatorsFor(row), theirs });
  }
  return out;
}

/** Both verdicts, and the failing pointer of ours. */
function verdicts(ours: ValidateFunction, theirs: AjvValidate, data: unknown): { ours: boolean; theirs: boolean; at: string | undefined } {
  const a = ours(data);
  const b = theirs(data);
  return { ours: a, theirs: b, at: a ? undefined : (ours.errors?.[0]?.instancePath ?? '(no error)') };
}

// ---- generated inputs (deterministic) ----

type Rnd = () => number;
const pick = <T>(rnd: Rnd, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;

/** A value drawn from the schema (usually valid; patterns are not honoured, so sometimes not). */
function sample(schema: JsonSchema, rnd: Rnd, defs: Record<string, JsonSchema>, depth = 0): unknown {
  const s = schema as Record<string, unknown>;
  if (typeof s['$ref'] === 'string') return sample(defs[s['$ref'].replace(/^.*\$defs\//, '')] ?? {}, rnd, defs, depth + 1);
  if (Array.isArray(s['enum'])) return pick(rnd, s['enum']);
  if ('const' in s) return s['const'];
  for (const k of ['oneOf', 'anyOf'] as const) {
    const alts = s[k] as JsonSchema[] | undefined;
    if (alts && !s['properties'] && !s['type']) return sample(pick(rnd, alts), rnd, defs, depth + 1);
  }
  const types = Array.isArray(s['type']) ? (s['type'] as string[]) : typeof s['type'] === 'string' ? [s['type']] : s['properties'] || s['required'] ? ['object'] : ['string', 'integer', 'object'];
  const type = pick(rnd, types);
  switch (type) {
    case 'string': {
      const min = Number(s['minLength'] ?? 0);
      const max = Math.min(Number(s['maxLength'] ?? min + 12), min + 40);
      // at and just past the bounds now and then (counted in code points: '😀' is two UTF-16 units)
      const edges = [min, min - 1, Number(s['maxLength'] ?? max), Number(s['maxLength'] ?? max) + 1].filter((n) => n >= 0 && n <= 600);
      const len = rnd() < 0.3 ? pick(rnd, edges) : min + Math.floor(rnd() * (max - min + 1));
      return Array.from({ length: len }, () => pick(rnd, ['a', 'b', '1', '9', '-', '微', '信', '😀'])).join('');
    }
    case 'integer':
    case 'number': {
      const lo = Number(s['minimum'] ?? (s['exclusiveMinimum'] !== undefined ? Number(s['exclusiveMinimum']) + 1 : 0));
      const hi = Number(s['maximum'] ?? (s['exclusiveMaximum'] !== undefined ? Number(s['exclusiveMaximum']) - 1 : lo + 1000));
      if (rnd() < 0.3) {
        const bounds = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'].map((k) => s[k]).filter((b): b is number => typeof b === 'number');
        if (bounds.length > 0) return pick(rnd, bounds) + pick(rnd, [-1, 0, 0, 1, 0.5]);
      }
      const v = lo + rnd() * Math.max(0, hi - lo);
      return type === 'integer' ? Math.ceil(v) : v;
    }
    case 'boolean':
      return rnd() < 0.5;
    case 'null':
      return null;
    case 'array': {
      if (depth > 6) return [];
      const min = Number(s['minItems'] ?? 0);
      const max = Math.min(Number(s['maxItems'] ?? min + 3), min + 3);
      const edges = [min - 1, min, Number(s['maxItems'] ?? max), Number(s['maxItems'] ?? max) + 1].filter((n) => n >= 0 && n <= 1001);
      const n = rnd() < 0.2 ? pick(rnd, edges) : min + Math.floor(rnd() * (max - min + 1));
      return Array.from({ length: n }, () => (s['items'] ? sample(s['items'] as JsonSchema, rnd, defs, depth + 1) : pick(rnd, [1, 'x', true])));
    }
    default: {
      const out: Record<string, unknown> = {};
      if (depth > 6) return out;
      const props = (s['properties'] ?? {}) as Record<string, JsonSchema>;
      const required = new Set((s['required'] as string[] | undefined) ?? []);
      // requireOneOf: anyOf / allOf of { required: [...] } branches
      const branches = [...((s['anyOf'] as JsonSchema[] | undefined) ?? []), ...((s['allOf'] as JsonSchema[] | undefined) ?? []).flatMap((b) => (b['anyOf'] as JsonSchema[] | undefined) ?? [])];
      if (branches.length > 0) for (const k of (pick(rnd, branches)['required'] as string[] | undefined) ?? []) required.add(k);
      for (const [k, sub] of Object.entries(props)) if (required.has(k) || rnd() < 0.6) out[k] = sample(sub, rnd, defs, depth + 1);
      return out;
    }
  }
}

/** JSON pointers of every value inside `v`. */
function pointers(v: unknown, at = ''): string[] {
  const out = [at];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...pointers(x, `${at}/${i}`)));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...pointers(x, `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`));
  return out;
}

function locate(v: unknown, pointer: string): { parent: Record<string, unknown> | unknown[]; key: string } | undefined {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (parts.length === 0) return undefined;
  let cur = v as Record<string, unknown>;
  for (const p of parts.slice(0, -1)) cur = cur[p] as Record<string, unknown>;
  return { parent: cur, key: parts[parts.length - 1] as string };
}

const OTHER_TYPE = (x: unknown): unknown[] =>
  typeof x === 'string' ? [7, null, ['x'], x.length > 0 ? '' : 'x'.repeat(5000)]
  : typeof x === 'number' ? [String(x), 1.5, -1, 1e15, true]
  : typeof x === 'boolean' ? [0, 'true', null]
  : Array.isArray(x) ? [{}, 'x', [...x, ...x], []]
  : x === null ? [0, 'null']
  : [[], 'x', 0, { ...(x as object), zz_extra: 1 }, {}];

/** A copy with one change somewhere (type, removal, addition, bounds, undefined). */
function mutate(v: unknown, rnd: Rnd): unknown {
  const copy = structuredClone(v);
  const ptrs = pointers(copy);
  const ptr = pick(rnd, ptrs);
  const loc = locate(copy, ptr);
  if (!loc) return pick(rnd, OTHER_TYPE(copy));
  const { parent, key } = loc;
  const current = (parent as Record<string, unknown>)[key];
  const r = rnd();
  if (!Array.isArray(parent) && r < 0.2) delete parent[key];
  else if (!Array.isArray(parent) && r < 0.27) parent[key] = undefined;
  else if (!Array.isArray(parent) && r < 0.35) parent[`zz_${key}`] = current;
  else (parent as Record<string, unknown>)[key] = pick(rnd, OTHER_TYPE(current));
  return copy;
}

// ---- the tests ----

describe('run-time validator vs ajv (oracle)', () => {
  let all: Pair[];
  beforeAll(async () => {
    all = await pairs();
  }, 60_000);

  it('covers every endpoint', () => {
    expect(all.length).toBe(input.endpoints.length);
    expect(all.length).toBeGreaterThan(300);
  });

  it('every spec example: same verdict (and valid: the generator checked them)', () => {
    let n = 0;
    const diff: string[] = [];
    for (const { ep, ours, theirs } of all) {
      for (const ex of ep.examples) {
        const p = verdicts(ours[0], theirs[0], ex.params ?? {});
        n++;
        if (p.ours !== p.theirs || !p.ours) diff.push(`${ep.operation} ${ex.name} params: ours ${p.ours} (${p.at}), ajv ${p.theirs}`);
        const errcode = ex.response?.['errcode'];
        if (ex.response && (errcode === undefined || errcode === 0) && ours[1] && theirs[1]) {
          const r = verdicts(ours[1], theirs[1], ex.response);
          n++;
          if (r.ours !== r.theirs || !r.ours) diff.push(`${ep.operation} ${ex.name} reply: ours ${r.ours} (${r.at}), ajv ${r.theirs}`);
        }
      }
    }
    expect(diff).toEqual([]);
    expect(n).toBeGreaterThan(800);
  });

  it('every recorded WeChat reply (test/fixtures/wechatpy): same verdict', () => {
    const dir = path.join(root, 'test/fixtures/wechatpy');
    const files = new Set(readdirSync(dir));
    const name = (p: string) => `${p.replace(/^\/cgi-bin\//, '').replace(/^\//, '').replace(/\//g, '_')}.json`;
    let n = 0;
    const diff: string[] = [];
    for (const { ep, row, ours, theirs } of all) {
      if (!ours[1] || !theirs[1] || !files.has(name(row.path))) continue;
      const body: unknown = JSON.parse(readFileSync(path.join(dir, name(row.path)), 'utf8'));
      const v = verdicts(ours[1], theirs[1], body);
      n++;
      if (v.ours !== v.theirs) diff.push(`${ep.operation} ${name(row.path)}: ours ${v.ours} (${v.at}), ajv ${v.theirs}`);
    }
    expect(diff).toEqual([]);
    expect(n).toBeGreaterThan(30);
  });

  it('thousands of generated valid and invalid inputs: same verdict', () => {
    const rnd = rng(20261206);
    let valid = 0;
    let invalid = 0;
    const diff: string[] = [];
    const check = (op: string, what: string, ours: ValidateFunction, theirs: AjvValidate, data: unknown) => {
      const v = verdicts(ours, theirs, data);
      if (v.theirs) valid++;
      else invalid++;
      if (v.ours !== v.theirs && diff.length < 20) diff.push(`${op} ${what}: ours ${v.ours} (${v.at}), ajv ${v.theirs}: ${JSON.stringify(data)?.slice(0, 300)}`);
    };
    for (const { ep, ours, theirs } of all) {
      const seeds: [number, unknown][] = [];
      for (let i = 0; i < 3; i++) seeds.push([0, sample(paramsSchema(ep, (n) => `#/$defs/${n}`, true), rnd, input.shared.defs)]);
      for (const ex of ep.examples) seeds.push([0, ex.params ?? {}]);
      if (ours[1] && theirs[1]) {
        for (let i = 0; i < 2; i++) seeds.push([1, sample(responseSchema(ep, (n) => `#/$defs/${n}`, true), rnd, input.shared.defs)]);
        for (const ex of ep.examples) if (ex.response && !ex.response['errcode']) seeds.push([1, ex.response]);
      }
      for (const [which, seed] of seeds) {
        const o = ours[which] as ValidateFunction;
        const t = theirs[which] as AjvValidate;
        const what = which === 0 ? 'params' : 'reply';
        check(ep.operation, `${what} sample`, o, t, seed);
        for (let m = 0; m < 3; m++) check(ep.operation, `${what} mutation`, o, t, mutate(seed, rnd));
      }
    }
    expect(diff).toEqual([]);
    expect(valid).toBeGreaterThan(1000);
    expect(invalid).toBeGreaterThan(1000);
  });

  it('the error names the failing field as a JSON pointer', () => {
    const v = new SchemaCompiler({ C: { type: 'object', properties: { r: { type: 'integer', maximum: 255 } } } }).compile({
      type: 'object',
      required: ['a'],
      properties: { a: { type: 'array', items: { $ref: '#/$defs/C' } }, 'x/y': { type: 'string', minLength: 2 } },
    });
    expect(v({ a: [{ r: 1 }, { r: 256 }] })).toBe(false);
    expect(v.errors?.[0]).toMatchObject({ instancePath: '/a/1/r', keyword: 'maximum', message: 'must be <= 255' });
    expect(v({ a: [], 'x/y': '😀' })).toBe(false);
    expect(v.errors?.[0]).toMatchObject({ instancePath: '/x~1y', keyword: 'minLength' });
    expect(v({})).toBe(false);
    expect(v.errors?.[0]).toMatchObject({ instancePath: '', keyword: 'required', params: { missingProperty: 'a' } });
    expect(v({ a: [] })).toBe(true);
    expect(v.errors).toBeNull();
    const unique = new SchemaCompiler().compile({ type: 'array', uniqueItems: true });
    expect(unique([{ a: [1] }, { a: [2] }])).toBe(true);
    expect(unique([{ a: [1] }, 2, { a: [1] }])).toBe(false);
    expect(unique.errors?.[0]).toMatchObject({ keyword: 'uniqueItems', params: { i: 2, j: 0 } });
  });

  it('rejects a keyword outside the supported subset instead of ignoring it', () => {
    expect(() => new SchemaCompiler().compile({ patternProperties: { '^x': {} } })).toThrow(/unsupported schema keyword "patternProperties"/);
  });
});

describe('required reply fields (the fields WeChat always returns on success)', () => {
  const row = endpointTable.find((r) => r.op === 'code2Session') as EndpointRow;

  it('checkResponse names a missing required field; an optional one (unionid) may be absent', async () => {
    expect(await checkResponse(row, { openid: 'o', session_key: 'k' })).toBeUndefined();
    expect(await checkResponse(row, { session_key: 'k' })).toBe('/openid is required');
  });

  it("the client warns under validateResponses: 'warn' and still returns the reply", async () => {
    const mock = createMockWechat({ tokenOverlapSeconds: 0 });
    const server = await mock.listen();
    try {
      mock.on('code2Session', { session_key: 'k', unionid: 'u' });
      const warnings: unknown[][] = [];
      const logger = { debug() {}, info() {}, error() {}, warn: (...args: unknown[]) => void warnings.push(args) };
      const mp = new MPTools({ ...DEFAULT_MOCK_APP, baseUrl: server.url, logger, validateResponses: 'warn' });
      const r = await mp.code2Session({ js_code: 'c' });
      expect(r.ok).toBe(true);
      expect(warnings).toHaveLength(1);
      expect(JSON.stringify(warnings[0])).toContain('/openid is required');
      const strict = new MPTools({ ...DEFAULT_MOCK_APP, baseUrl: server.url, validateResponses: 'throw' });
      await expect(strict.code2Session({ js_code: 'c' })).rejects.toThrow(/code2Session.*openid/);
    } finally {
      await server.close();
    }
  });
});
