// The wechat-tools command line. For now: `generate [--check]` (specs → generated/).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** The generator needs the dev toolchain (tsx, ts-morph, openapi-typescript, ajv, yaml): it runs in a checkout. */
function runGenerator(args: string[]): Promise<number> {
  const script = fileURLToPath(new URL('../codegen/main.ts', import.meta.url));
  if (!existsSync(script)) {
    process.stderr.write('wechat-tools generate: run it in a checkout of wechat-tools (npm run generate there)\n');
    return Promise.resolve(1);
  }
  const root = fileURLToPath(new URL('..', import.meta.url));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, '--root', root, ...args], { stdio: 'inherit', cwd: root });
    child.on('exit', (code) => resolve(code ?? 1));
    child.on('error', (err) => {
      process.stderr.write(`wechat-tools generate: ${err.message}\n`);
      resolve(1);
    });
  });
}

const HELP = `usage: wechat-tools <command> [options]

commands:
  generate [--check] [--dry-run]   build generated/ from spec/ (run in a checkout of wechat-tools)

options:
  -h, --help                       show help (also: wechat-tools <command> --help)
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help') {
    process.stdout.write(HELP);
    return command === undefined ? 1 : 0;
  }
  if (command === 'generate') return runGenerator(rest);
  const { values } = parseArgs({ args: rest, options: { help: { type: 'boolean', short: 'h' } }, strict: false });
  void values;
  process.stderr.write(`wechat-tools: unknown command "${command}"\n${HELP}`);
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`wechat-tools: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
