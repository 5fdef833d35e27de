import { generatorEnvSchema, loadConfig } from '../config';
import { STRATEGY_NAMES, STRATEGY_TUNING } from './strategy-set';
import { DEFAULT_STRATEGY_PARAMS } from './strategy-params';
import { rangeSize, rangeValue } from './strategy-tuning';

describe('declared tuning ranges', () => {
  it('every strategy declares ranges of its own parameters, and its defaults lie inside them', () => {
    expect(Object.keys(STRATEGY_TUNING).sort()).toEqual([...STRATEGY_NAMES].sort());
    for (const name of STRATEGY_NAMES) {
      const tuning = STRATEGY_TUNING[name];
      expect(Object.keys(tuning).length).toBeGreaterThan(0);
      for (const [key, r] of Object.entries(tuning)) {
        expect(DEFAULT_STRATEGY_PARAMS).toHaveProperty(key);
        const d = DEFAULT_STRATEGY_PARAMS[key as keyof typeof DEFAULT_STRATEGY_PARAMS];
        expect([name, key, d >= r.min && d <= r.max]).toEqual([name, key, true]);
      }
    }
  });

  it('the extremes of paired ranges still make a configuration the service accepts', () => {
    const all = Object.values(STRATEGY_TUNING).flatMap((t) => Object.entries(t));
    const env = (pick: 'min' | 'max', otherPick: 'min' | 'max') => {
      const e: Record<string, string> = {};
      for (const [key, r] of all) {
        // fast/low parameters at one extreme, slow/high ones at the other
        const low = /Fast|Oversold/.test(key);
        const v = rangeValue(r, (low ? pick : otherPick) === 'min' ? 0 : rangeSize(r) - 1);
        const variable = key === 'bbStdDev' ? 'BB_STDDEV' : key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
        expect(generatorEnvSchema.shape).toHaveProperty(variable);
        e[variable] = String(v);
      }
      return e;
    };
    expect(() => loadConfig(env('max', 'min'))).not.toThrow();
    expect(() => loadConfig(env('min', 'max'))).not.toThrow();
  });

  it('range values are exact on the step: 0.1 steps print as 0.3', () => {
    expect(rangeValue({ min: 0.1, max: 1, step: 0.1 }, 2)).toBe(0.3);
    expect(rangeSize({ min: 1.5, max: 3, step: 0.1 })).toBe(16);
  });
});
