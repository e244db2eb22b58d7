// if/then/else in the run-time validator (src/validate/compile.ts), against ajv as the oracle: hand-written
// schemas (the requiredWhen form, else branches, nesting, boolean subschemas, then/else without if) over
// every combination of a few values, the same verdict from both; and the error names the missing field
// with the condition.
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import type { JsonSchema } from '../codegen/ir.js';
import { SchemaCompiler } from '../src/validate/compile.js';
import { describeError } from '../src/validate/validate.js';

const SCHEMAS: Record<string, JsonSchema> = {
  requiredWhen: {
    type: 'object',
    properties: { action: { type: 'string' }, reason: { type: 'string' }, n: { type: 'integer' } },
    allOf: [
      { if: { properties: { action: { const: 'apply' } }, required: ['action'] }, then: { required: ['reason'] } },
      { if: { properties: { n: { enum: [1, 2] } }, required: ['n'] }, then: { required: ['action', 'reason'] } },
    ],
  },
  ifThenElse: {
    type: 'object',
    if: { properties: { n: { type: 'integer', minimum: 2 } } },
    then: { properties: { reason: { type: 'string', minLength: 2 } } },
    else: { required: ['action'] },
  },
  elseOnly: { if: { type: 'string' }, else: { type: 'integer', maximum: 1 } },
  thenWithoutIf: { type: 'object', then: { required: ['never'] }, else: { required: ['never'] } },
  booleanBranches: { if: { type: 'array' }, then: false, else: true },
  nested: {
    type: 'object',
    properties: {
      inner: {
        type: 'object',
        if: { properties: { action: { const: 'x' } }, required: ['action'] },
        then: { properties: { n: { maximum: 1 } }, required: ['n'] },
      },
    },
  },
  // the meta-schema user specs are checked against uses these
  propertyCounts: { type: 'object', minProperties: 1, maxProperties: 2 },
  nestedPropertyCounts: { type: 'object', properties: { inner: { type: 'object', minProperties: 2 } } },
  insideAnyOf: {
    anyOf: [
      { type: 'object', if: { required: ['action'] }, then: { required: ['reason'] } },
      { type: 'string' },
    ],
  },
};

const VALUES: unknown[] = [undefined, 'apply', 'x', 'y', 1, 2, 3, 0, 'ab', 'a', null, [], {}];

/** Objects from every combination of values of the keys (with undefined = absent), plus the values alone. */
function inputs(): unknown[] {
  const out: unknown[] = [...VALUES.filter((v) => v !== undefined)];
  const keys = ['action', 'reason', 'n'];
  const combos = (i: number, acc: Record<string, unknown>): void => {
    if (i === keys.length) {
      const obj = Object.fromEntries(Object.entries(acc).filter(([, v]) => v !== undefined));
      out.push(obj, { inner: obj });
      return;
    }
    for (const v of VALUES) combos(i + 1, { ...acc, [keys[i] as string]: v });
  };
  combos(0, {});
  return out;
}

describe('if/then/else: the run-time validator agrees with ajv', () => {
  const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: false });
  const data = inputs();

  for (const [name, schema] of Object.entries(SCHEMAS)) {
    it(`${name}: same verdict on ${data.length} inputs, both verdicts seen`, () => {
      const ours = new SchemaCompiler().compile(schema);
      const theirs = ajv.compile(schema);
      const diff: string[] = [];
      const seen = new Set<boolean>();
      for (const d of data) {
        const a = ours(d);
        const b = theirs(d);
        seen.add(b);
        if (a !== b && diff.length < 10) diff.push(`${JSON.stringify(d)}: ours ${a}, ajv ${b}`);
        if (!a) expect(ours.errors?.length).toBe(1);
      }
      expect(diff).toEqual([]);
      if (name !== 'thenWithoutIf') expect([...seen].sort()).toEqual([false, true]);
    });
  }

  it('a failed condition leaves no error behind; the branch error names the field and the condition', () => {
    const v = new SchemaCompiler().compile(SCHEMAS['requiredWhen'] as JsonSchema);
    expect(v({ action: 'list' })).toBe(true);
    expect(v.errors).toBeNull();
    expect(v({ action: 'apply' })).toBe(false);
    const e = v.errors?.[0];
    expect(e).toMatchObject({ instancePath: '', keyword: 'required', params: { missingProperty: 'reason', when: 'action = "apply"' } });
    expect(describeError(e as NonNullable<typeof e>)).toEqual({ field: '/reason', problem: 'is required when action = "apply"' });
    expect(v({ n: 2, reason: 'r' })).toBe(false);
    expect(v.errors?.[0]?.params).toMatchObject({ missingProperty: 'action', when: 'n ∈ [1,2]' });
    const nested = new SchemaCompiler().compile(SCHEMAS['nested'] as JsonSchema);
    expect(nested({ inner: { action: 'x', n: 5 } })).toBe(false);
    expect(nested.errors?.[0]).toMatchObject({ instancePath: '/inner/n', keyword: 'maximum' });
  });
});
