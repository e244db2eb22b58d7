// One measurement in a fresh process. Modes:
//   percall <client> <get|post> <n> <base>   sequential calls after warm-up: wall and CPU µs per call
//   stampede <client> <n> <base>             n concurrent calls on a cold token cache
//   coldstart <client> <base>                import + construct
//   memory <n> <base>                         wechat-tools heap after 1,000 and after n calls
import { clients } from './clients.mjs';

const [mode, ...args] = process.argv.slice(2);
const out = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);

async function check(r, name) {
  const v = await r;
  const errcode = v?.errcode ?? v?.data?.errcode ?? (typeof v?.toObject === 'function' ? v.toObject().errcode : undefined) ?? 0;
  if (errcode) throw new Error(`${name}: errcode ${errcode}`);
}

if (mode === 'percall') {
  const [name, kind, n, base] = args;
  const c = await clients[name](base);
  const fn = c[kind];
  const WARM = Number(process.env.BENCH_WARMUP ?? 1000);
  for (let i = 0; i < WARM; i++) await check(fn(), name);
  const N = Number(n);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) await fn();
  const wall = Number(process.hrtime.bigint() - t0) / 1000 / N;
  const cpu = process.cpuUsage(cpu0);
  out({ wallUs: wall, cpuUs: (cpu.user + cpu.system) / N });
  process.exit(0);
} else if (mode === 'stampede') {
  const [name, n, base] = args;
  await fetch(`${base}/__reset`);
  const c = await clients[name](base, { cold: true });
  const rs = await Promise.allSettled(Array.from({ length: Number(n) }, () => c.get()));
  const stats = await (await fetch(`${base}/__stats`)).json();
  out({ tokenRequests: stats.tokenRequests, fulfilled: rs.filter((r) => r.status === 'fulfilled').length });
  process.exit(0);
} else if (mode === 'coldstart') {
  const [name, base] = args;
  const t0 = performance.now();
  if (name !== 'bare node') await clients[name](base);
  out({ ms: performance.now() - t0, rssMiB: process.memoryUsage().rss / 1024 / 1024 });
  process.exit(0);
} else if (mode === 'memory') {
  const [n, base] = args;
  const c = await clients['wechat-tools'](base);
  const heap = () => {
    globalThis.gc();
    return process.memoryUsage().heapUsed / 1024 / 1024;
  };
  for (let i = 0; i < 1000; i++) await c.get();
  const at1k = heap();
  for (let i = 1000; i < Number(n); i++) await (i % 2 ? c.get() : c.post());
  const atN = heap();
  out({ at1kMiB: at1k, atNMiB: atN, growthMiB: atN - at1k });
  process.exit(0);
}
