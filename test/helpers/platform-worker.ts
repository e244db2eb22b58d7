// One "server process" of the platform stampede test: CALLS concurrent calls for one authorizer on a
// shared Redis against the mock WeChat server; prints a JSON summary.
import { Redis } from 'ioredis';
import { OpenPlatform, RedisCache } from '../../src/index.js';
import { DEFAULT_MOCK_PLATFORM } from '../../src/testing/index.js';

const { REDIS_PORT, MOCK_URL, CALLS, AUTHORIZER, PREFIX } = process.env;
const client = new Redis({ port: Number(REDIS_PORT), host: '127.0.0.1', maxRetriesPerRequest: 1 });
const op = new OpenPlatform({ ...DEFAULT_MOCK_PLATFORM, baseUrl: MOCK_URL, cache: new RedisCache({ client, prefix: PREFIX ?? '' }), retry: false });
const n = Number(CALLS ?? 50);
const mp = op.miniProgram(String(AUTHORIZER));
const results = await Promise.allSettled(Array.from({ length: n }, () => mp.call('getApiDomainIp')));
const ok = results.filter((r) => r.status === 'fulfilled' && r.value.errcode === 0).length;
const firstError = results.find((r) => r.status === 'rejected');
process.stdout.write(JSON.stringify({ ok, failed: n - ok, error: firstError?.status === 'rejected' ? String(firstError.reason) : undefined }));
await client.quit();
