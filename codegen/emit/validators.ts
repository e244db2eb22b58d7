// ajv standalone validators, one module per API group (generated/validators/<group>.ts), loaded by
// the runtime on first use of the group: no schema is compiled at run time, and a cold start loads
// none of them.
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import type { EndpointIR, GeneratorInput } from '../ir.js';
import { paramsSchema, referencedDefs, responseSchema, stripDescriptions } from '../schemas.js';

/** ajv's standalone output still require()s a few runtime helpers; map them to our own ESM copies. */
const RUNTIME_REQUIRES: Record<string, string> = {
  'ajv/dist/runtime/ucs2length': 'ucs2length',
  'ajv/dist/runtime/equal': 'equal',
};

function esmOnly(code: string, group: string): string {
  const imports = new Set<string>();
  const out = code.replace(/require\("([^"]+)"\)(\.default)?/g, (_m, mod: string) => {
    const name = RUNTIME_REQUIRES[mod];
    if (!name) throw new Error(`validators/${group}: ajv standalone code requires "${mod}", which has no ESM replacement`);
    imports.add(name);
    return name;
  });
  const head = imports.size > 0 ? `import { ${[...imports].sort().join(', ')} } from '../../src/validate/ajv-runtime.js';\n` : '';
  return head + out.replace(/^"use strict";/, '');
}

export function emitValidatorGroup(group: string, endpoints: EndpointIR[], input: GeneratorInput): string {
  const ajv = new Ajv({ code: { source: true, esm: true, lines: false, optimize: true }, strict: false, allErrors: false, validateFormats: false });
  const ref = (name: string) => `shared#/$defs/${name}`;
  const defNames = referencedDefs(
    endpoints.flatMap((e) => [e.responseSchema ?? {}, ...e.params.map((p) => p.schema)]),
    input.shared.defs,
  );
  const defs = Object.fromEntries(defNames.map((n) => [n, structuredClone(input.shared.defs[n] ?? {})]));
  for (const d of Object.values(defs)) stripDescriptions(d);
  ajv.addSchema({ $id: 'shared', $defs: defs });
  const exportsMap: Record<string, string> = {};
  const entries: string[] = [];
  endpoints.forEach((ep, i) => {
    ajv.addSchema(paramsSchema(ep, ref, true), `${ep.operation}.params`);
    exportsMap[`p${i}`] = `${ep.operation}.params`;
    let resp = 'undefined';
    if (ep.responseKind !== 'binary') {
      ajv.addSchema(responseSchema(ep, ref, true), `${ep.operation}.response`);
      exportsMap[`r${i}`] = `${ep.operation}.response`;
      resp = `r${i}`;
    }
    entries.push(`  ${JSON.stringify(ep.operation)}: [p${i}, ${resp}],`);
  });
  const code = esmOnly(standaloneCode.default(ajv, exportsMap), group);
  return [
    '/* eslint-disable */',
    code.trim(),
    '',
    '/** [params validator, response validator] by operation */',
    `export const validators = {\n${entries.join('\n')}\n};`,
    '',
  ].join('\n');
}

export function emitValidatorIndex(groups: string[]): string {
  const lines = groups.map((g) => `  ${JSON.stringify(g)}: () => import('./${g}.js'),`);
  return [
    "import type { ValidatorModule } from '../../src/validate/types.js';",
    '',
    '/** Lazy loaders of the validator modules, by API group. */',
    `export const validatorGroups: Record<string, () => Promise<ValidatorModule>> = {\n${lines.join('\n')}\n};`,
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
