// JSON Schemas derived from an endpoint: the params object (query + body + multipart, flat, in
// WeChat's wire names) and the success response. Used for the OpenAPI document, the ajv validators
// and the checks of the spec examples.
import type { EndpointIR, JsonSchema } from './ir.js';

const OPENAPI_ONLY = new Set(['examples', 'deprecated']);

/** Deep copy with `#/$defs/X` refs rewritten by `ref` and OpenAPI-only keywords optionally dropped. */
export function mapSchema(schema: JsonSchema, ref: (name: string) => string, forAjv: boolean): JsonSchema {
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(schema)) {
    if (forAjv && OPENAPI_ONLY.has(k)) continue;
    if (k === '$ref' && typeof v === 'string') out[k] = ref(v.slice('#/$defs/'.length));
    else if ((k === 'properties' || k === '$defs') && v && typeof v === 'object') {
      out[k] = Object.fromEntries(Object.entries(v as Record<string, JsonSchema>).map(([n, s]) => [n, mapSchema(s, ref, forAjv)]));
    } else if ((k === 'items' || k === 'additionalProperties') && v && typeof v === 'object') {
      out[k] = mapSchema(v as JsonSchema, ref, forAjv);
    } else if ((k === 'oneOf' || k === 'anyOf' || k === 'allOf') && Array.isArray(v)) {
      out[k] = v.map((s: JsonSchema) => mapSchema(s, ref, forAjv));
    } else if ((k === 'if' || k === 'then' || k === 'else') && v && typeof v === 'object') {
      out[k] = mapSchema(v as JsonSchema, ref, forAjv);
    } else out[k] = v;
  }
  return out;
}

/** The params object. File fields are `format: binary` strings for OpenAPI; for ajv they accept anything (the runtime checks uploads). */
export function paramsSchema(ep: EndpointIR, ref: (name: string) => string, forAjv: boolean): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const p of ep.params) {
    properties[p.name] = p.file
      ? forAjv
        ? { description: String(p.schema['description'] ?? 'file') }
        : { ...p.schema, type: 'string', format: 'binary' }
      : mapSchema(p.schema, ref, forAjv);
    if (forAjv) delete (properties[p.name] as JsonSchema)['description'];
  }
  const schema: JsonSchema = { type: 'object', properties };
  const required = ep.params.filter((p) => p.required).map((p) => p.name);
  if (required.length > 0) schema['required'] = required;
  const anyOfs = ep.requireOneOf.map((alternatives) => ({ anyOf: alternatives.map((group) => ({ required: group })) }));
  // request.requiredWhen: if every `when` param has its value, then `required`
  const conditions = ep.requiredWhen.map((rule) => ({
    if: {
      properties: Object.fromEntries(Object.entries(rule.when).map(([k, v]) => [k, Array.isArray(v) ? { enum: v } : { const: v }])),
      required: Object.keys(rule.when),
    },
    then: { required: rule.required },
  }));
  if (anyOfs.length === 1 && conditions.length === 0) Object.assign(schema, anyOfs[0]);
  else if (anyOfs.length + conditions.length > 0) schema['allOf'] = [...anyOfs, ...conditions];
  return schema;
}

export function responseSchema(ep: EndpointIR, ref: (name: string) => string, forAjv: boolean): JsonSchema {
  const base = ep.responseSchema ?? { type: 'object' };
  const mapped = mapSchema(base, ref, forAjv);
  if (forAjv) stripDescriptions(mapped);
  return mapped;
}

/** ajv needs no descriptions; dropping them keeps the standalone code smaller. */
export function stripDescriptions(schema: JsonSchema): void {
  delete schema['description'];
  delete schema['title'];
  for (const [k, v] of Object.entries(schema)) {
    if ((k === 'properties' || k === '$defs') && v && typeof v === 'object') {
      for (const s of Object.values(v as Record<string, JsonSchema>)) stripDescriptions(s);
    } else if ((k === 'items' || k === 'additionalProperties') && v && typeof v === 'object') stripDescriptions(v as JsonSchema);
    else if ((k === 'oneOf' || k === 'anyOf' || k === 'allOf') && Array.isArray(v)) for (const s of v) stripDescriptions(s as JsonSchema);
    else if ((k === 'if' || k === 'then' || k === 'else') && v && typeof v === 'object') stripDescriptions(v as JsonSchema);
  }
}

/** Names of the shared definitions a schema refers to, transitively. */
export function referencedDefs(schemas: JsonSchema[], defs: Record<string, JsonSchema>): string[] {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/$defs/')) {
        const name = v.slice('#/$defs/'.length);
        if (!found.has(name)) {
          found.add(name);
          visit(defs[name]);
        }
      } else visit(v);
    }
  };
  schemas.forEach(visit);
  return [...found].sort();
}
