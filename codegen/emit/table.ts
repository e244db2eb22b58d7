// generated/endpoints.ts: the endpoint table, one row of data per endpoint, sorted by id
// (the rows in generated/endpoints.data.cjs, stored by position, decoded by generated/endpoints.ts).
import type { EndpointIR } from '../ir.js';
import { emitJsonModule } from './json-module.js';

export function endpointRow(ep: EndpointIR): Record<string, unknown> {
  const query = ep.params.filter((p) => p.in === 'query').map((p) => p.name);
  const files = ep.params.filter((p) => p.file).map((p) => p.name);
  const constants: Record<string, unknown> = {};
  if (Object.keys(ep.constants.query).length > 0) constants['query'] = ep.constants.query;
  if (Object.keys(ep.constants.body).length > 0) constants['body'] = ep.constants.body;
  return {
    op: ep.operation,
    id: ep.id,
    group: ep.group,
    clients: ep.clients,
    method: ep.method,
    ...(ep.host !== 'api' ? { host: ep.host } : {}),
    path: ep.path,
    auth: ep.auth,
    ...(ep.credentials ? { credentials: ep.credentials } : {}),
    idempotent: ep.idempotent,
    ...(query.length > 0 ? { query } : {}),
    ...(ep.bodyKind === 'multipart' ? { multipart: true } : {}),
    ...(files.length > 0 ? { files } : {}),
    ...(Object.keys(constants).length > 0 ? { constants } : {}),
    ...(ep.requireOneOf.length > 0 ? { oneOf: ep.requireOneOf } : {}),
    ...(ep.signFrom ? { sign: ep.signFrom } : {}),
    ...(ep.ownAppid ? { ownAppid: ep.ownAppid } : {}),
    ...(ep.signatures ? { signatures: ep.signatures } : {}),
    ...(ep.apiSecurity ? { apiSecurity: ep.apiSecurity } : {}),
    ...(ep.componentVariant ? { componentVariant: ep.componentVariant } : {}),
    reply: ep.responseKind,
    ...(ep.rawBody ? { rawBody: ep.rawBody } : {}),
    ...(ep.failureField ? { failureField: ep.failureField } : {}),
    ...(ep.pagination ? { pagination: ep.pagination } : {}),
    ...(ep.dateRule ? { dateRule: ep.dateRule } : {}),
    ...(ep.bindMethod ? {} : { bind: false }),
    ...(ep.deprecated ? { deprecated: true } : {}),
  };
}

/** The fields every row has: stored by position, the others (when present) in an object after them. */
export const ROW_COLUMNS = ['op', 'id', 'group', 'clients', 'method', 'path', 'auth', 'idempotent', 'reply'] as const;

/** Every field name in the order endpointRow writes them (a topological order of each row's own order, so decoded rows keep it). */
export function rowKeyOrder(rows: Record<string, unknown>[]): string[] {
  const before = new Map<string, Set<string>>();
  for (const row of rows) {
    const keys = Object.keys(row);
    keys.forEach((key, i) => {
      const set = before.get(key) ?? new Set<string>();
      for (const earlier of keys.slice(0, i)) set.add(earlier);
      before.set(key, set);
    });
  }
  const order: string[] = [];
  while (order.length < before.size) {
    const next = [...before.keys()].find((k) => !order.includes(k) && [...(before.get(k) ?? [])].every((e) => order.includes(e)));
    if (next === undefined) throw new Error('endpoint rows disagree on their field order');
    order.push(next);
  }
  return order;
}

/**
 * The rows as a CommonJS data module (one copy in the package for the ESM and CJS builds):
 * `{ columns, order, rows }`, each row `[...ROW_COLUMNS values, { other fields }?]` (the field names
 * are not repeated 652 times); generated/endpoints.ts turns them back into EndpointRow objects.
 */
export function emitTableData(endpoints: EndpointIR[], header: string): string {
  const rows = endpoints.map(endpointRow);
  const encoded = rows.map((row) => {
    const cells: unknown[] = ROW_COLUMNS.map((c) => {
      if (!(c in row)) throw new Error(`endpoint row ${String(row['id'])} has no ${c}`);
      return row[c];
    });
    const rest = Object.fromEntries(Object.entries(row).filter(([k]) => !(ROW_COLUMNS as readonly string[]).includes(k)));
    if (Object.keys(rest).length > 0) cells.push(rest);
    return JSON.stringify(cells);
  });
  // A JSON string literal: V8 parses JSON.parse('…') faster than the same object literal (cold start).
  const json = `{"columns":${JSON.stringify(ROW_COLUMNS)},"order":${JSON.stringify(rowKeyOrder(rows))},"rows":[\n${encoded.join(',\n')}\n]}`;
  return emitJsonModule(json, header);
}

export function emitTable(endpoints: EndpointIR[]): string {
  return [
    "import type { EndpointRow } from '../src/core/endpoint.js';",
    "import data from './endpoints.data.cjs';",
    '',
    'interface TableData {',
    '  columns: string[];',
    '  order: string[];',
    '  rows: unknown[][];',
    '}',
    '',
    '/** The stored rows (the columns by position, the other fields in an object after them) back into EndpointRow objects. */',
    'function decode({ columns, order, rows }: TableData): EndpointRow[] {',
    '  const position = new Map(columns.map((c, i) => [c, i]));',
    '  return rows.map((cells) => {',
    '    const rest = (cells[columns.length] ?? {}) as Record<string, unknown>;',
    '    const row: Record<string, unknown> = {};',
    '    for (const key of order) {',
    '      const at = position.get(key);',
    '      const value = at === undefined ? rest[key] : cells[at];',
    '      if (value !== undefined) row[key] = value;',
    '    }',
    '    return row as unknown as EndpointRow;',
    '  });',
    '}',
    '',
    `/** Every endpoint, sorted by spec id (${endpoints.length} rows). */`,
    'export const endpointTable: readonly EndpointRow[] = decode(data as TableData);',
    '',
  ].join('\n');
}
