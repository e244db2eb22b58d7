// npm run bench: every figure in one go, rewritten into bench/RESULTS.md.
// Comparisons run in the same run, interleaved (A B C … A B C …), each measurement in a fresh process,
// reported as the median of the rounds and as a ratio to a baseline measured in the same run.
import { execFile, spawn } from 'node:child_process';
import { writeFileSync, statSync, readdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const N = Number(process.env.BENCH_CALLS ?? 1000);
const started = Date.now();
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const f0 = (x) => x.toFixed(0);
const f2 = (x) => x.toFixed(2);
const log = (m) => process.stderr.write(`${m}\n`);

const fake = spawn(process.execPath, [path.join(root, 'bench/fake-wechat.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise((r) => fake.stdout.once('data', (d) => r(String(d).trim())));
const base = `http://127.0.0.1:${port}`;
const worker = async (...args) => JSON.parse((await run(process.execPath, ['--expose-gc', path.join(root, 'bench/worker.mjs'), ...args], { cwd: tmpdir() /* node-easywechat writes its file cache into the cwd */, timeout: 120_000, maxBuffer: 1 << 20 })).stdout.trim().split('\n').pop());

const CLIENTS = ['node:http (floor)', 'global fetch', 'openapi-fetch', 'wechat-tools', 'wechat-tools (no validation)', 'co-wechat-api 3.11', 'wechat-api 1.35', 'node-easywechat 3.6'];
const sections = [];

// (1) per-call cost
log(`per-call: ${ROUNDS} rounds × ${CLIENTS.length} clients × GET/POST × ${N} calls`);
const per = Object.fromEntries(CLIENTS.map((c) => [c, { get: [], post: [], getCpu: [], postCpu: [] }]));
for (let r = 0; r < ROUNDS; r++) {
  for (const kind of ['get', 'post']) {
    // each round starts at another client, so none is always measured first
    for (const c of [...CLIENTS.slice(r % CLIENTS.length), ...CLIENTS.slice(0, r % CLIENTS.length)]) {
      const m = await worker('percall', c, kind, String(N), base);
      per[c][kind].push(m.wallUs);
      per[c][`${kind}Cpu`].push(m.cpuUs);
    }
  }
}
const med = Object.fromEntries(CLIENTS.map((c) => [c, { get: median(per[c].get), post: median(per[c].post), getCpu: median(per[c].getCpu), postCpu: median(per[c].postCpu) }]));
// Ratios paired by round (both measured minutes apart at most, under the same machine load), then the
// median over the rounds and the range: steadier than a ratio of two medians on a shared machine.
const paired = (a, b, key) => {
  const rs = per[a][key].map((x, i) => x / per[b][key][i]);
  return { median: median(rs), min: Math.min(...rs), max: Math.max(...rs) };
};
const fmtPair = (p) => `×${f2(p.median)} (${f2(p.min)}–${f2(p.max)})`;
const vsCo = Object.fromEntries(['get', 'post', 'getCpu', 'postCpu'].map((k) => [k, paired('wechat-tools', 'co-wechat-api 3.11', k)]));
const vsFloor = Object.fromEntries(['get', 'post', 'getCpu', 'postCpu'].map((k) => [k, paired('wechat-tools', 'node:http (floor)', k)]));
const coVsFloor = Object.fromEntries(['get', 'post'].map((k) => [k, paired('co-wechat-api 3.11', 'node:http (floor)', k)]));
const floor = med['node:http (floor)'];
sections.push(`## 1. Per-call cost (warm token, validation on)

${N} sequential calls per measurement after ${process.env.BENCH_WARMUP ?? 1000} warm-up calls (steady state: every client is JIT-compiled); median of ${ROUNDS} interleaved rounds, each in a fresh
process; client CPU is the client process's user + system time per call. GET = user info (\`/cgi-bin/user/info\`),
POST = template message send. Ratios are to the \`node:http\` keep-alive floor measured in the same run.
"no validation" is wechat-tools with \`validateParams: false, validateResponses: 'off'\`: the difference is what
validation costs.

| client | GET µs/call | POST µs/call | GET × floor | POST × floor | client CPU µs GET / POST | CPU × floor GET / POST |
|---|---|---|---|---|---|---|
${CLIENTS.map((c) => `| ${c === 'wechat-tools' ? '**wechat-tools**' : c} | ${f0(med[c].get)} | ${f0(med[c].post)} | ${f2(med[c].get / floor.get)} | ${f2(med[c].post / floor.post)} | ${f0(med[c].getCpu)} / ${f0(med[c].postCpu)} | ${f2(med[c].getCpu / floor.getCpu)} / ${f2(med[c].postCpu / floor.postCpu)} |`).join('\n')}

Where a call's time goes (profile, before and after the direct node:http path): [PROFILE.md](PROFILE.md).

Ratios paired by round (median over the ${ROUNDS} rounds, min–max in brackets):

| wechat-tools vs | wall GET | wall POST | CPU GET | CPU POST | target |
|---|---|---|---|---|---|
| co-wechat-api 3.11 (the fastest peer) | ${fmtPair(vsCo.get)} | ${fmtPair(vsCo.post)} | ${fmtPair(vsCo.getCpu)} | ${fmtPair(vsCo.postCpu)} | ≤ 1.00 |
| node:http floor | ${fmtPair(vsFloor.get)} | ${fmtPair(vsFloor.post)} | ${fmtPair(vsFloor.getCpu)} | ${fmtPair(vsFloor.postCpu)} | ≤ 1.15 (wall) |

For scale, co-wechat-api vs the floor, wall: GET ${fmtPair(coVsFloor.get)}, POST ${fmtPair(coVsFloor.post)}.`);

// (2) stampede
log('stampede');
const STAMP = ['wechat-tools', 'co-wechat-api 3.11', 'wechat-api 1.35', 'node-easywechat 3.6'];
const stamp = {};
for (const c of STAMP) stamp[c] = await worker('stampede', c, '1000', base);
sections.push(`## 2. Stampede: 1,000 concurrent calls on a cold token cache

| client | token requests | calls that succeeded |
|---|---|---|
${STAMP.map((c) => `| ${c} | ${stamp[c].tokenRequests} | ${stamp[c].fulfilled} |`).join('\n')}

(The fake's token endpoint answers after 20 ms, as a real one takes time; every call waits for a token.)`);

// (2b) throughput under concurrency
log('throughput');
const THR = ['wechat-tools', 'co-wechat-api 3.11'];
const thr = Object.fromEntries(THR.map((c) => [c, []]));
const THR_ROUNDS = Number(process.env.BENCH_THROUGHPUT_ROUNDS ?? 3);
for (let r = 0; r < THR_ROUNDS; r++) {
  for (const c of r % 2 ? [...THR].reverse() : THR) {
    const out = (await run(process.execPath, [path.join(root, 'bench/throughput.mjs'), c, base], { cwd: tmpdir(), timeout: 300_000 })).stdout;
    thr[c].push(JSON.parse(out.trim().split('\n').pop()));
  }
}
const thrMed = (c, k) => median(thr[c].map((x) => x[k]));
const thrCo = 'co-wechat-api 3.11';
sections.push(`## 2b. Throughput: ${(Number(process.env.THROUGHPUT_CALLS ?? 10_000)).toLocaleString('en')} template sends from ${process.env.THROUGHPUT_CONCURRENCY ?? 100} concurrent callers

\`bench/throughput.mjs\`: one client per fresh process, warmed up at the same concurrency, median of ${THR_ROUNDS} interleaved rounds.
Sockets = TCP connections the fake accepted from the client (warm-up included). The fake is one Node process on
the same cores: the ratio is what to read.

| client | calls/s | p50 ms | p99 ms | sockets | client CPU µs/call |
|---|---|---|---|---|---|
${THR.map((c) => `| ${c} | ${f0(thrMed(c, 'callsPerSec'))} | ${thrMed(c, 'p50Ms').toFixed(1)} | ${thrMed(c, 'p99Ms').toFixed(1)} | ${f0(thrMed(c, 'connections'))} | ${f0(thrMed(c, 'cpuUsPerCall'))} |`).join('\n')}

wechat-tools vs co-wechat-api: calls/s ×${f2(thrMed('wechat-tools', 'callsPerSec') / thrMed(thrCo, 'callsPerSec'))}, p50 ×${f2(thrMed('wechat-tools', 'p50Ms') / thrMed(thrCo, 'p50Ms'))}, p99 ×${f2(thrMed('wechat-tools', 'p99Ms') / thrMed(thrCo, 'p99Ms'))}, CPU/call ×${f2(thrMed('wechat-tools', 'cpuUsPerCall') / thrMed(thrCo, 'cpuUsPerCall'))}.`);

// (3) cold start
log('cold start');
const COLD = ['bare node', 'wechat-tools', 'co-wechat-api 3.11', 'wechat-api 1.35', 'node-easywechat 3.6'];
const coldRuns = Object.fromEntries(COLD.map((c) => [c, { wall: [], rss: [], inner: [] }]));
for (let r = 0; r < ROUNDS; r++) {
  for (const c of COLD) {
    const t0 = performance.now();
    const m = await worker('coldstart', c, base);
    coldRuns[c].wall.push(performance.now() - t0);
    coldRuns[c].rss.push(m.rssMiB);
    coldRuns[c].inner.push(m.ms);
  }
}
const bare = median(coldRuns['bare node'].wall);
sections.push(`## 3. Cold start: a fresh process that imports the client and constructs it

Wall time of the whole process (spawn to exit), median of ${ROUNDS} interleaved rounds; "+ms" is over a bare
node process running the same worker script without the import.

| client | process wall ms | + ms over bare node | import + construct ms (in process) | RSS MiB |
|---|---|---|---|---|
${COLD.map((c) => `| ${c} | ${f0(median(coldRuns[c].wall))} | ${c === 'bare node' ? '—' : `+${f0(median(coldRuns[c].wall) - bare)}`} | ${f0(median(coldRuns[c].inner))} | ${f2(median(coldRuns[c].rss))} |`).join('\n')}

wechat-tools vs co-wechat-api: +ms over bare node ×${f2((median(coldRuns['wechat-tools'].wall) - bare) / (median(coldRuns['co-wechat-api 3.11'].wall) - bare))}, import + construct in process ×${f2(median(coldRuns['wechat-tools'].inner) / median(coldRuns['co-wechat-api 3.11'].inner))} (target: below 1.00).`);

// (4) generation
log('generation');
const gen = (await run(process.execPath, ['--import', 'tsx', path.join(root, 'bench/generation.ts'), '1000'], { cwd: root, timeout: 300_000 })).stdout.trim();
sections.push(`## 4. Generation

\`npx tsx bench/generation.ts 1000\` (load + validate + normalize + every emitter, in memory):

\`\`\`
${gen}
\`\`\``);

// (5) memory
log('memory');
const mem = await worker('memory', '100000', base);
sections.push(`## 5. Memory over 100,000 calls

wechat-tools, alternating GET and POST, heap after a full GC: ${f2(mem.at1kMiB)} MiB after 1,000 calls, ${f2(mem.atNMiB)} MiB after
100,000 → growth **${f2(mem.growthMiB)} MiB** (target < 5 MB).`);

// (6) size
log('size');
const packDir = mkdtempSync(path.join(tmpdir(), 'wt-pack-'));
const pack = JSON.parse((await run('npm', ['pack', '--json', '--pack-destination', packDir], { cwd: root })).stdout)[0];
rmSync(packDir, { recursive: true, force: true });
const { measureCore } = await import('./core-size.mjs');
const core = await measureCore();
const distBytes = readdirSync(path.join(root, 'dist')).reduce((a, f) => a + statSync(path.join(root, 'dist', f)).size, 0);
sections.push(`## 6. Size

| what | bytes |
|---|---|
| npm pack (tarball) | ${pack.size.toLocaleString('en')} |
| unpacked package | ${pack.unpackedSize.toLocaleString('en')} (dist: ${distBytes.toLocaleString('en')}) |
| runtime core, minified | ${core.minified.toLocaleString('en')} |
| runtime core, minified + gzip | **${core.gzip.toLocaleString('en')}** (budget ${core.budget.toLocaleString('en')}, enforced by test/size.test.ts) |

The core is \`src/index.ts\` bundled by esbuild without the generated data (endpoint table, types, validators, examples):
the client, token manager, HTTP layer, retry, push and Redis code.`);

// (7) type-check cost of the package for a consumer (bench/typecheck.mjs: packs the working tree again)
log('type-check');
const tc = JSON.parse((await run(process.execPath, [path.join(root, 'bench/typecheck.mjs'), '--runs', String(Math.max(3, ROUNDS)), '--json'], { cwd: root, timeout: 900_000, maxBuffer: 1 << 24 })).stdout.trim().split('\n').pop());
sections.push(`## 7. Type-check cost for a consumer

\`node bench/typecheck.mjs\`: a throwaway project with the packed package; \`tsc --noEmit\` CPU time of a file that
imports \`MPTools\` and calls three endpoints against a bare file, same tsconfig (NodeNext, lib es2023, @types/node,
strict), ${Math.max(3, ROUNDS)} alternating runs after one warm-up: medians, and the ratio as the median of the per-run
ratios with their range. "Three methods" is the same consumer file against a package that declares only the three
methods it calls: what any import costs before the declarations' volume.

| skipLibCheck | bare file CPU ms | consumer CPU ms | ratio (range) | three methods | target |
|---|---|---|---|---|---|
${tc.map((r) => `| ${r.skipLibCheck} | ${r.bareCpuMs} | ${r.consumerCpuMs} | **${r.ratio.toFixed(2)}** (${r.ratioMin.toFixed(2)}–${r.ratioMax.toFixed(2)}) | ${r.threeMethodsRatio.toFixed(2)} | ${r.target} ${r.ok ? '(met)' : '(missed)'} |`).join('\n')}

Which parts of the declarations cost what (\`node bench/typecheck.mjs --parts --instructions\`), and why 1.15× with
skipLibCheck true is out of reach while every endpoint is typed: [PROFILE.md](PROFILE.md), "Type-check".`);

fake.kill('SIGTERM');
const secs = Math.round((Date.now() - started) / 1000);
const md = `# Benchmarks

Measured by \`npm run bench\` (${secs} s) on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version},
${new Date().toISOString().slice(0, 10)}. Against a minimal fake WeChat on loopback in its own process (\`bench/fake-wechat.mjs\`),
never through msw. Peers: co-wechat-api 3.11 (\`api.prefix\` pointed at the fake), wechat-api 1.35 (\`api.endpoint\`;
its \`setEndpoint()\` forces https), node-easywechat 3.6 (\`http.baseURL\` config). Absolute times vary with the machine:
read the ratios.

${sections.join('\n\n')}
`;
writeFileSync(path.join(root, 'bench/RESULTS.md'), md);
log(`bench/RESULTS.md written in ${secs} s`);
