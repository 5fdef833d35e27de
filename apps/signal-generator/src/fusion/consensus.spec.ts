import type { Vote } from '@app/contracts';
import { fuseVotes } from './consensus';

const v = (strategy: string, direction: Vote['direction'], confidence: number): Vote => ({ strategy, direction, confidence, reason: `${strategy} says ${direction}` });
const opts = { minStrategiesAgree: 3, minConfidence: 60 };

describe('fuseVotes', () => {
  it('fires when enough strategies agree confidently; confidence is the agreeing mean net of dissent', () => {
    const votes = [v('a', 'BUY', 80), v('b', 'BUY', 70), v('c', 'BUY', 90), v('d', 'NONE', 0), v('e', 'NONE', 0), v('f', 'NONE', 0), v('g', 'NONE', 0)];
    const r = fuseVotes(votes, opts);
    expect(r).toEqual({ fired: true, consensus: { direction: 'BUY', agree: 3, oppose: 0, consensusConfidence: 80, signalStrength: 61.4 } });
  });

  it('subtracts opposing confidence: (3 x 80 - 60) / 3 = 60', () => {
    const r = fuseVotes([v('a', 'SELL', 80), v('b', 'SELL', 80), v('c', 'SELL', 80), v('d', 'BUY', 60)], opts);
    expect(r).toMatchObject({ fired: true, consensus: { direction: 'SELL', agree: 3, oppose: 1, consensusConfidence: 60, signalStrength: 67.5 } });
  });

  it('does not fire below MIN_STRATEGIES_AGREE, below MIN_CONFIDENCE, or on a tie', () => {
    expect(fuseVotes([v('a', 'BUY', 99), v('b', 'BUY', 99)], opts)).toEqual({ fired: false, reason: '2 BUY vote(s) < 3' });
    expect(fuseVotes([v('a', 'BUY', 60), v('b', 'BUY', 55), v('c', 'BUY', 60)], opts)).toEqual({ fired: false, reason: 'consensus confidence 58.3 < 60' });
    expect(fuseVotes([v('a', 'BUY', 90), v('b', 'BUY', 90), v('c', 'BUY', 90), v('d', 'SELL', 90), v('e', 'SELL', 90), v('f', 'SELL', 90)], opts)).toEqual({ fired: false, reason: 'split vote 3-3' });
    expect(fuseVotes([v('a', 'NONE', 0)], opts)).toEqual({ fired: false, reason: 'no votes' });
  });

  it('keeps strength and confidence within 0-100', () => {
    const all = Array.from({ length: 7 }, (_, i) => v(`s${i}`, 'BUY', 100));
    expect(fuseVotes(all, opts)).toMatchObject({ consensus: { consensusConfidence: 100, signalStrength: 100 } });
  });
});
