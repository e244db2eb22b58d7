// Endpoint methods: one small function per row of the generated table, defined once on the class
// prototype at load time (octokit's endpoint-methods model). Each delegates to call().
import type { ClientName } from '../core/endpoint.js';
import type { CallOptions } from '../core/call-options.js';
import { operationsOf } from './operations.js';
import type { WechatClient } from './wechat-client.js';

export function bindEndpointMethods(proto: WechatClient, client: ClientName): void {
  for (const row of operationsOf(client).values()) {
    if (row.bind === false) continue;
    if (row.op in proto) throw new Error(`${client}: the generated method ${row.op} collides with a hand-written member (set bindMethod: false in its spec)`);
    const op = row.op;
    Object.defineProperty(proto, op, {
      value: function (this: WechatClient, params?: object, options?: CallOptions) {
        return this.call(op, params, options);
      },
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
}
