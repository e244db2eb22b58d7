// generated/endpoints.ts: the endpoint table, one row of data per endpoint, sorted by id
// (the rows in generated/endpoints.data.cjs).
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

/** The rows as a CommonJS data module (one copy in the package for the ESM and CJS builds). */
export function emitTableData(endpoints: EndpointIR[], header: string): string {
  // A JSON string literal: V8 parses JSON.parse('…') faster than the same object literal (cold start).
  const json = `[\n${endpoints.map((ep) => JSON.stringify(endpointRow(ep))).join(',\n')}\n]`;
  return emitJsonModule(json, header);
}

export function emitTable(endpoints: EndpointIR[]): string {
  return [
    "import type { EndpointRow } from '../src/core/endpoint.js';",
    "import rows from './endpoints.data.cjs';",
    '',
    `/** Every endpoint, sorted by spec id (${endpoints.length} rows). */`,
    'export const endpointTable = rows as readonly EndpointRow[];',
    '',
  ].join('\n');
}
