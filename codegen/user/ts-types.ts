// JSON Schema → TypeScript type text by plain string building (the user-spec generator runs from the
// installed package, without openapi-typescript or ts-morph). Covers the subset the specs use
// (spec/_meta/endpoint.schema.yaml: $defs/schema): type, enum, const, properties/required,
// additionalProperties, items, oneOf/anyOf (union), allOf (intersection), $ref to a shared definition.
import type { JsonSchema } from '../ir.js';

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A property key as TypeScript writes it. */
export const propKey = (name: string): string => (IDENT.test(name) ? name : JSON.stringify(name));

/** A doc comment, `*\/` escaped; '' when there is nothing to say. */
export function docComment(text: unknown, indent: string): string {
  if (typeof text !== 'string' || text.trim() === '') return '';
  const lines = text.trim().replace(/\*\//g, '*\\/').split('\n');
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((l) => `${indent} *${l ? ` ${l}` : ''}`).join('\n')}\n${indent} */\n`;
}

export interface TypeContext {
  /** type name of a shared definition (`#/$defs/<name>`) */
  ref(name: string): string;
  /** the type of a `format: binary` string (UploadInput in params, Uint8Array in replies) */
  binary: string;
}

const literal = (v: unknown): string => (v === null || typeof v !== 'object' ? JSON.stringify(v) : 'unknown');

export function typeOf(schema: JsonSchema | boolean | undefined, ctx: TypeContext, indent = ''): string {
  if (schema === undefined || schema === true) return 'unknown';
  if (schema === false) return 'never';
  const s = schema;
  if (typeof s['$ref'] === 'string') return ctx.ref(s['$ref'].replace(/^.*#\/\$defs\//, ''));
  if ('const' in s) return literal(s['const']);
  if (Array.isArray(s['enum'])) return s['enum'].map(literal).join(' | ') || 'never';
  const parts: string[] = [];
  const union = (key: 'oneOf' | 'anyOf') => {
    const list = s[key];
    if (!Array.isArray(list)) return;
    // anyOf of bare `required` groups (requireOneOf) does not change the type
    const typed = (list as JsonSchema[]).filter((x) => Object.keys(x).some((k) => k !== 'required'));
    if (typed.length > 0) parts.push(`(${typed.map((x) => typeOf(x, ctx, indent)).join(' | ')})`);
  };
  union('oneOf');
  union('anyOf');
  if (Array.isArray(s['allOf'])) {
    const typed = (s['allOf'] as JsonSchema[]).filter((x) => Object.keys(x).some((k) => k !== 'required' && k !== 'anyOf'));
    for (const x of typed) parts.push(typeOf(x, ctx, indent));
  }
  const types = Array.isArray(s['type']) ? (s['type'] as string[]) : typeof s['type'] === 'string' ? [s['type']] : [];
  if (types.length > 0 || 'properties' in s || 'items' in s) {
    const names = types.length > 0 ? types : ['properties' in s ? 'object' : 'array'];
    parts.push(names.map((t) => primitive(t, s, ctx, indent)).join(' | '));
  }
  if (parts.length === 0) return 'unknown';
  return parts.length === 1 ? (parts[0] as string) : parts.map((p) => (p.includes(' | ') && !p.startsWith('(') ? `(${p})` : p)).join(' & ');
}

function primitive(t: string, s: JsonSchema, ctx: TypeContext, indent: string): string {
  switch (t) {
    case 'string':
      return s['format'] === 'binary' ? ctx.binary : 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array': {
      const item = typeOf(s['items'] as JsonSchema | undefined, ctx, indent);
      return /^[A-Za-z0-9_.]+$/.test(item) ? `${item}[]` : `Array<${item}>`;
    }
    case 'object':
      return objectType(s, ctx, indent);
    default:
      return 'unknown';
  }
}

function objectType(s: JsonSchema, ctx: TypeContext, indent: string): string {
  const props = (s['properties'] ?? {}) as Record<string, JsonSchema>;
  const required = new Set(Array.isArray(s['required']) ? (s['required'] as string[]) : []);
  const inner = `${indent}  `;
  const lines = Object.entries(props).map(
    ([name, p]) => `${docComment(p['description'], inner)}${inner}${propKey(name)}${required.has(name) ? '' : '?'}: ${typeOf(p, ctx, inner)};`,
  );
  const extra = s['additionalProperties'];
  if (lines.length === 0) {
    if (extra === false) return 'Record<string, never>';
    return extra === undefined || extra === true ? 'Record<string, unknown>' : `Record<string, ${typeOf(extra as JsonSchema, ctx, inner)}>`;
  }
  // listed properties: other fields may come (WeChat adds fields) but are not typed
  return `{\n${lines.join('\n')}\n${indent}}`;
}
