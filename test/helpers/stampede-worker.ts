// One "process" of the cross-process stampede test: 250 concurrent calls on a shared Redis cache
// against the mock WeChat server; prints a JSON summary.
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { MPTools, RedisCache } from '../../src/index.js';
import { DEFAULT_MOCK_APP } from '../../src/testing/index.js';

const { REDIS_PORT, MOCK_URL, TOKEN_MODE, REDIS_CLIENT, CALLS } = process.env;
const client =
  REDIS_CLIENT === 'node-redis'
    ? await createClient({ url: `redis://127.0.0.1:${REDIS_PORT}` }).connect()
    : new Redis({ port: Number(REDIS_PORT), host: '127.0.0.1', maxRetriesPerRequest: 1 });
const mp = new MPTools({ ...DEFAULT_MOCK_APP, baseUrl: MOCK_URL, tokenMode: TOKEN_MODE === 'classic' ? 'classic' : 'stable', cache: new RedisCache({ client }) });
const n = Number(CALLS ?? 250);
const results = await Promise.allSettled(Array.from({ length: n }, () => mp.getPhoneNumber({ code: 'c0de' })));
const ok = results.filter((r) => r.status === 'fulfilled' && r.value.errcode === 0).length;
const why = [...new Set(results.map((r) => (r.status === 'rejected' ? String(r.reason) : r.value.errcode === 0 ? '' : `errcode ${r.value.errcode}`)).filter(Boolean))];
process.stdout.write(JSON.stringify({ ok, failed: n - ok, token: await mp.getAccessToken(), why }));
if ('quit' in client) await (client as { quit(): Promise<unknown> }).quit();
