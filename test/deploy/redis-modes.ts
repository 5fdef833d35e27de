/**
 * Redis as production runs it outside compose: TLS with a password (managed Redis, `rediss://`)
 * and behind Sentinel. Real redis-server processes on loopback; certificates made with openssl.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '@app/testing';
import { run } from './check-runner';

export interface RedisMode {
  /** What the services get: REDIS_URL and friends, plus NODE_EXTRA_CA_CERTS for TLS. */
  env: Record<string, string>;
  /** A secret that must never show up in a service's output. */
  password: string;
  stop(): Promise<void>;
}

function startProcess(args: string[]): { proc: ChildProcess; output: () => string; stop: () => Promise<void> } {
  const proc = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise((r) => proc.once('exit', r));
  return {
    proc,
    output: () => out,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}

function cli(args: string[]): string {
  return run('redis-cli', ['--no-auth-warning', ...args], { ok: false }).stdout.trim();
}

/** A CA and a server certificate for 127.0.0.1, valid for a day. */
function makeCertificates(dir: string): { ca: string; cert: string; key: string } {
  const f = (n: string) => join(dir, n);
  run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '1', '-subj', '/CN=deploy-check-ca']);
  run('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=127.0.0.1']);
  writeFileSync(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run('openssl', ['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('server.pem'), '-days', '1', '-extfile', f('ext.cnf')]);
  return { ca: f('ca.pem'), cert: f('server.pem'), key: f('server.key') };
}

/** redis-server on TLS only (no plain port), with a password: what a managed Redis looks like. */
export async function startTlsRedis(): Promise<RedisMode> {
  const dir = mkdtempSync(join(tmpdir(), 'deploy-redis-tls-'));
  const { ca, cert, key } = makeCertificates(dir);
  const port = await freePort();
  const password = 'tls-s3cret-pw';
  const server = startProcess([
    '--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1',
    '--tls-cert-file', cert, '--tls-key-file', key, '--tls-ca-cert-file', ca, '--tls-auth-clients', 'no',
    '--requirepass', password, '--dir', dir, '--appendonly', 'yes', '--save', '',
  ]);
  const stop = async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(() => cli(['--tls', '--cacert', ca, '-p', String(port), '-a', password, 'ping']) === 'PONG', {
      timeoutMs: 10_000,
      intervalMs: 100,
      what: `TLS redis-server on ${port}`,
    });
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${server.output().slice(-500)}`);
  }
  return { env: { REDIS_URL: `rediss://:${password}@127.0.0.1:${port}`, NODE_EXTRA_CA_CERTS: ca }, password, stop };
}

/** A password-protected master watched by one Sentinel; the services find the master through it. */
export async function startSentinelRedis(): Promise<RedisMode> {
  const dir = mkdtempSync(join(tmpdir(), 'deploy-redis-sentinel-'));
  const masterPort = await freePort();
  const sentinelPort = await freePort();
  const password = 'sentinel-s3cret-pw';
  const master = startProcess([
    '--port', String(masterPort), '--bind', '127.0.0.1', '--requirepass', password, '--masterauth', password,
    '--dir', dir, '--appendonly', 'yes', '--save', '',
  ]);
  // Sentinel rewrites its config file, so it gets one of its own.
  const conf = join(dir, 'sentinel.conf');
  writeFileSync(
    conf,
    [
      `port ${sentinelPort}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      `sentinel monitor mymaster 127.0.0.1 ${masterPort} 1`,
      `sentinel auth-pass mymaster ${password}`,
      '',
    ].join('\n'),
  );
  const sentinel = startProcess([conf, '--sentinel']);
  const stop = async () => {
    await sentinel.stop();
    await master.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(() => cli(['-p', String(sentinelPort), 'SENTINEL', 'get-master-addr-by-name', 'mymaster']).includes(String(masterPort)), {
      timeoutMs: 10_000,
      intervalMs: 100,
      what: 'the sentinel to know mymaster',
    });
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${sentinel.output().slice(-500)}`);
  }
  return {
    // The URL's host is ignored with Sentinel; it carries the password (and db).
    env: { REDIS_URL: `redis://:${password}@ignored-with-sentinel:6379/0`, REDIS_SENTINELS: `127.0.0.1:${sentinelPort}`, REDIS_SENTINEL_NAME: 'mymaster' },
    password,
    stop,
  };
}
