// The spec'd operations of a client (mp or oa), from the generated endpoint table.
import { endpointTable } from '../../generated/endpoints.js';
import type { ClientName, EndpointRow } from '../core/endpoint.js';

const opsByClient = new Map<ClientName, Map<string, EndpointRow>>();

export function operationsOf(client: ClientName): Map<string, EndpointRow> {
  let map = opsByClient.get(client);
  if (!map) {
    map = new Map(endpointTable.filter((r) => r.clients.includes(client)).map((r) => [r.op, r]));
    opsByClient.set(client, map);
  }
  return map;
}
