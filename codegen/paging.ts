// The spec fields `pagination` and `dateRule`, checked against the endpoint's own params and reply
// schema (what the meta-schema alone cannot check), and turned into their IR form.
import type { DateRule, PaginationRule } from '../src/core/endpoint.js';
import type { EndpointIR, JsonSchema, SpecDoc } from './ir.js';

/** The schema at a dot path of the reply schema (properties only), or undefined. */
export function schemaAt(schema: JsonSchema | undefined, path: string): JsonSchema | undefined {
  let at: JsonSchema | undefined = schema;
  for (const key of path.split('.')) {
    const props = at?.['properties'] as Record<string, JsonSchema> | undefined;
    at = props?.[key];
  }
  return at;
}

const typesOf = (s: JsonSchema | undefined): unknown[] => (s ? [s['type']].flat() : []);

export function checkPagination(file: string, doc: SpecDoc, params: EndpointIR['params'], problems: string[]): PaginationRule | undefined {
  const p = doc.pagination;
  if (!p) return undefined;
  const at = `${file}: /pagination`;
  const names = new Set(params.map((x) => x.name));
  if (!names.has(p.param)) problems.push(`${at}/param: "${p.param}" is not a declared param`);
  if (p.size !== undefined && !names.has(p.size)) problems.push(`${at}/size: "${p.size}" is not a declared param`);
  if (!typesOf(schemaAt(doc.response.schema, p.items)).includes('array')) problems.push(`${at}/items: "${p.items}" is not an array in the reply schema`);
  for (const key of ['next', 'total', 'totalPages', 'hasMore'] as const) {
    const path = p[key];
    if (path !== undefined && !schemaAt(doc.response.schema, path)) problems.push(`${at}/${key}: "${path}" is not in the reply schema`);
  }
  if (p.style === 'cursor' && !p.next) problems.push(`${at}/next: required with style cursor`);
  if (p.style !== 'cursor' && p.next) problems.push(`${at}/next: only with style cursor`);
  if (p.style === 'window' && !doc.dateRule) problems.push(`${at}: style window needs a dateRule (the window sizes)`);
  if (p.style === 'window' && doc.dateRule && p.param !== (doc.dateRule.begin ?? 'begin_date')) problems.push(`${at}/param: a window's param is the dateRule's begin param`);
  if (p.style === 'window' && doc.dateRule?.spans) problems.push(`${at}: a dateRule with spans has no single window size`);
  if (p.shortPageEnds && !p.size) problems.push(`${at}/shortPageEnds: needs size`);
  if (p.totalPages && p.style !== 'page') problems.push(`${at}/totalPages: only with style page`);
  return { ...p };
}

export function checkDateRule(file: string, doc: SpecDoc, params: EndpointIR['params'], problems: string[]): DateRule | undefined {
  const d = doc.dateRule;
  if (!d) return undefined;
  const at = `${file}: /dateRule`;
  const rule: DateRule = { ...d, begin: d.begin ?? 'begin_date', end: d.end ?? 'end_date' };
  for (const name of [rule.begin, rule.end]) {
    const param = params.find((x) => x.name === name);
    if (!param) problems.push(`${at}: "${name}" is not a declared param`);
    else if (!typesOf(param.schema).includes('string')) problems.push(`${at}: "${name}" is not a string param`);
  }
  if (rule.period === 'day' && rule.maxDays === undefined && rule.spans === undefined) problems.push(`${at}: period day needs maxDays or spans`);
  if (rule.period !== 'day' && (rule.maxDays !== undefined || rule.spans !== undefined)) problems.push(`${at}: maxDays and spans are for period day`);
  if (rule.maxDays !== undefined && rule.spans !== undefined) problems.push(`${at}: maxDays and spans exclude each other`);
  // The client fills the end date in where it follows from the begin date: optional in the params.
  const end = params.find((x) => x.name === rule.end);
  if (end && (rule.period !== 'day' || rule.maxDays === 1)) end.required = false;
  return rule;
}
