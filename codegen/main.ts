// `npm run generate [-- --check]`: rebuild generated/ from spec/, or (with --check) regenerate in
// memory and list every stale, missing or extra file.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { filesUnder } from './files.js';
import { buildInput, generate } from './generate.js';
import { SpecError } from './load.js';
import { checkDocUrls } from './doc-urls.js';

async function listFiles(dir: string, root: string): Promise<string[]> {
  return (await filesUnder(dir)).map((f) => path.relative(root, f).split(path.sep).join('/'));
}

function trackedSpecs(root: string): string[] {
  const out = execFileSync('git', ['ls-files', '-z', 'spec'], { cwd: root, encoding: 'utf8' });
  return out.split('\0').filter((f) => f.endsWith('.yaml') && !f.includes('/_'));
}

export async function runGenerate(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      check: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      only: { type: 'string', multiple: true },
      tracked: { type: 'boolean', default: false },
      root: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      'doc-urls': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(
      [
        'usage: wechat-tools generate [--check | --dry-run [--only spec/DIR ...]] [--root DIR] [--quiet]',
        '  --check    regenerate in memory and fail listing every stale, missing or extra file',
        '  --dry-run  validate the specs and run every emitter in memory; write nothing',
        '  --only P   with --dry-run: only the spec files under path prefix P (repeatable)',
        '  --doc-urls list every docUrl that is not the endpoint\'s own page (else a count and the first few)',
      ].join('\n'),
    );
    return 0;
  }
  const root = path.resolve(values.root ?? process.cwd());
  const started = performance.now();
  let files: Map<string, string>;
  try {
    if ((values.only ?? []).length > 0 && !values['dry-run']) {
      console.error('--only goes with --dry-run (generated/ always covers every spec)');
      return 2;
    }
    // --tracked: only the spec files git tracks (ignores specs being written in the work tree).
    const only = values.tracked ? trackedSpecs(root) : (values.only ?? []);
    // a progress line on a terminal (generation of many specs takes seconds)
    const tty = process.stderr.isTTY && !values.quiet;
    const progress = (msg: string) => tty && process.stderr.write(`\r\x1b[2K${msg}`);
    progress('generate: loading and checking the specs…');
    const input = await buildInput(root, only);
    // docUrl: the endpoint's own page (warnings while codegen/doc-url-allowlist.ts lists specs)
    const docUrls = checkDocUrls(input.endpoints);
    if (docUrls.errors.length > 0) throw new SpecError(docUrls.errors);
    if (docUrls.warnings.length > 0 && !values.quiet) {
      const shown = values['doc-urls'] ? docUrls.warnings : docUrls.warnings.slice(0, 3);
      progress('');
      process.stderr.write(`generate: warning: ${docUrls.warnings.length} docUrl(s) are not the endpoint's own page${shown.length < docUrls.warnings.length ? ' (--doc-urls lists all)' : ''}:\n  ${shown.join('\n  ')}\n`);
    }
    if (docUrls.stale.length > 0 && !values.quiet && only.length === 0) {
      process.stderr.write(`generate: note: ${docUrls.stale.length} entr(ies) of codegen/doc-url-allowlist.ts now pass (remove them): ${docUrls.stale.join(', ')}\n`);
    }
    progress(`generate: ${input.endpoints.length} endpoints checked; emitting types, table, OpenAPI, validators…`);
    files = await generate(input);
    progress('');
    if (!values.quiet) process.stderr.write(`generate: ${input.endpoints.length} endpoints → ${files.size} files in ${Math.round(performance.now() - started)} ms\n`);
  } catch (err) {
    if (err instanceof SpecError) {
      console.error(err.message);
      return 1;
    }
    throw err;
  }
  if (values['dry-run']) {
    if (!values.quiet) process.stderr.write('generate --dry-run: specs are valid (nothing written)\n');
    return 0;
  }
  const existing = new Set(await listFiles(path.join(root, 'generated'), root));
  if (values.check) {
    const stale: string[] = [];
    for (const [file, content] of files) {
      let current: string | undefined;
      try {
        current = await readFile(path.join(root, file), 'utf8');
      } catch {
        current = undefined;
      }
      if (current === undefined) stale.push(`missing: ${file}`);
      else if (current !== content) stale.push(`stale:   ${file}`);
    }
    for (const file of existing) if (!files.has(file)) stale.push(`extra:   ${file}`);
    if (stale.length > 0) {
      console.error(`generated/ is out of date with spec/ (run npm run generate):\n  ${stale.join('\n  ')}`);
      return 1;
    }
    if (!values.quiet) process.stderr.write('generate --check: generated/ is up to date\n');
    return 0;
  }
  for (const file of existing) if (!files.has(file)) await rm(path.join(root, file));
  for (const [file, content] of files) {
    const full = path.join(root, file);
    await mkdir(path.dirname(full), { recursive: true });
    let current: string | undefined;
    try {
      current = await readFile(full, 'utf8');
    } catch {
      current = undefined;
    }
    if (current !== content) await writeFile(full, content);
  }
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('codegen/main.ts')) {
  runGenerate(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
