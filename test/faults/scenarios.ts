/** The faults, one row of the table each: what strikes the running pipeline, and when it ends. */
import { Agent } from 'node:http';
import fc from 'fast-check';
import { DATA_FIELD, STREAMS, withoutHashTag } from '@app/contracts';
import { waitFor } from '@app/testing';
import { fuzzRequest, problems, send, type FuzzRequest, type FuzzResponse } from '../../apps/api-gateway/test/http-fuzz.cases';
import { makeSignal } from '../../apps/notifier/test/fixtures/signals';
import type { Sinks } from './checker';
import { API_KEY, TELEGRAM_LATENCY, type FaultStack } from './stack';

export interface FaultContext {
  stack: FaultStack;
  sinks: Sinks;
  /** Waits until `n` more signals are on the stream than when called (the pipeline keeps flowing). */
  morePublished(n: number, timeoutMs?: number): Promise<void>;
}

export interface FaultOutcome {
  /** When the fault ended (the restart, the restore): recovery is measured from here. */
  endedAt: number;
  /** Shown after the fault's name in the table. */
  note?: string;
  /** Checks of the fault's own that failed (fuzz findings, malformed entries not counted). */
  failures?: string[];
}

export interface Scenario {
  name: string;
  /**
   * Crashes or Redis failures the notifier meets: each may repeat the one message per chat in
   * flight at that moment (apps/notifier/README.md). 0: no repeat is allowed at all.
   */
  faultEvents: number;
  /** Recovery time is reported (a fault that stops something); false: '-'. */
  recovers: boolean;
  run(ctx: FaultContext): Promise<FaultOutcome>;
}

/** How long a fault lasts: a duration of the fault itself, never a wait for a condition. */
const faultWindow = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** kill -9 mid-stream, then the same service again once a few signals went by without it. */
function killNine(name: string, faultEvents: number): Scenario {
  return {
    name: `kill -9 ${name}, restarted`,
    faultEvents,
    recovers: true,
    async run({ stack, morePublished }) {
      await stack.kill9(name);
      // The others carry on meanwhile (the generator's own kill stops publishing: nothing to wait for).
      if (name !== 'signal-generator') await morePublished(3, 20_000);
      stack.restart(name);
      return { endedAt: Date.now() };
    },
  };
}

function redisDown(crash: boolean): Scenario {
  return {
    name: crash ? 'Redis kill -9, restarted from its AOF' : 'Redis SIGTERM, restarted',
    faultEvents: 1,
    recovers: true,
    async run({ stack }) {
      await stack.stopRedis(crash);
      const downFor = 3000;
      // A fault window, not a wait for a condition: Redis stays away this long.
      await faultWindow(downFor);
      await stack.startRedisAgain();
      return { endedAt: Date.now(), note: `down ${downFor / 1000} s` };
    },
  };
}

const blackHole: Scenario = {
  name: 'black hole (every Redis connection, old and new)',
  faultEvents: 1,
  recovers: true,
  async run({ stack }) {
    const holeMs = 6000;
    stack.proxy.blackHole();
    await faultWindow(holeMs);
    stack.proxy.restore();
    return { endedAt: Date.now(), note: `${holeMs / 1000} s` };
  },
};

const halfDead: Scenario = {
  name: 'half-dead Redis connections (every open one frozen, new ones pass)',
  faultEvents: 1,
  recovers: true,
  async run({ stack }) {
    // Nothing ends this fault: each service must notice its hung connections and replace them.
    const frozen = stack.proxy.freeze();
    return { endedAt: Date.now(), note: `${frozen} connections, recovery measured from the freeze` };
  },
};

const cutStorm: Scenario = {
  name: 'cut storm (every Redis connection cut, again and again)',
  faultEvents: 12,
  recovers: true,
  async run({ stack }) {
    let cut = 0;
    for (let i = 0; i < 12; i++) {
      cut += stack.proxy.cut();
      await faultWindow(400);
    }
    return { endedAt: Date.now(), note: `12 cuts 0.4 s apart, ${cut} connections` };
  },
};

function telegramStorm(kind: '429' | '5xx'): Scenario {
  return {
    name: kind === '429' ? 'Telegram 429 storm (retry_after 1)' : 'Telegram 5xx storm (500, 502)',
    faultEvents: 0,
    recovers: true,
    async run({ stack }) {
      const stormMs = 5000;
      let answered = 0;
      stack.tg.setBehaviour(({ method }) => {
        if (method !== 'sendMessage') return undefined;
        answered++;
        return kind === '429' ? { status: 429, retryAfter: 1, delayMs: 80 } : { status: answered % 2 ? 500 : 502, delayMs: 80 };
      });
      await faultWindow(stormMs);
      stack.tg.setBehaviour(TELEGRAM_LATENCY);
      return { endedAt: Date.now(), note: `${stormMs / 1000} s, ${answered} sends refused` };
    },
  };
}

/**
 * A signal every field of which passes the schema but whose free-form `metadata` nests 20,000
 * deep, as a producer without the publisher's checks could write it (the contract bounds it).
 */
function hostileSignal(): string {
  const deep = '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000);
  const signal = makeSignal(0, { symbol: 'ETHUSDT' });
  return JSON.stringify({ ...signal, metadata: '@' }).replace('"@"', `{"consensus_confidence":75,"strategies_agree":2,"risk_reward_ratio":2.4,"extra":${deep}}`);
}

/** Four kinds of bad entry: no data field, data not JSON, JSON that is no entry of the stream, a hostile signal. */
const BAD_ENTRIES: string[][] = [
  ['junk', 'no data field'],
  [DATA_FIELD, '{"not json'],
  [DATA_FIELD, JSON.stringify({ symbol: 42, kind: 'nonsense', type: 'nonsense', id: [] })],
  [DATA_FIELD, hostileSignal()],
];

async function malformedCounted(stack: FaultStack): Promise<Map<string, number>> {
  const totals = new Map<string, number>();
  for (const name of stack.names()) {
    const text = await fetch(stack.url(name, '/metrics'), { signal: AbortSignal.timeout(3000) }).then((r) => r.text());
    for (const m of text.matchAll(/^stream_malformed_entries_total\{([^}]*)\} (\d+(?:\.\d+)?)/gm)) {
      const stream = /stream="([^"]+)"/.exec(m[1])?.[1];
      if (stream) totals.set(stream, (totals.get(stream) ?? 0) + Number(m[2]));
    }
  }
  return totals;
}

const malformed: Scenario = {
  name: 'malformed entries in every stream',
  faultEvents: 0,
  recovers: false,
  async run({ stack, morePublished }) {
    const streams = Object.values(STREAMS);
    const before = await malformedCounted(stack);
    // Between real entries: each bad one has neighbours on both sides.
    for (const stream of streams) for (const fields of BAD_ENTRIES) await stack.direct.xadd(stream, '*', ...fields);
    await morePublished(5, 20_000);
    let last = before;
    // The metric's `stream` label is the name without its hash tag (dashboards keep their labels).
    const delta = (s: string) => (last.get(withoutHashTag(s)) ?? 0) - (before.get(withoutHashTag(s)) ?? 0);
    const short = () => streams.filter((s) => delta(s) < BAD_ENTRIES.length);
    await waitFor(
      async () => {
        last = await malformedCounted(stack);
        return short().length === 0;
      },
      { timeoutMs: 20_000, intervalMs: 250, what: 'every bad entry counted' },
    ).catch(() => undefined);
    const counted = streams.reduce((sum, s) => sum + delta(s), 0);
    const failures = short().map((s) => `${s}: ${delta(s)} of ${BAD_ENTRIES.length} bad entries counted by its readers`);
    return { endedAt: Date.now(), note: `${streams.length} streams × ${BAD_ENTRIES.length}, ${counted} skips counted by the readers`, failures };
  },
};

export const FUZZ_SEED = 20_261_207;
const FUZZ_RUNS = 1250;
const FUZZ_BATCH = 8;

/**
 * A route under /api, as the router sees it after decoding, with slashes collapsed and dot
 * segments resolved; undefined when the path does not decode. Only /api/health is public.
 */
export function protectedApiRoute(path: string): boolean {
  let p = path.split(/[?#]/)[0];
  try {
    p = decodeURIComponent(p);
  } catch {
    return false;
  }
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg.toLowerCase());
  }
  return out[0] === 'api' && out.length > 1 && !(out.length === 2 && out[1] === 'health');
}

const httpFuzz: Scenario = {
  name: `HTTP fuzz against the gateway with API_KEY set, ${(FUZZ_RUNS * FUZZ_BATCH).toLocaleString('en')} cases (seed ${FUZZ_SEED})`,
  faultEvents: 0,
  recovers: false,
  async run({ stack, sinks }) {
    const port = stack.services.get('api-gateway')!.port;
    const agent = new Agent({ keepAlive: true, maxSockets: FUZZ_BATCH });
    const failures: string[] = [];
    let sent = 0;
    /** Requests without the right key whose path reaches a protected route once decoded. */
    let probes = 0;
    let open2xx = 0;
    const statuses = new Map<number, number>();
    const check = (req: FuzzRequest, res: FuzzResponse) => {
      const broken = problems(req, res, API_KEY, [...sinks.timestamps.values()]);
      if (req.headers['x-api-key'] !== API_KEY && protectedApiRoute(req.path)) {
        probes++;
        if (res.status < 300) {
          open2xx++;
          broken.push(`${res.status} on an /api route without the key`);
        }
      }
      return broken;
    };
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(fuzzRequest(API_KEY), { minLength: FUZZ_BATCH, maxLength: FUZZ_BATCH }), async (batch) => {
          const results = await Promise.all(batch.map(async (req) => ({ req, res: await send(port, agent, req) })));
          for (const { req, res } of results) {
            sent++;
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            const broken = check(req, res);
            if (broken.length) throw new Error(`${req.method} ${req.path} -> ${res.status} ${res.body.slice(0, 200)}: ${broken.join(', ')}`);
          }
        }),
        { seed: FUZZ_SEED, numRuns: FUZZ_RUNS, endOnFailure: true },
      );
    } catch (err) {
      failures.push((err as Error).message.split('\n').slice(0, 6).join(' | '));
    } finally {
      agent.destroy();
    }
    const fivexx = [...statuses].filter(([s]) => s >= 500).reduce((a, [, n]) => a + n, 0);
    return { endedAt: Date.now(), note: `${sent.toLocaleString('en')} sent, ${fivexx} 5xx, ${statuses.get(200) ?? 0} 200s; ${probes.toLocaleString('en')} without the key on /api routes, ${open2xx} answered 2xx`, failures };
  },
};

export const SCENARIOS: Scenario[] = [
  killNine('signal-generator', 0),
  killNine('api-gateway', 0),
  killNine('notifier-a', 1),
  killNine('notifier-b', 1),
  killNine('closer-a', 0),
  killNine('closer-b', 0),
  redisDown(false),
  redisDown(true),
  blackHole,
  halfDead,
  cutStorm,
  telegramStorm('429'),
  telegramStorm('5xx'),
  malformed,
  httpFuzz,
];
