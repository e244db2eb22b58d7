// What the package costs a TypeScript consumer: a throwaway project with the packed package, then
// `tsc --noEmit` on a file that imports MPTools and calls three endpoints vs a bare file, with the same
// tsconfig (Node: lib es2023, @types/node, NodeNext, strict), skipLibCheck true and false: the CPU time
// of the tsc command (median of the per-run ratios of several alternating runs, with their range); for
// scale, the same file against a package that declares only those three methods;
// targets: ≤ 1.15× (skipLibCheck true) and ≤ 1.3× (false).
//
//   node bench/typecheck.mjs [--runs N] [--tarball wechat-tools-x.tgz] [--check] [--json] [--parts [--instructions]]
//
// Without --tarball it builds (tsup) and packs the working tree. --check exits 1 when a target is missed.
// --parts: where the skipLibCheck-true cost lies (bench/PROFILE.md, "Type-check"): the same consumer against
// copies of the package whose index.d.cts lacks one part (comments, the JSDoc marker, non-ASCII comment text,
// all but the three operations used, the other params/reply bodies), each with its tsc ratio (median of the
// per-run paired ratios, and their range). CPU time on a shared machine moves by ±0.1 between runs; with
// --instructions (needs valgrind) each check is counted in instructions instead (node --single-threaded
// --predictable under callgrind: the same check counts within ~1 % run after run, ~1 min a check, two at a time).
// Public tools only: npm, tsc, node (and valgrind for --instructions).
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { parts: { type: 'boolean', default: false }, instructions: { type: 'boolean', default: false }, runs: { type: 'string', default: '5' }, tarball: { type: 'string' }, check: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } } });
const runs = Number(values.runs);
const root = path.resolve(import.meta.dirname, '..');
const dir = mkdtempSync(path.join(tmpdir(), 'wt-typecheck-'));
const run = (cmd, args, cwd = dir) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A folder of the throwaway project with main.ts and the Node tsconfig every check uses; returns the tsconfig's path. */
function project(name, text, skipLibCheck) {
  const sub = path.join(dir, name);
  mkdirSync(sub, { recursive: true });
  writeFileSync(path.join(sub, 'main.ts'), text);
  const config = path.join(sub, 'tsconfig.json');
  writeFileSync(
    config,
    JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'ES2023', lib: ['ES2023'], module: 'NodeNext', moduleResolution: 'NodeNext', types: ['node'], skipLibCheck, typeRoots: [path.join(dir, 'node_modules/@types')] }, files: ['main.ts'] }),
  );
  return config;
}

try {
  let tarball = values.tarball ? path.resolve(values.tarball) : '';
  if (!tarball) {
    run('npx', ['tsup', '--silent'], root);
    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', dir], root));
    tarball = path.join(dir, packed[0].filename);
  }
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefer-offline', tarball, `typescript@file:${path.join(root, 'node_modules/typescript')}`, `@types/node@file:${path.join(root, 'node_modules/@types/node')}`]);

  // For scale: the same consumer code against a package that declares only the three methods it calls (what
  // an import costs tsc before any declaration volume: module resolution, the checker paths the code takes)
  const three = path.join(dir, 'node_modules/three-methods');
  mkdirSync(three, { recursive: true });
  writeFileSync(path.join(three, 'package.json'), JSON.stringify({ name: 'three-methods', version: '1.0.0', types: './index.d.ts' }));
  writeFileSync(
    path.join(three, 'index.d.ts'),
    `type Reply<T> = Promise<({ ok: true } & T) | ({ ok: false; errcode: number; errmsg: string } & Partial<T>)>;
export declare class MPTools {
  constructor(options: { appid: string; secret: string });
  code2Session(params: { js_code: string }): Reply<{ openid: string; session_key: string; unionid?: string }>;
  getPhoneNumber(params: { code: string; openid?: string }): Reply<{ phone_info?: { phoneNumber?: string; purePhoneNumber?: string } }>;
  getUnlimitedQRCode(params: { scene: string; page?: string }): Reply<{ buffer: Uint8Array }>;
}
`,
  );
  const files = {
    bare: `import { readFile } from 'node:fs/promises';\nexport const size = async (f: string): Promise<number> => (await readFile(f)).byteLength;\n`,
    consumer: `import { MPTools } from 'wechat-tools';
const mp = new MPTools({ appid: 'wx0000000000000000', secret: process.env['WECHAT_SECRET'] ?? '' });
export async function main(code: string): Promise<string | undefined> {
  const s = await mp.code2Session({ js_code: code });
  const phone = await mp.getPhoneNumber({ code });
  const qr = await mp.getUnlimitedQRCode({ scene: 'id=42', page: 'pages/index/index' });
  if (qr.ok) console.log(qr.buffer.byteLength, phone.phone_info?.purePhoneNumber);
  return s.ok ? s.openid : undefined;
}
`,
  };
  files.threeMethods = files.consumer.replace("from 'wechat-tools'", "from 'three-methods'");
  // Each check is the tsc command itself (node_modules/typescript/lib/tsc.js -p tsconfig.json), in a fresh
  // process, with a preloaded hook that reports the process's CPU time (user + system: what timing the tsc
  // command measures, less sensitive than wall time to other load on the machine) when it exits. Bare and
  // consumer runs alternate.
  const measure = path.join(dir, 'cpu-at-exit.cjs');
  writeFileSync(
    measure,
    `const w0 = performance.now();
process.on('exit', (code) => {
  const cpu = process.cpuUsage();
  process.stderr.write('\\n@@' + JSON.stringify({ code, cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - w0 }) + '\\n');
});
`,
  );
  const tsc = path.join(dir, 'node_modules/typescript/lib/tsc.js');
  const check = (config) => {
    const r = spawnSync(process.execPath, ['--require', measure, tsc, '-p', config], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const line = r.stderr.split('\n').find((l) => l.startsWith('@@'));
    if (r.status !== 0 || !line) throw new Error(`tsc -p ${config} failed (${r.status}):\n${r.stdout}${r.stderr}`);
    return JSON.parse(line.slice(2));
  };
  const results = [];
  for (const skipLibCheck of [true, false]) {
    const samples = { bare: [], consumer: [], threeMethods: [] };
    const configs = Object.fromEntries(Object.entries(files).map(([name, text]) => [name, project(`${name}-${skipLibCheck}`, text, skipLibCheck)]));
    for (let i = 0; i < runs + 1; i++) {
      for (const name of Object.keys(files)) {
        const m = check(configs[name]);
        if (i > 0) samples[name].push(m.cpuMs); // the first round warms the disk cache
      }
    }
    // paired by run (bare and consumer ran back to back): the median ratio and its range show the machine's noise
    const paired = (name) => samples[name].map((v, i) => v / samples.bare[i]);
    const r2 = (x) => Number(x.toFixed(2));
    const ratios = paired('consumer');
    const ratio = median(ratios);
    const target = skipLibCheck ? 1.15 : 1.3;
    results.push({
      skipLibCheck,
      bareCpuMs: Math.round(median(samples.bare)),
      consumerCpuMs: Math.round(median(samples.consumer)),
      ratio: r2(ratio),
      ratioMin: r2(Math.min(...ratios)),
      ratioMax: r2(Math.max(...ratios)),
      threeMethodsRatio: r2(median(paired('threeMethods'))),
      target,
      ok: ratio <= target,
    });
  }
  if (values.json) console.log(JSON.stringify(results));
  else console.table(results);
  if (values.parts) console.table(await parts({ dir, files, check, runs, instructions: values.instructions }));
  if (values.check && results.some((r) => !r.ok)) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** The package's index.d.cts without one part at a time (see --parts above). */
async function parts({ dir, files, check, runs, instructions }) {
  const ts = (await import(path.join(dir, 'node_modules/typescript/lib/typescript.js'))).default;
  const pkg = path.join(dir, 'node_modules/wechat-tools');
  const dts = readFileSync(path.join(pkg, 'dist/index.d.cts'), 'utf8');
  const sf = ts.createSourceFile('index.d.cts', dts, ts.ScriptTarget.Latest, true);
  const USED = ['code2Session', 'getPhoneNumber', 'getUnlimitedQRCode'];
  const usedTypes = new Set(USED.flatMap((op) => [`${op[0].toUpperCase()}${op.slice(1)}Params`, `${op[0].toUpperCase()}${op.slice(1)}Response`]));
  const rewrite = (edit) => sf.statements.map((st) => edit(st) ?? dts.slice(st.getFullStart(), st.end)).join('\n') + '\n';
  const onlyUsedOps = (st) => {
    if (!ts.isInterfaceDeclaration(st) || !/(Operations|Paginated)$/.test(st.name.text)) return undefined;
    const kept = st.members.filter((m) => m.name && USED.includes(m.name.getText(sf)));
    return `interface ${st.name.text} {\n${kept.map((m) => dts.slice(m.getFullStart(), m.end)).join('\n')}\n}`;
  };
  /** A params/reply type of an endpoint the consumer does not call. */
  const otherEndpointType = (name) => /(Params|Response)$/.test(name) && !usedTypes.has(name);
  const emptyOtherBodies = (st) => {
    const name = (ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st)) && st.name.text;
    if (!name || !otherEndpointType(name)) return undefined;
    return ts.isInterfaceDeclaration(st) ? `interface ${name} { [k: string]: unknown }` : `type ${name} = { [k: string]: unknown };`;
  };
  const uncommented = (text) => ts.createPrinter({ removeComments: true }).printFile(ts.createSourceFile('index.d.cts', text, ts.ScriptTarget.Latest, true));
  const variants = {
    'as shipped': dts,
    'no comments': uncommented(dts),
    'comments as /* */ (no JSDoc marker)': dts.replace(/\/\*\*(?!\/)/g, '/*'),
    'comments in ASCII': dts.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\x00-\x7f]/g, '?')),
    'only the 3 operations used': rewrite(onlyUsedOps),
    'other params/reply bodies empty': rewrite(emptyOtherBodies),
    'all three of: no comments, 3 operations, empty bodies': uncommented(rewrite((st) => onlyUsedOps(st) ?? emptyOtherBodies(st))),
    // the hand-written runtime's declarations (clients, options, WechatData, errors, push, tokens, Redis, platform)
    // with only the three endpoints' types: what the package would cost with no endpoint types beyond those used
    'runtime types + the 3 endpoints, no comments': uncommented(
      rewrite((st) => {
        if ((ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st)) && otherEndpointType(st.name.text)) return '';
        if (ts.isExportDeclaration(st) && st.exportClause && ts.isNamedExports(st.exportClause) && !st.moduleSpecifier)
          return `export { ${st.exportClause.elements.filter((e) => !otherEndpointType((e.propertyName ?? e.name).text)).map((e) => e.getText(sf)).join(', ')} };`;
        return onlyUsedOps(st);
      }),
    ),
  };
  const bare = project('part-bare', files.bare, true);
  const three = project('part-three', files.threeMethods, true);
  const configs = [];
  for (const [name, text] of Object.entries(variants)) {
    const id = `wt-part-${configs.length}`;
    const copy = path.join(dir, 'node_modules', id);
    cpSync(pkg, copy, { recursive: true });
    writeFileSync(path.join(copy, 'dist/index.d.cts'), text);
    configs.push({ name, KB: Math.round(Buffer.byteLength(text) / 1024), config: project(`part-${id}`, files.consumer.replace("from 'wechat-tools'", `from '${id}'`), true) });
  }
  if (instructions) {
    const tsc = path.join(dir, 'node_modules/typescript/lib/tsc.js');
    const count = (config) =>
      new Promise((resolve, reject) =>
        execFile('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, '--single-threaded', '--hash-seed=1', '--random-seed=1', '--predictable', tsc, '-p', config], { maxBuffer: 1 << 24 }, (err, _out, stderr) => {
          const m = /Collected : (\d+)/.exec(stderr);
          if (err || !m) reject(new Error(`valgrind tsc -p ${config} failed: ${err?.message ?? stderr.slice(-500)}`));
          else resolve(Number(m[1]));
        }),
      );
    const jobs = [bare, three, ...configs.map((c) => c.config)];
    const counts = new Array(jobs.length);
    let next = 0;
    const worker = async () => {
      while (next < jobs.length) {
        const i = next++;
        counts[i] = await count(jobs[i]);
      }
    };
    await Promise.all([worker(), worker()]);
    const [b, t] = counts;
    return [
      { 'index.d.cts': '(bare file)', KB: 0, 'instructions (G)': Number((b / 1e9).toFixed(3)), '× bare': 1 },
      { 'index.d.cts': '(three-method package)', KB: 0, 'instructions (G)': Number((t / 1e9).toFixed(3)), '× bare': Number((t / b).toFixed(3)) },
      ...configs.map((c, i) => ({ 'index.d.cts': c.name, KB: c.KB, 'instructions (G)': Number((counts[i + 2] / 1e9).toFixed(3)), '× bare': Number((counts[i + 2] / b).toFixed(3)) })),
    ];
  }
  const rows = [];
  for (const c of configs) {
    const ratios = [];
    for (let i = 0; i < runs; i++) {
      const b = check(bare).cpuMs;
      ratios.push(check(c.config).cpuMs / b);
    }
    rows.push({ 'index.d.cts': c.name, KB: c.KB, 'tsc × bare': Number(median(ratios).toFixed(2)), range: `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}` });
  }
  return rows;
}
