// Throwaway Redis topologies for the tests: a 3-master Redis Cluster (redis-server --cluster-enabled
// + redis-cli --cluster create) and a Sentinel set (master + replica + one sentinel, run as
// `redis-server <conf> --sentinel`, which is what the redis-sentinel binary is). Free loopback ports,
// no persistence, a temporary directory; everything is killed and removed by stop().
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createConnection } from 'node:net';
import { freePort, hasRedisBinary } from './redis-server.js';

export const hasRedisCli = spawnSync('redis-cli', ['--version'], { stdio: 'ignore' }).status === 0;
/** redis-server can run as a sentinel (--sentinel) since 2.8: no separate binary needed */
export const canRunTopologies = hasRedisBinary && hasRedisCli;

if (hasRedisBinary && !hasRedisCli) {
  const msg = '\n\n*** redis-cli is not on PATH: the Redis Cluster tests are SKIPPED (apt-get install -y redis-tools) ***\n\n';
  if (process.env['CI'] === 'true') throw new Error(`redis-cli is required under CI=true.${msg}`);
  console.warn(msg);
}

/** Send one inline command, resolve with the raw reply text. */
export function command(port: number, line: string): Promise<string> {
  return new Promise((resolve) => {
    const c = createConnection({ port, host: '127.0.0.1' });
    let out = '';
    const done = () => {
      c.destroy();
      resolve(out);
    };
    c.once('error', () => resolve(''));
    c.once('connect', () => c.write(`${line}\r\n`));
    c.on('data', (d) => {
      out += d.toString();
      // a simple reply, or a bulk string that has arrived whole
      const bulk = /^\$(\d+)\r\n/.exec(out);
      if (!bulk || out.length >= bulk[0].length + Number(bulk[1]) + 2) done();
    });
    c.setTimeout(2000, done);
  });
}

async function until(what: string, check: () => Promise<boolean>, tries = 400): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

class Procs {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'wt-redis-'));
  readonly #procs = new Map<number, ChildProcess>();

  start(port: number, args: string[]): void {
    const p = spawn('redis-server', args, { stdio: 'ignore', cwd: this.dir });
    this.#procs.set(port, p);
  }

  async kill(port: number): Promise<void> {
    const p = this.#procs.get(port);
    this.#procs.delete(port);
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGKILL');
    });
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.#procs.keys()].map((port) => this.kill(port)));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const base = (port: number) => ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'];

export class TestCluster {
  readonly #procs = new Procs();
  private constructor(readonly ports: number[]) {}

  /** 3 masters, slots spread by redis-cli, cluster_state:ok on every node. */
  static async start(masters = 3): Promise<TestCluster> {
    const ports: number[] = [];
    const c = new TestCluster(ports);
    try {
      for (let i = 0; i < masters; i++) {
        const port = await freePort();
        const bus = await freePort();
        ports.push(port);
        c.#procs.start(port, [...base(port), '--cluster-enabled', 'yes', '--cluster-port', String(bus), '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '2000']);
      }
      for (const p of ports) await until(`redis-server on ${p}`, async () => (await command(p, 'PING')).startsWith('+PONG'));
      const created = spawnSync('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8', timeout: 60_000 });
      if (created.status !== 0) throw new Error(`redis-cli --cluster create failed (${created.status}): ${created.stdout}${created.stderr}`);
      for (const p of ports) await until(`cluster_state:ok on ${p}`, async () => (await command(p, 'CLUSTER INFO')).includes('cluster_state:ok'));
      return c;
    } catch (err) {
      await c.stop();
      throw err;
    }
  }

  get nodes(): { host: string; port: number }[] {
    return this.ports.map((port) => ({ host: '127.0.0.1', port }));
  }

  async stop(): Promise<void> {
    await this.#procs.stopAll();
  }
}

export class TestSentinel {
  readonly #procs = new Procs();
  readonly name = 'wtmaster';
  private constructor(
    readonly masterPort: number,
    readonly replicaPort: number,
    readonly sentinelPort: number,
  ) {}

  /** A master, one replica in sync with it, and one sentinel (quorum 1, down after 1 s) watching them. */
  static async start(): Promise<TestSentinel> {
    const s = new TestSentinel(await freePort(), await freePort(), await freePort());
    try {
      s.#procs.start(s.masterPort, base(s.masterPort));
      await until('the master', async () => (await command(s.masterPort, 'PING')).startsWith('+PONG'));
      s.#procs.start(s.replicaPort, [...base(s.replicaPort), '--replicaof', '127.0.0.1', String(s.masterPort)]);
      await until('the replica in sync', async () => (await command(s.replicaPort, 'INFO replication')).includes('master_link_status:up'));
      const conf = path.join(s.#procs.dir, 'sentinel.conf');
      writeFileSync(
        conf,
        [
          `port ${s.sentinelPort}`,
          'bind 127.0.0.1',
          `dir ${s.#procs.dir}`,
          `sentinel monitor ${s.name} 127.0.0.1 ${s.masterPort} 1`,
          `sentinel down-after-milliseconds ${s.name} 1000`,
          `sentinel failover-timeout ${s.name} 10000`,
          `sentinel parallel-syncs ${s.name} 1`,
          '',
        ].join('\n'),
      );
      s.#procs.start(s.sentinelPort, [conf, '--sentinel']);
      await until('the sentinel to see the replica', async () => (await command(s.sentinelPort, `SENTINEL REPLICAS ${s.name}`)).includes(String(s.replicaPort)));
      return s;
    } catch (err) {
      await s.stop();
      throw err;
    }
  }

  /** Kill the master (SIGKILL) and wait until the sentinel has promoted the replica. */
  async killMasterAndWaitForFailover(): Promise<void> {
    await this.#procs.kill(this.masterPort);
    await until(
      'the sentinel to promote the replica',
      async () => (await command(this.sentinelPort, `SENTINEL GET-MASTER-ADDR-BY-NAME ${this.name}`)).includes(String(this.replicaPort)),
      600,
    );
    await until('the replica to be a master', async () => (await command(this.replicaPort, 'ROLE')).includes('master'));
  }

  async killMaster(): Promise<void> {
    await this.#procs.kill(this.masterPort);
  }

  async waitForFailover(): Promise<void> {
    await until(
      'the sentinel to promote the replica',
      async () => (await command(this.sentinelPort, `SENTINEL GET-MASTER-ADDR-BY-NAME ${this.name}`)).includes(String(this.replicaPort)),
      600,
    );
    await until('the replica to be a master', async () => (await command(this.replicaPort, 'ROLE')).includes('master'));
  }

  async stop(): Promise<void> {
    await this.#procs.stopAll();
  }
}
