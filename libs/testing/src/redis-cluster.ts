import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startRedis, type TestRedis } from './redis-server';
import { waitFor } from './wait-for';

const exec = promisify(execFile);

export interface TestRedisCluster {
  /** Each master, in slot order. */
  nodes: TestRedis[];
  /** `127.0.0.1:port,...` of every node: REDIS_CLUSTER_NODES. */
  nodeList: string;
  /** `redis://` carrying the password, if any: REDIS_URL beside REDIS_CLUSTER_NODES. */
  url: string;
  /** Stops every node and removes their dirs. */
  stop(): Promise<void>;
}

/**
 * A Redis Cluster of `masters` (default 3) private redis-server processes on free loopback ports,
 * no replicas: `redis-cli --cluster create` spreads the 16384 slots over them, and it resolves
 * once every node reports `cluster_state:ok` and knows every other node.
 */
export async function startRedisCluster(opts: { masters?: number; password?: string } = {}): Promise<TestRedisCluster> {
  const masters = opts.masters ?? 3;
  const nodes: TestRedis[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.stop()));
  };
  try {
    for (let i = 0; i < masters; i++) nodes.push(await startRedis({ clusterNode: true, password: opts.password }));
    const auth = opts.password ? ['-a', opts.password, '--no-auth-warning'] : [];
    const addresses = nodes.map((n) => `127.0.0.1:${n.port}`);
    await exec('redis-cli', [...auth, '--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'], { timeout: 30_000 });
    const info = (port: number) => exec('redis-cli', [...auth, '-p', String(port), 'CLUSTER', 'INFO'], { timeout: 5000 }).then((r) => r.stdout);
    await waitFor(
      async () => {
        for (const n of nodes) {
          const text = await info(n.port);
          if (!text.includes('cluster_state:ok') || !text.includes(`cluster_known_nodes:${masters}`)) return false;
        }
        return true;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'cluster_state:ok on every node' },
    );
    const url = opts.password ? `redis://:${encodeURIComponent(opts.password)}@127.0.0.1:${nodes[0].port}` : `redis://127.0.0.1:${nodes[0].port}`;
    return { nodes, nodeList: addresses.join(','), url, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
