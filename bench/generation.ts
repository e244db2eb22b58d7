// Generation time at the current spec count and at N synthetic endpoints (default 500 and 1000).
// Usage: npx tsx bench/generation.ts [N ...]
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildInput, generate } from '../codegen/generate.js';

const repo = path.resolve(import.meta.dirname, '..');

async function timeGenerate(root: string): Promise<{ endpoints: number; files: number; ms: number }> {
  const t0 = performance.now();
  const input = await buildInput(root);
  const files = await generate(input);
  return { endpoints: input.endpoints.length, files: files.size, ms: Math.round(performance.now() - t0) };
}

async function synthetic(n: number): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'wt-synth-'));
  await cp(path.join(repo, 'spec/_meta'), path.join(root, 'spec/_meta'), { recursive: true });
  await cp(path.join(repo, 'spec/_shared'), path.join(root, 'spec/_shared'), { recursive: true });
  const templates = [
    await readFile(path.join(repo, 'spec/miniprogram/sec-center/msgSecCheck.yaml'), 'utf8'),
    await readFile(path.join(repo, 'spec/miniprogram/qrcode-link/getUnlimitedQRCode.yaml'), 'utf8'),
    await readFile(path.join(repo, 'spec/officialaccount/menu/getMenu.yaml'), 'utf8'),
  ];
  for (let i = 0; i < n; i++) {
    const t = templates[i % templates.length] as string;
    const family = `family${Math.floor(i / 20)}`;
    const op = `syntheticOp${i}`;
    const text = t.replace(/^operation: .*$/m, `operation: ${op}`).replace(/^path: .*$/m, `path: /synthetic/${i}`).replace(/^clients: .*$/m, 'clients: [mp]');
    const dir = path.join(root, 'spec/miniprogram', family);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, `${op}.yaml`), text);
  }
  return root;
}

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const rows: string[] = [];
const current = await timeGenerate(repo);
rows.push(`current specs: ${current.endpoints} endpoints → ${current.files} files in ${current.ms} ms`);
for (const n of sizes.length > 0 ? sizes : [500, 1000]) {
  const root = await synthetic(n);
  try {
    const r = await timeGenerate(root);
    rows.push(`synthetic: ${r.endpoints} endpoints → ${r.files} files in ${r.ms} ms`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
console.log(rows.join('\n'));
