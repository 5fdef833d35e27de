import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Redis from 'ioredis';
import {
  CloseRequestSchema,
  encodeEntry,
  KEYS,
  MicrosClock,
  SignalSchema,
  STREAMS,
  type NewSignal,
} from '@app/contracts';
import { freePort, startRedis, startService, waitFor, type ServiceProcess, type TestRedis } from '@app/testing';

/**
 * The ATAS strategy's C# side, end to end: ci/build.sh compiles the core, the ChartStrategy
 * against the ATAS reference stub, the simulated ATAS runtime with the strategy on it, and the C#
 * test program (Mono); the program then runs its checks and the strategy scenarios against the
 * real api-gateway process over a private Redis, asking this test (over its stdin/stdout, see
 * atas-strategy/tests/Control.cs) to publish signals and close requests at the moments it needs
 * them: live, while its push stream is down, while an entry is filling, and so on.
 */
const ROOT = join(__dirname, '..', '..', '..');
const BUILD_SCRIPT = join(ROOT, 'atas-strategy', 'ci', 'build.sh');
const API_KEY = 'csharp-e2e-key-0123';
/** Offline checks plus live ones; a lower count means checks silently stopped running. */
const MIN_CHECKS = 77;
/** Scenarios of the real strategy on the simulated ATAS runtime (atas-strategy/tests/Scenarios). */
const MIN_SCENARIOS = 22;

const missing = ['mcs', 'mono'].filter((cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status !== 0);
const describeWithMono = missing.length === 0 ? describe : describe.skip;
const title =
  missing.length === 0
    ? 'atas-strategy C# core against the live api-gateway'
    : `atas-strategy C# core: SKIPPED, ${missing.join(' and ')} not installed ` +
      '(apt-get install -y mono-mcs mono-runtime libnewtonsoft-json-cil-dev libmono-system-net-http4.0-cil libmono-system-componentmodel-dataannotations4.0-cil)';

// Printed as well as used as the title: a skipped suite's title is not shown by default.
if (missing.length > 0) console.warn(title);

interface SignalSpec {
  symbol: string;
  direction: 'BUY' | 'SELL';
  timeframe: string;
  /** Prices of a scenario; default: a fresh price with a 1.5 stop distance. */
  entry_price?: number;
  stop_loss?: number;
  take_profit?: number;
  /** metadata.source; default 'live', null for a signal that declares none. */
  source?: string | null;
}

interface Control {
  op: 'publish' | 'publish_close';
  signals?: SignalSpec[];
  signal_id?: string;
  signal_timestamp?: string;
  symbol?: string;
  direction?: 'BUY' | 'SELL';
  reason?: string;
}

describeWithMono(title, () => {
  let out: string;
  let redis: TestRedis;
  let publisher: Redis;
  let gateway: ServiceProcess;
  let baseUrl: string;
  const clock = new MicrosClock();
  let price = 100;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'atas-csharp-'));
    redis = await startRedis();
    publisher = new Redis(redis.url);
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    gateway = startService('api-gateway', {
      REDIS_URL: redis.url,
      PORT: String(port),
      HOST: '127.0.0.1',
      API_KEY,
      SSE_HEARTBEAT_MS: '200',
      LOG_LEVEL: 'warn',
    });
    await waitFor(
      async () => {
        const res = await fetch(`${baseUrl}/api/health`).catch(() => null);
        return res?.ok ?? false;
      },
      { timeoutMs: 20_000, what: `api-gateway health on ${baseUrl} (output: ${gateway.output()})` },
    );
  }, 30_000);

  afterAll(async () => {
    await gateway?.kill();
    publisher?.disconnect();
    await redis?.stop();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  /** A valid signal with fresh, strictly increasing timestamps and prices on the right sides. */
  const makeSignal = (spec: SignalSpec): NewSignal => {
    price += 1.25;
    const buy = spec.direction === 'BUY';
    const source = spec.source === undefined ? 'live' : spec.source;
    return SignalSchema.parse({
      timestamp: clock.nowTimestamp(),
      symbol: spec.symbol,
      direction: spec.direction,
      entry_price: spec.entry_price ?? price,
      stop_loss: spec.stop_loss ?? (buy ? price - 1.5 : price + 1.5),
      take_profit: spec.take_profit ?? (buy ? price + 3.125 : price - 3.125),
      leverage: 10,
      signal_strength: 80.5,
      timeframe: spec.timeframe,
      strategy_name: 'csharp-e2e',
      metadata: {
        consensus_confidence: 75,
        strategies_agree: 3,
        risk_reward_ratio: 2.08,
        ...(source === null ? {} : { source }),
      },
    });
  };

  /** Resolves once the gateway has read the signal from the stream, so the C# side never races its ingestion. */
  const ingested = (id: string) =>
    waitFor(
      async () => {
        const res = await fetch(`${baseUrl}/api/signals/history`, { headers: { 'X-API-Key': API_KEY } });
        const body = (await res.json()) as { signals?: { id: string }[] };
        return body.signals?.some((s) => s.id === id) ?? false;
      },
      { timeoutMs: 5_000, what: `the gateway to ingest signal ${id}` },
    );

  const handle = async (request: Control): Promise<unknown> => {
    if (request.op === 'publish') {
      const signals = [];
      for (const spec of request.signals ?? []) {
        const signal = makeSignal(spec);
        const id = await publisher.xadd(STREAMS.signals, '*', ...encodeEntry(signal));
        if (!id) throw new Error('XADD returned no id');
        signals.push({ ...signal, id });
      }
      for (const { id } of signals) await ingested(id);
      return { signals };
    }
    const closeRequest = CloseRequestSchema.parse({
      position_id: request.signal_id,
      signal_id: request.signal_id,
      signal_timestamp: request.signal_timestamp,
      symbol: request.symbol,
      direction: request.direction,
      reason: request.reason,
      requested_at: new Date().toISOString(),
    });
    return { id: await publisher.xadd(STREAMS.closeRequests, '*', ...encodeEntry(closeRequest)) };
  };

  /** Runs the test program, serving its publish requests; resolves with its output and exit code. */
  const runCoreTests = (): Promise<{ code: number | null; lines: string[]; acked: string[] }> =>
    new Promise((resolve, reject) => {
      const child: ChildProcessWithoutNullStreams = spawn(
        'mono',
        ['--debug', join(out, 'CoreTests.exe'), '--gateway', baseUrl, '--api-key', API_KEY],
        // The strategy keeps its dedupe files under the user's application data: a private one.
        { cwd: ROOT, env: { ...process.env, XDG_CONFIG_HOME: join(out, 'appdata') } },
      );
      const lines: string[] = [];
      const acked: string[] = [];
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      createInterface({ input: child.stdout }).on('line', (line) => {
        lines.push(line);
        if (line.startsWith('@@acked ')) acked.push(line.slice('@@acked '.length));
        if (!line.startsWith('@@ctl ')) return;
        handle(JSON.parse(line.slice('@@ctl '.length)) as Control)
          .then((reply) => child.stdin.write(`${JSON.stringify(reply)}\n`))
          .catch((err: unknown) => child.stdin.write(`${JSON.stringify({ error: err instanceof Error ? err.message : String(err) })}\n`));
      });
      child.once('error', reject);
      child.once('exit', (code) => {
        if (stderr) lines.push(`stderr: ${stderr}`);
        resolve({ code, lines, acked });
      });
    });

  it('compiles the core, the strategy against the ATAS reference stub, and the test program', () => {
    // RUN_CHECKS=0: the offline checks run below, with the live ones.
    const build = spawnSync('bash', [BUILD_SCRIPT], { env: { ...process.env, OUT: out, RUN_CHECKS: '0' }, encoding: 'utf8', timeout: 120_000 });
    expect({ status: build.status, output: build.stdout + build.stderr }).toMatchObject({ status: 0 });
    for (const file of ['AtasSignalStrategy.Core.dll', 'AtasStub.dll', 'AtasSignalStrategy.StubBuild.dll', 'CoreTests.exe']) {
      expect(existsSync(join(out, file))).toBe(true);
    }
  }, 120_000);

  it('passes every check and strategy scenario against the live gateway (poll, push with resume, dedupe, age, ack with retry, orders on simulated ATAS)', async () => {
    expect(existsSync(join(out, 'CoreTests.exe'))).toBe(true);
    const { code, lines, acked } = await runCoreTests();
    const report = lines.join('\n');
    const summary = lines.filter((l) => l.startsWith('csharp: ')).pop();
    expect({ code, summary, failures: lines.filter((l) => l.startsWith('FAIL')) }).toEqual({
      code: 0,
      summary: expect.stringMatching(/^csharp: \d+ passed, 0 failed$/),
      failures: [],
    });
    expect(Number(/csharp: (\d+) passed/.exec(summary ?? '')?.[1])).toBeGreaterThanOrEqual(MIN_CHECKS);
    expect(report).toContain('ok   - live push: after a dropped connection, Last-Event-ID replays exactly the missed signals');
    expect(lines.filter((l) => l.startsWith('ok   - strategy on simulated ATAS: ')).length).toBeGreaterThanOrEqual(MIN_SCENARIOS);
    // Close requests are checked whenever this gateway serves them.
    const closeEndpoint = await fetch(`${baseUrl}/api/positions/close-requests`, { headers: { 'X-API-Key': API_KEY } });
    if (closeEndpoint.status !== 404) expect(report).toContain('ok   - live close requests: each new close request is returned once');

    // The acknowledgement the C# client sent is visible to everyone: the history, /latest, Redis.
    expect(acked).toHaveLength(1);
    const [id] = acked;
    const headers = { 'X-API-Key': API_KEY };
    const history = (await (await fetch(`${baseUrl}/api/signals/history`, { headers })).json()) as {
      signals: { id: string; state: string; acknowledged_at: string | null }[];
    };
    expect(history.signals.find((s) => s.id === id)).toMatchObject({ id, state: 'acknowledged', acknowledged_at: expect.any(String) });
    const latest = (await (await fetch(`${baseUrl}/api/signals/latest`, { headers })).json()) as { signal: { id: string } | null };
    expect(latest.signal?.id).not.toBe(id);
    expect(await publisher.hget(KEYS.acks, id)).toEqual(expect.any(String));
  }, 300_000);
});
