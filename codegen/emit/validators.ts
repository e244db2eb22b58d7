// Validators as data: one compact JSON Schema document per API group
// (generated/validators/<group>.schemas.cjs, `module.exports = JSON.parse('…')`), interpreted at run
// time by src/validate/compile.ts. A .cjs data module is one file that both the ESM and the CJS build
// load (ESM imports CommonJS), so the package holds one copy. Annotations and formats (never
// validated) are dropped, and every subschema that repeats within a group (the card specs'
// base_info…) becomes one `$defs` entry.
import type { EndpointIR, GeneratorInput, JsonSchema } from '../ir.js';
import { paramsSchema, referencedDefs, responseSchema } from '../schemas.js';
import { emitJsonModule } from './json-module.js';

/** Keywords that do not affect a verdict (formats are not validated: ajv ran with validateFormats: false). */
const ANNOTATIONS = new Set(['description', 'title', 'examples', 'deprecated', 'default', 'format', '$comment']);

/** Schema-valued children of a schema node, as [container key, child key | index]. */
function childSlots(node: JsonSchema): [string, string | number | undefined][] {
  const out: [string, string | number | undefined][] = [];
  for (const [k, v] of Object.entries(node)) {
    if ((k === 'properties' || k === '$defs') && v && typeof v === 'object') for (const name of Object.keys(v)) out.push([k, name]);
    else if ((k === 'items' || k === 'additionalProperties') && v && typeof v === 'object') out.push([k, undefined]);
    else if ((k === 'allOf' || k === 'anyOf' || k === 'oneOf') && Array.isArray(v)) v.forEach((_s, i) => out.push([k, i]));
  }
  return out;
}

function getChild(node: JsonSchema, [k, i]: [string, string | number | undefined]): JsonSchema {
  const v = node[k] as Record<string | number, JsonSchema> | JsonSchema;
  return (i === undefined ? v : (v as Record<string | number, JsonSchema>)[i]) as JsonSchema;
}

function setChild(node: JsonSchema, [k, i]: [string, string | number | undefined], value: JsonSchema): void {
  if (i === undefined) node[k] = value;
  else (node[k] as Record<string | number, JsonSchema>)[i] = value;
}

/** A copy without annotations. */
export function stripAnnotations(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(schema)) if (!ANNOTATIONS.has(k)) out[k] = structuredClone(v);
  for (const slot of childSlots(out)) setChild(out, slot, stripAnnotations(getChild(out, slot)));
  return out;
}

/** Every schema node below the roots (not the roots themselves), post-order. */
function forEachSubschema(roots: JsonSchema[], fn: (node: JsonSchema, parent: JsonSchema, slot: [string, string | number | undefined]) => void): void {
  const visit = (node: JsonSchema) => {
    for (const slot of childSlots(node)) {
      const child = getChild(node, slot);
      visit(child);
      fn(child, node, slot);
    }
  };
  roots.forEach(visit);
}

/** Smallest subschema (JSON characters) worth a $defs entry when it repeats. */
const MIN_SHARED = 48;

/**
 * Replace repeated subschemas by `$ref`s to new `$defs` entries (`_0`, `_1`…), the biggest saving
 * first, until nothing of at least MIN_SHARED characters repeats. Mutates `roots` and `defs`.
 */
export function shareRepeats(roots: JsonSchema[], defs: Record<string, JsonSchema>): void {
  for (let n = 0; ; n++) {
    const counts = new Map<string, number>();
    forEachSubschema([...roots, { $defs: defs }], (node) => {
      const key = JSON.stringify(node);
      if (key.length >= MIN_SHARED) counts.set(key, (counts.get(key) ?? 0) + 1);
    });
    let best: string | undefined;
    let saving = 0;
    for (const [key, count] of counts) {
      const s = (count - 1) * key.length;
      if (count > 1 && s > saving) [best, saving] = [key, s];
    }
    if (best === undefined) return;
    const name = `_${n}`;
    const ref = { $ref: `#/$defs/${name}` };
    forEachSubschema([...roots, { $defs: defs }], (node, parent, slot) => {
      if (JSON.stringify(node) === best) setChild(parent, slot, { ...ref });
    });
    defs[name] = JSON.parse(best) as JsonSchema;
  }
}

/** The data of one group: `{ $defs, ops: { operation: [params, reply | 0] } }`. */
export function validatorGroupData(endpoints: EndpointIR[], input: GeneratorInput): JsonSchema {
  const ref = (name: string) => `#/$defs/${name}`;
  const defNames = referencedDefs(
    endpoints.flatMap((e) => [e.responseSchema ?? {}, ...e.params.map((p) => p.schema)]),
    input.shared.defs,
  );
  const defs: Record<string, JsonSchema> = Object.fromEntries(defNames.map((n) => [n, stripAnnotations(input.shared.defs[n] ?? {})]));
  const roots: JsonSchema[] = [];
  const ops: Record<string, [JsonSchema, JsonSchema | 0]> = {};
  for (const ep of endpoints) {
    const params = stripAnnotations(paramsSchema(ep, ref, true));
    const reply = ep.responseKind === 'binary' ? 0 : stripAnnotations(responseSchema(ep, ref, true));
    ops[ep.operation] = [params, reply];
    roots.push(params);
    if (reply !== 0) roots.push(reply);
  }
  shareRepeats(roots, defs);
  return { $defs: defs, ops };
}

/** A CommonJS data module: V8 parses a JSON.parse string literal faster than the same object literal. */
export function emitValidatorGroup(endpoints: EndpointIR[], input: GeneratorInput, header: string): string {
  const json = JSON.stringify(validatorGroupData(endpoints, input));
  return emitJsonModule(json, header);
}

export function emitValidatorIndex(groups: string[]): string {
  const lines = groups.map((g) => `  ${JSON.stringify(g)}: () => import('./${g}.schemas.cjs').then((m) => m.default as ValidatorGroup),`);
  return [
    "import type { ValidatorGroup } from '../../src/validate/types.js';",
    '',
    '/** Lazy loaders of the validator schemas, by API group (one .cjs data module each, shared by the ESM and CJS builds). */',
    `export const validatorGroups: Readonly<Record<string, () => Promise<ValidatorGroup>>> = {\n${lines.join('\n')}\n};`,
    '',
  ].join('\n');
}

export function groupsOf(endpoints: EndpointIR[]): Map<string, EndpointIR[]> {
  const map = new Map<string, EndpointIR[]>();
  for (const ep of endpoints) {
    const list = map.get(ep.group) ?? [];
    list.push(ep);
    map.set(ep.group, list);
  }
  return new Map([...map.entries()].sort(([a], [b]) => a.localeCompare(b)));
}
