// RedisCache with onFailure: 'memory' while Redis stays down: once on the in-process fallback, calls use
// it at once instead of each waiting out the command timeout (issue 17: ~2 s per call before).
import { describe, expect, it } from 'vitest';
import { RedisCache, type IoRedisLike } from '../src/index.js';

/** An ioredis-shaped client whose connection we control; it counts the commands it is sent. */
function fakeClient() {
  const state = { status: 'ready', sent: 0 };
  const fail = async (): Promise<never> => {
    state.sent++;
    throw new Error('Connection is closed.');
  };
  const client = {
    get status() {
      return state.status;
    },
    get: fail,
    set: fail,
    del: fail,
    eval: fail,
  };
  return { state, client: client as unknown as IoRedisLike };
}

describe("RedisCache onFailure: 'memory' with Redis down", () => {
  it('after the first failure, calls go to the in-process cache without waiting for Redis', async () => {
    const { state, client } = fakeClient();
    // a command timeout no test could sit out: a call that waited for the connection would never finish in time
    const cache = new RedisCache({ client, onFailure: 'memory', commandTimeoutMs: 3_600_000, logger: { debug() {}, info() {}, warn() {}, error() {} } });
    await cache.set('k', { v: 1 }, 60_000); // Redis errors: fallback, degraded
    expect(cache.degraded).toBe(true);
    state.status = 'reconnecting';
    const sentBefore = state.sent;
    expect(await cache.get('k')).toEqual({ v: 1 });
    await cache.set('k2', 'x', 60_000);
    expect(await cache.get('k2')).toBe('x');
    expect(state.sent).toBe(sentBefore); // nothing sent, nothing waited for
  });
});
