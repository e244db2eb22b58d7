// Throughput under concurrency: THROUGHPUT_CALLS template sends (default 10,000) from THROUGHPUT_CONCURRENCY
// callers (default 100) against the fake WeChat, one client per fresh process. Reports calls/s, p50/p99
// latency and the TCP connections the fake accepted from the client (warm-up included: the sockets it used).
//   node bench/throughput.mjs <client> <base>        one measurement, JSON on stdout
//   node bench/throughput.mjs                         wechat-tools and co-wechat-api side by side, interleaved rounds
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';

const CALLS = Number(process.env.THROUGHPUT_CALLS ?? 10_000);
const CONCURRENCY = Number(process.env.THROUGHPUT_CONCURRENCY ?? 100);

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** One client: warm up, then CALLS sends from CONCURRENCY callers; connections counted by the fake. */
export async function measure(name, base) {
  const { clients } = await import('./clients.mjs');
  await fetch(`${base}/__reset`);
  const c = await clients[name](base);
  // warm-up with the same concurrency: the sockets counted are every one the client opened
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    for (let i = 0; i < 3; i++) await c.post();
  }));
  const latencies = new Float64Array(CALLS);
  let next = 0;
  let failed = 0;
  const caller = async () => {
    while (next < CALLS) {
      const i = next++;
      const t0 = performance.now();
      try {
        const r = await c.post();
        if ((r?.errcode ?? 0) !== 0) failed++;
      } catch {
        failed++;
      }
      latencies[i] = performance.now() - t0;
    }
  };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, caller));
  const secs = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const stats = await (await fetch(`${base}/__stats`)).json();
  const sorted = [...latencies].sort((a, b) => a - b);
  return { callsPerSec: CALLS / secs, p50Ms: quantile(sorted, 0.5), p99Ms: quantile(sorted, 0.99), connections: stats.connections, cpuUsPerCall: (cpu.user + cpu.system) / CALLS, failed };
}

const [name, base] = process.argv.slice(2);
if (name) {
  process.stdout.write(`${JSON.stringify(await measure(name, base))}\n`);
  process.exit(0);
} else {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const NAMES = ['wechat-tools', 'co-wechat-api 3.11'];
  const fake = spawn(process.execPath, [path.join(import.meta.dirname, 'fake-wechat.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((r) => fake.stdout.once('data', (d) => r(String(d).trim())));
  const runs = Object.fromEntries(NAMES.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (const n of r % 2 ? [...NAMES].reverse() : NAMES) {
      const { stdout } = await promisify(execFile)(process.execPath, [import.meta.filename, n, `http://127.0.0.1:${port}`], { cwd: tmpdir(), timeout: 300_000 });
      runs[n].push(JSON.parse(stdout.trim().split('\n').pop()));
    }
  }
  fake.kill('SIGTERM');
  for (const n of NAMES) {
    const m = (k) => median(runs[n].map((x) => x[k]));
    console.log(`${n}: ${m('callsPerSec').toFixed(0)} calls/s, p50 ${m('p50Ms').toFixed(1)} ms, p99 ${m('p99Ms').toFixed(1)} ms, ${m('connections')} connections, ${m('cpuUsPerCall').toFixed(0)} µs CPU/call, ${Math.max(...runs[n].map((x) => x.failed))} failed`);
  }
}
