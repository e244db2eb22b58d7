// Where the per-call cost lies in real conditions (bench/PROFILE.md, "Layers"): the same GET against the
// fake WeChat, through more and more of the SDK, each in a fresh process, rounds interleaved:
//   floor        node:http keep-alive (bench/clients.mjs)
//   nodeRequest  src/http/node-request.ts alone (timer, size cap, listeners)
//   transport    src/http/transport.ts (query string, headers, then nodeRequest)
//   no-reply     the client with validateResponses: 'off'
//   no-valid     the client with validateParams: false as well
//   client       the client as shipped (validation on)
//   co           co-wechat-api 3.11
//   node --import tsx bench/layers.mjs [rounds=7] [calls=3000]          (starts its own fake)
// A profile of a hot loop without the network (stubbed http.request) says ~5 µs for the whole client; between
// real round trips the caches are cold and the same code costs several times that: this is what shows it.
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const root = path.resolve(import.meta.dirname, '..');
const LAYERS = ['floor', 'nodeRequest', 'transport', 'no-valid', 'no-reply', 'client', 'co'];
const PATH = '/cgi-bin/user/info?access_token=BENCH_TOKEN&openid=o6_bmjrPTlm6_2sgVt7hMZOPfL2M&lang=zh_CN';
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function layer(name, base) {
  const { clients } = await import('./clients.mjs');
  const u = new URL(base);
  if (name === 'floor') return (await clients['node:http (floor)'](base)).get;
  if (name === 'co') return (await clients['co-wechat-api 3.11'](base)).get;
  if (name === 'nodeRequest') {
    const { nodeRequest } = await import('../src/http/node-request.ts');
    const origin = { secure: false, hostname: u.hostname, port: u.port, prefix: '', origin: u.origin };
    return async () => JSON.parse((await nodeRequest({ origin, method: 'GET', path: PATH, headers: {}, payload: undefined, timeoutMs: 10_000, maxBytes: 1 << 23, signal: undefined })).bytes.toString());
  }
  if (name === 'transport') {
    const { createTransport } = await import('../src/http/transport.ts');
    const send = createTransport(() => undefined);
    const query = { openid: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M', lang: 'zh_CN', access_token: 'BENCH_TOKEN' };
    return async () => JSON.parse((await send({ method: 'GET', baseUrl: base, path: '/cgi-bin/user/info', query, body: undefined, headers: {}, timeoutMs: 10_000, maxBytes: 1 << 23 })).bytes.toString());
  }
  const { OATools } = await import('../dist/index.js');
  const validation = name === 'client' ? {} : name === 'no-reply' ? { validateResponses: 'off' } : { validateResponses: 'off', validateParams: false };
  const oa = new OATools({ appid: 'wx_bench_app', secret: 'bench_secret', baseUrl: base, accessToken: 'BENCH_TOKEN', ...validation });
  return () => oa.getUserInfo({ openid: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M', lang: 'zh_CN' });
}

if (process.argv[2] === '--one') {
  const [, , , name, n, base] = process.argv;
  const fn = await layer(name, base);
  for (let i = 0; i < 1000; i++) await fn();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < Number(n); i++) await fn();
  const wallUs = Number(process.hrtime.bigint() - t0) / 1000 / Number(n);
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(`${JSON.stringify({ wallUs, cpuUs: (cpu.user + cpu.system) / Number(n) })}\n`);
  process.exit(0);
}

const [rounds = '7', calls = '3000'] = process.argv.slice(2);
const fake = spawn(process.execPath, [path.join(root, 'bench/fake-wechat.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise((r) => fake.stdout.once('data', (d) => r(String(d).trim())));
const base = `http://127.0.0.1:${port}`;
const run = promisify(execFile);
const got = Object.fromEntries(LAYERS.map((l) => [l, { wall: [], cpu: [] }]));
try {
  for (let r = 0; r < Number(rounds); r++) {
    for (const l of LAYERS) {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', import.meta.filename, '--one', l, calls, base], { cwd: root });
      const m = JSON.parse(stdout.trim());
      got[l].wall.push(m.wallUs);
      got[l].cpu.push(m.cpuUs);
    }
  }
} finally {
  fake.kill();
}
const floor = { wall: median(got.floor.wall), cpu: median(got.floor.cpu) };
console.log(`| layer | wall µs | CPU µs | CPU over the floor µs |\n|---|---|---|---|`);
for (const l of LAYERS) console.log(`| ${l} | ${median(got[l].wall).toFixed(0)} | ${median(got[l].cpu).toFixed(0)} | ${(median(got[l].cpu) - floor.cpu).toFixed(0)} |`);
