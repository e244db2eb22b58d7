// The wechat-tools command line: generate, endpoints, call, mock, token-server, push.
// Every command has --help; --json gives machine output; a failure exits non-zero with one line.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class CliError extends Error {}

export interface Io {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
}

const HELP = `usage: wechat-tools <command> [options]

commands:
  generate --specs DIR --out DIR           your own endpoints: a typed module from your YAML specs
  generate [--check] [--dry-run]           build generated/ from spec/ (in a checkout of wechat-tools)
  spec new <operation> --method M --path P write a starter spec (--dir DIR, default wechat-specs)
  endpoints [--platform mp|oa] [--json]    list the operations: method, path, doc link
  call <operation> --params '<json>'       call WeChat (WECHAT_APPID / WECHAT_SECRET from the environment)
  mock [--port N]                          run the mock WeChat server on loopback
  token-server [--port N] [--redis URL]    serve tokens: POST {appid, secret} → {access_token, expires_in}
  push sign|verify|encrypt|decrypt         debug push signatures and payloads

Run wechat-tools <command> --help for its options.
`;

type Options = NonNullable<ParseArgsConfig['options']>;

function parse(argv: string[], options: Options, help: string, io: Io): { values: Record<string, string | boolean | undefined>; positionals: string[] } | undefined {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err));
  }
  if (parsed.values['help']) {
    io.out(help);
    return undefined;
  }
  return { values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals };
}

// ---- generate ----

/** The generator needs the dev toolchain (tsx, typescript, openapi-typescript, ajv, yaml): it runs in a checkout. */
function runGenerator(args: string[]): Promise<number> {
  const script = fileURLToPath(new URL('../codegen/main.ts', import.meta.url));
  const fromSrc = fileURLToPath(new URL('../../codegen/main.ts', import.meta.url));
  const path = existsSync(script) ? script : existsSync(fromSrc) ? fromSrc : undefined;
  if (!path) throw new CliError('generate without --specs rebuilds generated/ in a checkout of wechat-tools; for your own endpoints: wechat-tools generate --specs DIR --out DIR');
  const root = fileURLToPath(new URL(path === script ? '..' : '../..', import.meta.url));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path, '--root', root, ...args], { stdio: 'inherit', cwd: root });
    child.on('exit', (code) => resolve(code ?? 1));
    child.on('error', () => resolve(1));
  });
}

const GENERATE_HELP = `usage: wechat-tools generate --specs DIR --out DIR [--check] [--quiet]
  Your own endpoints: checks every spec in DIR (YAML, the format of spec/ in wechat-tools; the file
  name is the operation name) against the package's meta-schema, and writes OUT/index.ts: the typed
  params and replies, the methods, and \`extraEndpoints\` for MPTools.extend(extraEndpoints),
  new MPTools({ …, endpoints: extraEndpoints }) and createMockWechat({ endpoints: extraEndpoints }).
  --check  fail if OUT/index.ts is not what the specs give (for CI)
Without --specs (in a checkout of wechat-tools): builds generated/ from spec/ (npm run generate).
`;

async function generate(argv: string[], io: Io): Promise<number> {
  if (!argv.includes('--specs') && !argv.some((a) => a.startsWith('--specs='))) {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.out(GENERATE_HELP);
      return 0;
    }
    return runGenerator(argv);
  }
  const args = parse(argv, { specs: { type: 'string' }, out: { type: 'string' }, check: { type: 'boolean' }, quiet: { type: 'boolean' } }, GENERATE_HELP, io);
  if (!args) return 0;
  const { specs, out } = args.values;
  if (typeof specs !== 'string' || typeof out !== 'string') throw new CliError('generate: --specs DIR and --out DIR go together');
  const { generateFromUserSpecs } = await import('./user-specs.js');
  return generateFromUserSpecs({ specs, out, check: args.values['check'] === true, quiet: args.values['quiet'] === true }, io);
}

// ---- spec ----

const SPEC_HELP = `usage: wechat-tools spec new <operation> --method GET|POST --path /wxa/... [--client mp|oa] [--dir DIR] [--force]
  Writes DIR/<operation>.yaml (default DIR: wechat-specs): a starter spec with every required field and
  the \`# yaml-language-server: $schema=\` line that gives editors completion from the package's meta-schema.
`;

async function spec(argv: string[], io: Io): Promise<number> {
  const args = parse(argv, { method: { type: 'string' }, path: { type: 'string' }, client: { type: 'string' }, dir: { type: 'string' }, force: { type: 'boolean' } }, SPEC_HELP, io);
  if (!args) return 0;
  const [action, operation, ...extra] = args.positionals;
  if (action !== 'new' || !operation || extra.length > 0) throw new CliError('spec: usage: wechat-tools spec new <operation> --method GET|POST --path /...');
  const { method, path } = args.values;
  if (typeof method !== 'string' || typeof path !== 'string') throw new CliError('spec new: --method and --path are required');
  const { writeStarterSpec } = await import('./user-specs.js');
  try {
    const dir = typeof args.values['dir'] === 'string' ? args.values['dir'] : 'wechat-specs';
    const client = typeof args.values['client'] === 'string' ? args.values['client'] : 'mp';
    const file = await writeStarterSpec({ operation, method, path, client, dir, force: args.values['force'] === true });
    io.out(`${file}\n`);
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err));
  }
  return 0;
}

// ---- endpoints ----

async function endpoints(argv: string[], io: Io): Promise<number> {
  const a = parse(argv, { platform: { type: 'string' }, json: { type: 'boolean' } }, 'usage: wechat-tools endpoints [--platform mp|oa|component] [--json]\n', io);
  if (!a) return 0;
  const platform = a.values['platform'];
  if (platform !== undefined && platform !== 'mp' && platform !== 'oa' && platform !== 'component') throw new CliError('--platform is mp, oa or component');
  const { endpointTable } = await import('../../generated/endpoints.js');
  const { catalog } = await import('../../generated/catalog.js');
  const rows = endpointTable
    .filter((r) => platform === undefined || r.clients.includes(platform))
    .map((r) => ({ operation: r.op, clients: r.clients.join(','), method: r.method, path: r.path, doc: catalog[r.id]?.docUrl ?? '', deprecated: r.deprecated === true }));
  if (a.values['json']) io.out(`${JSON.stringify(rows, null, 2)}\n`);
  else {
    for (const r of rows) io.out(`${r.operation.padEnd(34)} ${r.clients.padEnd(5)} ${r.method.padEnd(4)} ${r.path.padEnd(52)} ${r.doc}${r.deprecated ? '  (deprecated)' : ''}\n`);
    io.out(`${rows.length} operations\n`);
  }
  return 0;
}

// ---- call ----

async function call(argv: string[], io: Io): Promise<number> {
  const help = `usage: wechat-tools call <operation> [--params '<json>'] [--platform mp|oa] [--base-url URL] [--out FILE] [--json]
  credentials: WECHAT_APPID and WECHAT_SECRET in the environment (or WECHAT_ACCESS_TOKEN)
`;
  const a = parse(argv, { params: { type: 'string' }, platform: { type: 'string' }, 'base-url': { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } }, help, io);
  if (!a) return 0;
  const operation = a.positionals[0];
  if (!operation) throw new CliError('call needs an operation name (see wechat-tools endpoints)');
  const appid = io.env['WECHAT_APPID'];
  if (!appid) throw new CliError('WECHAT_APPID is not set');
  let params: object = {};
  if (typeof a.values['params'] === 'string') {
    try {
      params = JSON.parse(a.values['params']) as object;
    } catch {
      throw new CliError('--params is not valid JSON');
    }
  }
  const { MPTools, OATools, WechatToolsError, redactValue } = await import('../index.js');
  const { endpointTable } = await import('../../generated/endpoints.js');
  const row = endpointTable.find((r) => r.op === operation && (a.values['platform'] === undefined || r.clients.includes(a.values['platform'] as 'mp' | 'oa')));
  if (!row) throw new CliError(`no operation "${operation}" (see wechat-tools endpoints)`);
  const opts = {
    appid,
    ...(io.env['WECHAT_SECRET'] ? { secret: io.env['WECHAT_SECRET'] } : {}),
    ...(io.env['WECHAT_ACCESS_TOKEN'] ? { accessToken: io.env['WECHAT_ACCESS_TOKEN'] } : {}),
    ...(typeof a.values['base-url'] === 'string' ? { baseUrl: a.values['base-url'] } : {}),
  };
  const client = row.clients.includes('mp') && a.values['platform'] !== 'oa' ? new MPTools(opts) : new OATools(opts);
  try {
    const r = await (client as unknown as { call(op: string, p: object): Promise<Record<string, unknown> & { errcode: number; toJSON(): object }> }).call(operation, params);
    const buffer = r['buffer'];
    if (buffer instanceof Uint8Array) {
      const out = a.values['out'];
      if (typeof out !== 'string') throw new CliError(`${operation} answered ${buffer.byteLength} bytes (${String(r['contentType'])}): give --out FILE`);
      const { writeFile } = await import('node:fs/promises');
      await writeFile(out, buffer);
      io.out(a.values['json'] ? `${JSON.stringify({ errcode: 0, file: out, bytes: buffer.byteLength, contentType: r['contentType'] })}\n` : `wrote ${buffer.byteLength} bytes (${String(r['contentType'])}) to ${out}\n`);
      return 0;
    }
    io.out(`${JSON.stringify(redactValue(r.toJSON()), null, a.values['json'] ? 0 : 2)}\n`);
    return r.errcode === 0 ? 0 : 2;
  } catch (err) {
    if (err instanceof WechatToolsError) throw new CliError(err.message);
    throw err;
  }
}

// ---- mock ----

async function mock(argv: string[], io: Io): Promise<number> {
  const a = parse(argv, { port: { type: 'string' }, host: { type: 'string' }, json: { type: 'boolean' } }, 'usage: wechat-tools mock [--port N] [--host 127.0.0.1] [--json]\n', io);
  if (!a) return 0;
  const { createMockWechat, DEFAULT_MOCK_APP } = await import('../testing/index.js');
  const m = createMockWechat({ apps: [DEFAULT_MOCK_APP] });
  const server = await m.listen(Number(a.values['port'] ?? 0), typeof a.values['host'] === 'string' ? a.values['host'] : '127.0.0.1');
  const info = { url: server.url, appid: DEFAULT_MOCK_APP.appid, secret: DEFAULT_MOCK_APP.secret };
  io.out(a.values['json'] ? `${JSON.stringify(info)}\n` : `mock WeChat on ${info.url}\n  appid  ${info.appid}\n  secret ${info.secret}\n  e.g. WECHAT_APPID=${info.appid} WECHAT_SECRET=${info.secret} wechat-tools call code2Session --params '{"js_code":"x"}' --base-url ${info.url}\n`);
  await waitForSignal();
  await server.close();
  return 0;
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => resolve();
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}

// ---- token-server ----

async function tokenServer(argv: string[], io: Io): Promise<number> {
  const help = `usage: wechat-tools token-server [--port 8080] [--host 127.0.0.1] [--redis redis://…] [--config apps.json] [--mode stable|classic] [--base-url URL]
  apps: --config FILE ([{ "appid", "secret" }]), or WECHAT_APPS (the same JSON), or WECHAT_APPID + WECHAT_SECRET
  bearer keys (optional): TOKEN_SERVER_KEYS=key1,key2
`;
  const a = parse(argv, { port: { type: 'string' }, host: { type: 'string' }, redis: { type: 'string' }, config: { type: 'string' }, mode: { type: 'string' }, 'base-url': { type: 'string' } }, help, io);
  if (!a) return 0;
  let apps: { appid: string; secret: string }[] = [];
  if (typeof a.values['config'] === 'string') {
    const { readFile } = await import('node:fs/promises');
    apps = JSON.parse(await readFile(a.values['config'], 'utf8')) as typeof apps;
  } else if (io.env['WECHAT_APPS']) apps = JSON.parse(io.env['WECHAT_APPS']) as typeof apps;
  else if (io.env['WECHAT_APPID'] && io.env['WECHAT_SECRET']) apps = [{ appid: io.env['WECHAT_APPID'], secret: io.env['WECHAT_SECRET'] }];
  if (!Array.isArray(apps) || apps.length === 0) throw new CliError('no apps: give --config, WECHAT_APPS or WECHAT_APPID + WECHAT_SECRET');
  const { MPTools, RedisCache, createTokenServer } = await import('../index.js');
  let cache: InstanceType<typeof RedisCache> | undefined;
  let redis: { quit(): Promise<unknown>; disconnect(): void } | undefined;
  if (typeof a.values['redis'] === 'string') {
    let Redis: typeof import('ioredis').Redis;
    try {
      ({ Redis } = await import('ioredis'));
    } catch {
      throw new CliError('--redis needs the ioredis package (npm install ioredis)');
    }
    // No offline queue: while Redis is down a command fails at once instead of waiting and running
    // later as a ghost (a SET of a token that is stale by then); connect before serving.
    const client = new Redis(a.values['redis'], { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 2000 });
    client.on('error', () => {}); // reported by the failing commands, not as an unhandled 'error' event
    try {
      await client.connect();
    } catch (err) {
      client.disconnect();
      throw new CliError(`cannot connect to Redis at ${redactUrl(a.values['redis'])}: ${err instanceof Error ? err.message : String(err)}`);
    }
    redis = client;
    cache = new RedisCache({ client });
  }
  const mode = a.values['mode'] === 'classic' ? 'classic' : 'stable';
  const baseUrl = typeof a.values['base-url'] === 'string' ? { baseUrl: a.values['base-url'] } : {};
  const clients = apps.map((x) => new MPTools({ appid: x.appid, secret: x.secret, tokenMode: mode, ...baseUrl, ...(cache ? { cache } : {}) }));
  const keys = (io.env['TOKEN_SERVER_KEYS'] ?? '').split(',').filter(Boolean);
  const ts = createTokenServer({ apps: clients, bearerKeys: keys });
  const { createServer } = await import('node:http');
  const server = createServer((req, res) => void ts.node(req, res));
  const port = Number(a.values['port'] ?? 8080);
  const host = typeof a.values['host'] === 'string' ? a.values['host'] : '127.0.0.1';
  await new Promise<void>((r) => server.listen(port, host, r));
  const addr = server.address() as { port: number };
  io.out(`token server on http://${host}:${addr.port} for ${apps.map((x) => x.appid).join(', ')} (${mode} mode${cache ? ', Redis' : ''})\n`);
  await waitForSignal();
  // Stop accepting, drop idle keep-alive sockets, let in-flight answers finish (bounded), close Redis.
  const closed = new Promise<void>((r) => server.close(() => r()));
  server.closeIdleConnections();
  const grace = setTimeout(() => server.closeAllConnections(), 3000);
  await closed;
  clearTimeout(grace);
  if (redis) await redis.quit().catch(() => redis?.disconnect());
  return 0;
}

/** redis://user:password@host → redis://user:***@host */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

// ---- push ----

async function push(argv: string[], io: Io): Promise<number> {
  const help = `usage: wechat-tools push <sign|verify|encrypt|decrypt> --token T [--aes-key K --appid A] [options]
  sign     --timestamp TS --nonce N [--encrypt E]            print signature (or msg_signature with --encrypt)
  verify   --timestamp TS --nonce N --signature S [--encrypt E]
  encrypt  --message TEXT [--timestamp TS --nonce N]          print Encrypt (and msg_signature)
  decrypt  --encrypt E                                        print the plaintext
`;
  const a = parse(
    argv,
    { token: { type: 'string' }, 'aes-key': { type: 'string' }, appid: { type: 'string' }, timestamp: { type: 'string' }, nonce: { type: 'string' }, signature: { type: 'string' }, encrypt: { type: 'string' }, message: { type: 'string' }, json: { type: 'boolean' } },
    help,
    io,
  );
  if (!a) return 0;
  const [action] = a.positionals;
  const v = a.values as Record<string, string | undefined>;
  if (!v['token']) throw new CliError('--token is required');
  const { WechatCrypto, WechatToolsError } = await import('../index.js');
  const need = (k: string) => {
    const x = v[k];
    if (!x) throw new CliError(`--${k} is required for push ${action}`);
    return x;
  };
  try {
    const c = new WechatCrypto({ token: need('token'), appid: v['appid'] ?? '', ...(v['aes-key'] ? { encodingAESKey: v['aes-key'] } : {}) });
    const print = (o: Record<string, unknown>) => io.out(a.values['json'] ? `${JSON.stringify(o)}\n` : `${Object.entries(o).map(([k, x]) => `${k}: ${String(x)}`).join('\n')}\n`);
    if (action === 'sign') {
      const enc = v['encrypt'];
      print(enc ? { msg_signature: c.msgSignature(need('timestamp'), need('nonce'), enc) } : { signature: c.signature(need('timestamp'), need('nonce')) });
      return 0;
    }
    if (action === 'verify') {
      const enc = v['encrypt'];
      const expected = enc ? c.msgSignature(need('timestamp'), need('nonce'), enc) : c.signature(need('timestamp'), need('nonce'));
      const ok = expected === need('signature').toLowerCase();
      print({ valid: ok });
      return ok ? 0 : 2;
    }
    if (action === 'encrypt') {
      const encrypted = c.encrypt(need('message'));
      const ts = v['timestamp'] ?? String(Math.floor(Date.now() / 1000));
      const nonce = v['nonce'] ?? String(Math.floor(Math.random() * 1e9));
      print({ Encrypt: encrypted, MsgSignature: c.msgSignature(ts, nonce, encrypted), TimeStamp: ts, Nonce: nonce });
      return 0;
    }
    if (action === 'decrypt') {
      print({ message: c.decrypt(need('encrypt')) });
      return 0;
    }
  } catch (err) {
    if (err instanceof WechatToolsError) throw new CliError(err.message);
    throw err;
  }
  throw new CliError(`push: unknown action "${action ?? ''}" (sign, verify, encrypt, decrypt)`);
}

// ---- main ----

export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
        io.out(HELP);
        return 1;
      case '-h':
      case '--help':
      case 'help':
        io.out(HELP);
        return 0;
      case 'generate':
        return await generate(rest, io);
      case 'spec':
        return await spec(rest, io);
      case 'endpoints':
        return await endpoints(rest, io);
      case 'call':
        return await call(rest, io);
      case 'mock':
        return await mock(rest, io);
      case 'token-server':
        return await tokenServer(rest, io);
      case 'push':
        return await push(rest, io);
      default:
        throw new CliError(`unknown command "${command}" (wechat-tools --help)`);
    }
  } catch (err) {
    io.err(`wechat-tools: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}\n`);
    return 1;
  }
}
