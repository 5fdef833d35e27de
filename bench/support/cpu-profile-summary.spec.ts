import { categoryOf, summarizeProfile, type CpuProfile } from './cpu-profile-summary';

const ROOT = '/repo';
const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber, columnNumber: 0 });

/**
 * Ten samples, one every 100 µs from t = 1,000: two idle; the handler twice through two nodes
 * (one function reached by two call paths); JSON.stringify, GC, a Fastify hook, an ioredis parser,
 * a Nest router and Node's stream code once each.
 */
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)') },
    { id: 2, callFrame: frame('(idle)') },
    { id: 3, callFrame: frame('latest', 'file:///repo/dist/apps/api-gateway/src/signals/signals.controller.js', 41) },
    { id: 4, callFrame: frame('latest', 'file:///repo/dist/apps/api-gateway/src/signals/signals.controller.js', 41) },
    { id: 5, callFrame: frame('stringify') },
    { id: 6, callFrame: frame('(garbage collector)') },
    { id: 7, callFrame: frame('hookRunner', 'file:///repo/node_modules/fastify/lib/hooks.js', 9) },
    { id: 8, callFrame: frame('', 'file:///repo/node_modules/ioredis/node_modules/redis-parser/lib/parser.js', 99) },
    { id: 9, callFrame: frame('handle', 'file:///repo/node_modules/@nestjs/core/router/router-proxy.js', 4) },
    { id: 10, callFrame: frame('writeOrBuffer', 'node:internal/streams/writable', 400) },
  ],
  startTime: 1_000,
  endTime: 2_000,
  samples: [2, 3, 4, 5, 6, 7, 8, 9, 10, 2],
  timeDeltas: Array(10).fill(100),
};

describe('summarizeProfile', () => {
  it('gives self shares of the busy samples, one function however many nodes it has', () => {
    const s = summarizeProfile(profile, { root: ROOT, top: 3 });
    expect(s).toMatchObject({ samples: 10, busy: 8 });
    expect(s.functions).toEqual([
      { name: 'latest', where: 'apps/api-gateway/src/signals/signals.controller.js:42', share: 2 / 8 },
      { name: 'stringify', where: '', share: 1 / 8 },
      { name: '(garbage collector)', where: '', share: 1 / 8 },
    ]);
  });

  it('splits by category: ours by app, packages by name (the innermost), Node, V8', () => {
    const s = summarizeProfile(profile, { root: ROOT });
    expect(s.categories[0]).toEqual({ name: 'apps/api-gateway', share: 2 / 8 });
    expect(Object.fromEntries(s.categories.map((c) => [c.name, c.share]))).toEqual({
      'apps/api-gateway': 2 / 8,
      '(V8 builtins, native)': 1 / 8,
      '(garbage collector)': 1 / 8,
      fastify: 1 / 8,
      'redis-parser': 1 / 8,
      '@nestjs/core': 1 / 8,
      'node: internals': 1 / 8,
    });
    expect(s.functions.find((f) => f.name === '(anonymous)')?.where).toBe('redis-parser/lib/parser.js:100');
  });

  it('keeps only the samples inside the window (the load, not the start-up)', () => {
    // Samples fall at 1,100 ... 2,000: 1,250-1,650 holds the 3rd to the 6th (4, 5, 6, 7).
    const s = summarizeProfile(profile, { root: ROOT, window: { fromUs: 1_250, toUs: 1_650 } });
    expect(s).toMatchObject({ samples: 4, busy: 4 });
    expect(s.functions.map((f) => f.name)).toEqual(['latest', 'stringify', '(garbage collector)', 'hookRunner']);
  });
});

describe('categoryOf', () => {
  it('names our code by folder, the baselines under bench/ included', () => {
    expect(categoryOf('x', 'file:///repo/libs/contracts/src/codec.ts', ROOT)).toBe('libs/contracts');
    expect(categoryOf('x', 'file:///repo/bench/support/bare-fastify.server.js', ROOT)).toBe('bench/support');
    expect(categoryOf('(program)', '', ROOT)).toBe('(program)');
  });
});
