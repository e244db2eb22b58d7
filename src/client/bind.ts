// Endpoint methods: one small function per row of the generated table, made once at load time
// (octokit's endpoint-methods model). Each delegates to call().
//
// They live on an object of their own, put between the class's prototype and its parent's
// (MPTools.prototype → endpoint methods → WechatClient.prototype): filling an object that is not yet
// anyone's prototype and then linking it costs ~1 ms for 400 methods, where defining them one by one
// on a live prototype costs ~10 ms of a cold start.
import type { ClientName } from '../core/endpoint.js';
import type { CallOptions } from '../core/call-options.js';
import { operationsOf } from './operations.js';
import type { WechatClient } from './wechat-client.js';

export function bindEndpointMethods(proto: WechatClient, client: ClientName): void {
  const methods = Object.create(null) as Record<string, unknown>;
  for (const row of operationsOf(client).values()) {
    if (row.bind === false) continue;
    if (row.op in proto) throw new Error(`${client}: the generated method ${row.op} collides with a hand-written member (set bindMethod: false in its spec)`);
    const op = row.op;
    Object.defineProperty(methods, op, {
      value: function (this: WechatClient, params?: object, options?: CallOptions) {
        return this.call(op, params, options);
      },
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
  Object.setPrototypeOf(methods, Object.getPrototypeOf(proto) as object | null);
  Object.setPrototypeOf(proto, methods);
}
