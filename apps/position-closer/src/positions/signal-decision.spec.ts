import { decideOnSignal } from './signal-decision';

describe('decideOnSignal', () => {
  const open = { position_id: '1700000000500-0', direction: 'BUY' as const };

  it('opens when nothing is open for the symbol', () => {
    expect(decideOnSignal('1700000000600-0', 'SELL', null)).toEqual({ action: 'open' });
  });

  it('recognises its own redelivered signal', () => {
    expect(decideOnSignal('1700000000500-0', 'BUY', open)).toEqual({ action: 'duplicate' });
  });

  it('reverses on an opposite, newer signal', () => {
    expect(decideOnSignal('1700000000600-0', 'SELL', open)).toEqual({ action: 'reverse', closeId: '1700000000500-0' });
  });

  it('ignores a same-direction signal and an older one (compared numerically, not as text)', () => {
    expect(decideOnSignal('1700000000600-0', 'BUY', open)).toEqual({ action: 'ignore', reason: 'same_direction' });
    expect(decideOnSignal('1700000000499-9', 'SELL', open)).toEqual({ action: 'ignore', reason: 'stale' });
    expect(decideOnSignal('999999999999-0', 'SELL', open)).toEqual({ action: 'ignore', reason: 'stale' });
  });
});
