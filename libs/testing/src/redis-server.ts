import { spawn, ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { freePort } from './free-port';
import { waitFor } from './wait-for';

export interface TestRedisOptions {
  /** Run with AOF for crash tests. Default false. */
  appendonly?: boolean;
  /** With `appendonly`: `always` (default) or `everysec`, as deployed (docker-compose.yml). */
  appendfsync?: 'always' | 'everysec';
  /** Fixed port, e.g. to restart on the same address. Default: a free port. */
  port?: number;
  /** Reuse a data dir (restart after a crash). Default: a fresh temp dir. */
  dir?: string;
  /** `requirepass`: clients must authenticate; `url` then carries it. Default none. */
  password?: string;
  /** A Redis Cluster node (`cluster-enabled`), with no slots until startRedisCluster assigns them. */
  clusterNode?: boolean;
}

export interface TestRedis {
  url: string;
  port: number;
  dir: string;
  process: ChildProcess;
  /** SIGKILL when `crash` is true, else a clean shutdown. Removes the dir unless `keepDir`. */
  stop(opts?: { crash?: boolean; keepDir?: boolean }): Promise<void>;
}

/** Starts a private redis-server on a free port: tests never touch the machine's own Redis. */
export async function startRedis(opts: TestRedisOptions = {}): Promise<TestRedis> {
  const port = opts.port ?? (await freePort());
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'test-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--protected-mode', 'no'];
  args.push('--appendonly', opts.appendonly ? 'yes' : 'no');
  if (opts.appendonly) args.push('--appendfsync', opts.appendfsync ?? 'always');
  if (opts.password) args.push('--requirepass', opts.password, '--masterauth', opts.password);
  // A short node timeout: a test that stops a node sees the cluster react within seconds.
  if (opts.clusterNode) args.push('--cluster-enabled', 'yes', '--cluster-config-file', join(dir, 'nodes.conf'), '--cluster-node-timeout', '3000');
  const proc = spawn('redis-server', args, { stdio: 'ignore' });
  const url = opts.password ? `redis://:${encodeURIComponent(opts.password)}@127.0.0.1:${port}` : `redis://127.0.0.1:${port}`;
  await waitFor(() => ping(port), { timeoutMs: 10_000, what: `redis-server on port ${port}` });
  return {
    url,
    port,
    dir,
    process: proc,
    async stop({ crash = false, keepDir = false } = {}) {
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill(crash ? 'SIGKILL' : 'SIGTERM');
        await exited;
      }
      if (!keepDir && !opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One raw PING over TCP: no client library, so nothing lingers after the probe. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(500, () => done(false));
    sock.once('error', () => done(false));
    sock.once('connect', () => sock.write('PING\r\n'));
    // NOAUTH: a password-protected server is up too.
    sock.once('data', (d) => done(/^(\+PONG|-NOAUTH)/.test(d.toString())));
  });
}
